"""What the platform part of grøn drift registers (called from ``manifest.register``):
the metrics for the goals, the API routers, the open-data tables,
the report packs' section and the demo."""

from __future__ import annotations

from almen.green import (
    platform_metrics,
    platform_opendata,
    platform_report,
)
from almen.lib import demo, routes
from almen.lib.demo import Demo

APP = "green"


def register() -> None:
    platform_metrics.register_metrics()
    routes.register_api("almen.green.platform_api:meters_router", app=APP, prefix="/green/meters")
    routes.register_api(
        "almen.green.platform_api:factors_router", app=APP, prefix="/green/emission-factors"
    )
    routes.register_api("almen.green.platform_api:estates_router", app=APP, prefix="/estates")
    platform_opendata.register()
    platform_report.register()
    demo.register(
        Demo(
            "green", "målere med tre års aflæsninger", "almen.green.platform_demo:green_demo_create"
        ),
        app=APP,
    )
