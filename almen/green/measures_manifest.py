"""What the measures part of grøn drift registers (called from ``manifest.register``):
measures as owners of photos (attachments) and the public estate page's section."""

from __future__ import annotations

from typing import Any

from almen.green import measures_attachments, measures_selectors
from almen.lib import panels
from almen.lib.panels import ESTATE, Panel

APP = "green"


def estate_panel(p: Any, estate: Any) -> dict[str, Any] | None:
    """The measures and involvement the organisation has published (``public``), for
    everyone who sees the estate's page; nothing when there are none."""
    section = measures_selectors.public_section(estate)
    if not section["measures"] and not section["involvements"]:
        return None
    return {**section, "estate": estate}


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
