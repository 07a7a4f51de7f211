"""What the democracy's stats plug in (called from ``manifest.register()``): the
participation metrics, the API router (meetings, proposals, decisions), the open-data
tables (decisions, minutes) and the demo."""

from __future__ import annotations

from almen.democracy import opendata as democracy_opendata
from almen.democracy import stats_metrics
from almen.lib import demo, opendata, routes
from almen.lib.demo import Demo

APP = "democracy"


def register() -> None:
    stats_metrics.register_metrics()
    routes.register_api("almen.democracy.stats_api:router", app=APP)
    for table in democracy_opendata.TABLES:
        opendata.register(table, app=APP)
    opendata.register_version(democracy_opendata.democracy_version, app=APP)
    democracy_opendata.connect_signals()
    demo.register(
        Demo(
            "democracy", "møder i beboerdemokratiet", "almen.democracy.demo:democracy_demo_create"
        ),
        app=APP,
    )
