"""The panel registry: what each module shows on the shared pages, per persona.

A panel belongs to a *place*: the home page (``HOME``), or a section of the web's
organisation page (``ORGANISATION``) or estate page (``ESTATE``). It is a selector and a
template fragment. The selector gets the request's principal (and, on an organisation
or estate page, that organisation or estate) and returns the fragment's context, or
None when the panel is not for this principal (a resident sees no organisation panel).
``queries`` is the most queries the selector may make for any principal, whatever the
size of the data; a test holds every panel to it. Panels are shown in ``order`` (gaps
of ten leave room between modules). The fragment is rendered with the page's context
plus ``panel`` (the selector's dict).

    panels.register(Panel("goals.attention", 30, "goals/panels/attention.html",
                          attention_panel, queries=2), app="goals")
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from almen.lib.registry import Registry

PanelContext = dict[str, Any]

HOME = "home"
ORGANISATION = "organisation"
ESTATE = "estate"
PLACES = (HOME, ORGANISATION, ESTATE)


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    template: str
    # (principal) on the home page, (principal, organisation|estate) on those pages
    context: Callable[..., PanelContext | None]
    queries: int
    place: str = HOME


@dataclass(frozen=True)
class Shown:
    panel: Panel
    context: PanelContext


_panels: Registry[Panel] = Registry("panels")


def register(panel: Panel, *, app: str) -> None:
    if panel.place not in PLACES:
        raise ValueError(f"unknown place {panel.place!r} for panel {panel.key!r}")
    _panels.register(panel.key, panel, app=app)


def panels(place: str = HOME) -> list[Panel]:
    return sorted(
        (panel for panel in _panels.items() if panel.place == place),
        key=lambda panel: (panel.order, panel.key),
    )


def shown(place: str, principal: Any, *subject: Any) -> list[Shown]:
    """The panels of ``place`` this principal sees, in order, each with its context."""
    result = []
    for panel in panels(place):
        context = panel.context(principal, *subject)
        if context is not None:
            result.append(Shown(panel, context))
    return result


def home(principal: Any) -> list[Shown]:
    return shown(HOME, principal)
