"""What grøn drift plugs in (called from ``GreenConfig.ready()``): its URLs, and each
part's own registrations (metrics, panels, menu, API router, open data, demo)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from almen.audit.display import register_actions
from almen.green import (
    factors_manifest,
    imports_manifest,
    measures_manifest,
    meters_manifest,
    pages_manifest,
    platform_manifest,
)
from almen.lib import routes

APP = "green"

# The audit log's words for grøn drift's actions (almen.audit.display).
ACTIONS = {
    "green.building_update": _("Bygningens grønne oplysninger ændret"),
    "green.label_create": _("Energimærke oprettet"),
    "green.label_delete": _("Energimærke slettet"),
    "green.label_update": _("Energimærke ændret"),
    "green.meter_create": _("Måler oprettet"),
    "green.meter_delete": _("Måler slettet"),
    "green.meter_exchange_create": _("Målerudskiftning registreret"),
    "green.meter_update": _("Måler ændret"),
    "green.reading_create": _("Aflæsning skrevet"),
    "green.reading_delete": _("Aflæsning slettet"),
    "green.reading_update": _("Aflæsning rettet"),
    "green.readings_ingest": _("Aflæsninger modtaget over API'et"),
}


def register() -> None:
    register_actions(ACTIONS)
    routes.register_urls("almen.green.urls", app=APP)
    for part in (
        pages_manifest,
        meters_manifest,
        imports_manifest,
        factors_manifest,
        measures_manifest,
        platform_manifest,
    ):
        part.register()
