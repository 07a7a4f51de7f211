"""The home-panel registry: what each module shows on the home page, per persona.

A panel is a selector and a template fragment. The selector gets the request's
principal and returns the fragment's context, or None when the panel is not for this
principal (a resident sees no organisation panel). ``queries`` is the most queries the
selector may make for any principal, whatever the size of the data; the home-page tests
hold every panel to it. Panels are shown in ``order`` (gaps of ten leave room between
modules). The fragment is rendered with the page's context plus ``panel`` (the
selector's dict).

    panels.register(Panel("goals.attention", 30, "goals/panels/attention.html",
                          attention_panel, queries=3), app="goals")
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from almen.lib.registry import Registry

PanelContext = dict[str, Any]


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    template: str
    context: Callable[[Any], PanelContext | None]  # the principal -> context or None
    queries: int


@dataclass(frozen=True)
class Shown:
    panel: Panel
    context: PanelContext


_panels: Registry[Panel] = Registry("home panels")


def register(panel: Panel, *, app: str) -> None:
    _panels.register(panel.key, panel, app=app)


def panels() -> list[Panel]:
    return sorted(_panels.items(), key=lambda panel: (panel.order, panel.key))


def home(principal: Any) -> list[Shown]:
    """The panels this principal sees, in order, each with its context."""
    shown = []
    for panel in panels():
        context = panel.context(principal)
        if context is not None:
            shown.append(Shown(panel, context))
    return shown
