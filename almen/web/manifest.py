"""What the web plugs in (called from ``WebConfig.ready()``): its URLs and its own home
panels, the register's people and places as the web shows them. The home page itself
(``views.home``) only lays out whatever panels are registered."""

from __future__ import annotations

from almen.lib import panels, routes
from almen.lib.panels import Panel
from almen.web import selectors

APP = "web"


def register() -> None:
    for key, order, selector, queries in (
        ("my_estates", 10, selectors.my_estates_panel, 1),
        ("board_estates", 40, selectors.board_estates_panel, 1),
        ("organisations", 50, selectors.organisations_panel, 1),
        ("recent_changes", 60, selectors.recent_changes_panel, 1),
        ("municipality", 80, selectors.municipality_panel, 2),
        ("national", 90, selectors.national_panel, 4),
    ):
        panels.register(
            Panel(f"web.{key}", order, f"web/panels/{key}.html", selector, queries), app=APP
        )
    routes.register_urls("almen.web.urls", app=APP)
