"""What the secret ballots' platform part plugs in (called from ``manifest.register()``):
the participation metrics, the API router (``/api/v1/ballots``), the open-data tables
(published public results) and the demo's ballots."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from almen.democracy import ballots_opendata, ballots_stats
from almen.democracy.models import Ballot
from almen.democracy.opendata import opendata_invalidate
from almen.lib import demo, opendata, routes
from almen.lib.demo import Demo

APP = "democracy"


def register() -> None:
    ballots_stats.register_metrics()
    routes.register_api("almen.democracy.ballots_api:router", app=APP, prefix="/ballots")
    for table in ballots_opendata.TABLES:
        opendata.register(table, app=APP)
    # A ballot closed, counted or published changes the open data and the participation
    # figures (both keyed on the democracy's data version).
    post_save.connect(opendata_invalidate, sender=Ballot, dispatch_uid="opendata-ballot")
    post_delete.connect(opendata_invalidate, sender=Ballot, dispatch_uid="opendata-del-ballot")
    demo.register(
        Demo("ballots", "afstemninger", "almen.democracy.ballots_demo:ballots_demo_create"), app=APP
    )
