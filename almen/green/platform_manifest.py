"""What the platform part of grøn drift registers (called from ``manifest.register``):
the metrics for the goals, the API routers and the open-data tables."""

from __future__ import annotations

from almen.green import platform_api, platform_metrics, platform_opendata
from almen.lib import routes

APP = "green"


def register() -> None:
    platform_metrics.register_metrics()
    routes.register_api(platform_api.meters_router, app=APP, prefix="/green/meters")
    routes.register_api(platform_api.factors_router, app=APP, prefix="/green/emission-factors")
    routes.register_api(platform_api.estates_router, app=APP, prefix="/estates")
    platform_opendata.register()
