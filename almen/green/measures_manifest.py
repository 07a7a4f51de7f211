"""What the measures part of grøn drift registers (called from ``manifest.register``):
measures as owners of photos (attachments), the estate page's section (what is
published, for everyone; the way to the register for its readers) and the
organisation page's way to the overview for its staff and board."""

from __future__ import annotations

from typing import Any

from almen.green import access, measures_attachments, measures_selectors
from almen.green.models import GreenMeasure
from almen.lib import panels
from almen.lib.panels import ESTATE, ORGANISATION, Panel

APP = "green"


def estate_panel(p: Any, estate: Any) -> dict[str, Any] | None:
    """The measures and involvement the organisation has published (``public``), for
    everyone who sees the estate's page, and a link to the register for its readers;
    nothing for a visitor when nothing is published."""
    section = measures_selectors.public_section(estate)
    reader = access.can_read_green(p, estate)
    if not section["measures"] and not section["involvements"] and not reader:
        return None
    return {**section, "estate": estate, "reader": reader}


def organisation_panel(p: Any, organisation: Any) -> dict[str, Any] | None:
    if not access.can_read_organisation_measures(p, organisation):
        return None
    measures = GreenMeasure.objects.filter(estate__organisation=organisation)
    return {"summary": measures_selectors.summary(measures), "organisation": organisation}


def register() -> None:
    measures_attachments.register(APP)
    panels.register(
        Panel(
            "green.estate_measures",
            60,
            "green/measures/panels/estate.html",
            estate_panel,
            4,
            place=ESTATE,
        ),
        app=APP,
    )
    panels.register(
        Panel(
            "green.organisation_measures",
            60,
            "green/measures/panels/organisation.html",
            organisation_panel,
            1,
            place=ORGANISATION,
        ),
        app=APP,
    )
