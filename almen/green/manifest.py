"""What grøn drift plugs in (called from ``GreenConfig.ready()``): its URLs, and each
part's own registrations (metrics, panels, menu, API router, open data, demo)."""

from __future__ import annotations

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


def register() -> None:
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
