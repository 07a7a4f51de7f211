"""The report-section registry: what a module adds to the report packs.

A module registers, from ``AppConfig.ready()``, a section for one or more pack kinds
("board", "handout", "municipality"): a function that gets the pack's scope (the
organisation, the estate or municipality, the year the figures are for and who reads)
and returns a template context — or None to leave the section out (no data, or the
reader may not see it) — and the template that renders it for print. ``almen.reports``
renders every registered section in each pack and format without naming the module::

    report_sections.register(
        Section("green", frozenset({"board", "handout"}), green_context,
                "green/platform/report_section.html"),
        app="green")

The context must hold ``title``; it may hold ``paragraphs`` (plain sentences) and
``tables`` (``SectionTable``): those are what the Word and Excel packs show, so the
print template should show the same (a chart from ``lib/charts.py`` goes beside its
table, never instead of it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from almen.lib.registry import Registry

PACK_KINDS = frozenset({"board", "handout", "municipality"})


@dataclass(frozen=True)
class SectionScope:
    kind: str  # one of PACK_KINDS
    organisation_id: int
    estate_id: int | None
    municipality_id: int | None
    year: int  # the year the figures are for
    principal: Any  # the reader (almen.access.policy.Principal)


@dataclass(frozen=True)
class SectionTable:
    caption: str
    header: list[str]
    rows: list[list[str]]  # as printed (Danish number format)
    values: list[list[Any]] = field(default_factory=list)  # typed, for Excel
    units: list[str] = field(default_factory=list)  # a unit per column ("" for none)


@dataclass(frozen=True)
class Section:
    key: str
    kinds: frozenset[str]
    context: Callable[[SectionScope], dict[str, Any] | None]
    template: str


@dataclass(frozen=True)
class RenderedSection:
    key: str
    title: str
    html: SafeString
    paragraphs: list[str]
    tables: list[SectionTable]


_sections: Registry[Section] = Registry("report sections")


def register(section: Section, *, app: str) -> None:
    unknown = set(section.kinds) - PACK_KINDS
    if unknown:
        raise ValueError(f"unknown pack kinds {unknown} for {section.key}")
    _sections.register(section.key, section, app=app)


def sections() -> list[Section]:
    return _sections.items()


def render_sections(scope: SectionScope) -> list[RenderedSection]:
    """Every registered section of ``scope.kind`` that has something to show."""
    rendered = []
    for section in sections():
        if scope.kind not in section.kinds:
            continue
        context = section.context(scope)
        if context is None:
            continue
        html = render_to_string(section.template, {**context, "scope": scope})
        rendered.append(
            RenderedSection(
                key=section.key,
                title=str(context["title"]),
                html=SafeString(html),
                paragraphs=[str(p) for p in context.get("paragraphs", [])],
                tables=list(context.get("tables", [])),
            )
        )
    return rendered
