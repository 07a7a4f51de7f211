"""What the pages part of grøn drift registers (called from ``manifest.register``): the
main menu's "Grøn drift" (one item per person: staff and organisation boards their
organisation's page, residents and estate boards their estate's, municipality officers
their municipality's, everyone else the national page) and the "Grøn drift" sections
of the estate and organisation pages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from almen.lib import menu, panels
from almen.lib.menu import MenuItem, Places
from almen.lib.panels import ESTATE, ORGANISATION, Panel
from almen.lib.registry import Lazy

APP = "green"
# The most queries a panel makes (when not cached): the latest year (up to two), the
# year's totals by kind and the area's (up to three for an organisation).
PANEL_QUERIES = 6


# Who the menu sends where: one "Grøn drift" item per person.
def reads_organisation(p: Any) -> bool:
    return bool(p.staff_organisations or p.board_organisations)


def reads_estate(p: Any) -> bool:
    return bool(p.board_estates or p.resident_estates) and not reads_organisation(p)


def reads_municipality(p: Any) -> bool:
    return bool(p.municipalities) and not (reads_organisation(p) or reads_estate(p))


def reads_national(p: Any) -> bool:
    return not (reads_organisation(p) or reads_estate(p) or reads_municipality(p))


def _organisation(p: object, places: Places) -> tuple[str] | None:
    place = places.organisation(p.staff_organisations | p.board_organisations)  # type: ignore[attr-defined]
    return (place.cvr,) if place else None


def _estate(p: object, places: Places) -> tuple[str, int] | None:
    place = places.estate(p.board_estates | p.resident_estates)  # type: ignore[attr-defined]
    return (place.cvr, place.number) if place and place.number is not None else None


LABEL = _("Grøn drift")
MENU = (
    MenuItem(
        "green.organisation",
        LABEL,
        "green:organisation",
        45,
        reads_organisation,
        _organisation,
    ),
    MenuItem("green.estate", LABEL, "green:estate", 45, reads_estate, _estate),
    # No arguments: the menu never queries for a municipality's code; the page sends
    # the officer on to their municipality's roll-up.
    MenuItem(
        "green.municipality",
        LABEL,
        "green:my_municipality",
        45,
        reads_municipality,
    ),
    MenuItem("green.national", LABEL, "green:national", 45, reads_national),
)


def register() -> None:
    for item in MENU:
        menu.register(item, app=APP)
    panels.register(
        Panel(
            "green.estate",
            40,
            "green/pages/panels/estate.html",
            # Imported on the first estate page, not at start-up (decision 0035).
            Lazy("almen.green.pages_panels:estate_panel"),
            PANEL_QUERIES,
            place=ESTATE,
        ),
        app=APP,
    )
    panels.register(
        Panel(
            "green.organisation",
            40,
            "green/pages/panels/organisation.html",
            Lazy("almen.green.pages_panels:organisation_panel"),
            PANEL_QUERIES,
            place=ORGANISATION,
        ),
        app=APP,
    )
