"""What grøn drift plugs in (called from ``GreenConfig.ready()``): its URLs, and each
part's own registrations (metrics, panels, menu, API router, open data, demo)."""

from __future__ import annotations

from almen.lib import routes

APP = "green"


def register() -> None:
    routes.register_urls("almen.green.urls", app=APP)
