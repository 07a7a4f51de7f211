"""What the pages part of grøn drift registers (called from ``manifest.register``): the
main menu's "Grøn drift" (one item per person: staff and organisation boards their
organisation's page, residents and estate boards their estate's, municipality officers
their municipality's, everyone else the national page) and the "Grøn drift" sections
of the estate and organisation pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from almen.green import pages_panels
from almen.lib import menu, panels
from almen.lib.menu import MenuItem, Places
from almen.lib.panels import ESTATE, ORGANISATION, Panel

APP = "green"


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
        pages_panels.reads_organisation,
        _organisation,
    ),
    MenuItem("green.estate", LABEL, "green:estate", 45, pages_panels.reads_estate, _estate),
    MenuItem(
        "green.municipality",
        LABEL,
        "green:municipality",
        45,
        pages_panels.reads_municipality,
        pages_panels.municipality_code,
    ),
    MenuItem("green.national", LABEL, "green:national", 45, pages_panels.reads_national),
)


def register() -> None:
    for item in MENU:
        menu.register(item, app=APP)
    panels.register(
        Panel(
            "green.estate",
            40,
            "green/pages/panels/estate.html",
            pages_panels.estate_panel,
            pages_panels.PANEL_QUERIES,
            place=ESTATE,
        ),
        app=APP,
    )
    panels.register(
        Panel(
            "green.organisation",
            40,
            "green/pages/panels/organisation.html",
            pages_panels.organisation_panel,
            pages_panels.PANEL_QUERIES,
            place=ORGANISATION,
        ),
        app=APP,
    )
