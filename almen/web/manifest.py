"""What the web plugs in (called from ``WebConfig.ready()``): its URLs and its own home
panels, the register's people and places as the web shows them. The home page itself
(``views.home``) only lays out whatever panels are registered."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from almen.audit.services import VERSION_KEY as AUDIT_VERSION
from almen.lib import menu, panels, routes
from almen.lib.menu import MenuItem, Places
from almen.lib.panels import Panel
from almen.register.places import VERSION_KEY as NAMES_VERSION
from almen.web import selectors

APP = "web"


def _estate(p: Any, places: Places) -> tuple[str, int] | None:
    place = places.estate(p.board_estates | p.resident_estates)
    return (place.cvr, place.number) if place and place.number is not None else None


def _organisation(p: Any, places: Places) -> tuple[str] | None:
    place = places.organisation(p.staff_organisations | p.board_organisations)
    return (place.cvr,) if place else None


def _has_estate(p: Any) -> bool:
    return bool(p.board_estates or p.resident_estates)


def _has_organisation(p: Any) -> bool:
    return bool(p.staff_organisations or p.board_organisations)


MENU = (
    MenuItem("web.home", _("Forside"), "web:home", 0),
    MenuItem("web.estate", _("Din afdeling"), "web:estate_detail", 10, _has_estate, _estate),
    MenuItem(
        "web.organisation",
        _("Din boligorganisation"),
        "web:organisation_detail",
        10,
        _has_organisation,
        _organisation,
    ),
    MenuItem(
        "web.organisations",
        _("Boligorganisationer"),
        "web:organisation_list",
        90,
        lambda p: not (p.staff_organisations or p.board_organisations),
    ),
)


def register() -> None:
    for item in MENU:
        menu.register(item, app=APP)
    # Rendered fragments cached (almen.lib.panels) on the register's names version (an
    # organisation or estate saved) or the audit log's version (an entry written).
    names, audit = (NAMES_VERSION,), (AUDIT_VERSION,)
    for key, order, selector, queries, fragment, versions in (
        ("my_estates", 10, selectors.my_estates_panel, 1, selectors.my_estates_fragment, names),
        ("board_estates", 40, selectors.board_estates_panel, 1, selectors.board_fragment, names),
        ("organisations", 50, selectors.organisations_panel, 1, selectors.orgs_fragment, names),
        ("recent_changes", 60, selectors.recent_changes_panel, 1, selectors.staff_fragment, audit),
        (
            "municipality",
            80,
            selectors.municipality_panel,
            2,
            selectors.municipality_fragment,
            names,
        ),
        ("national", 90, selectors.national_panel, 4, None, ()),
    ):
        panels.register(
            Panel(
                f"web.{key}",
                order,
                f"web/panels/{key}.html",
                selector,
                queries,
                fragment=fragment,
                versions=versions,
            ),
            app=APP,
        )
    routes.register_urls("almen.web.urls", app=APP)
