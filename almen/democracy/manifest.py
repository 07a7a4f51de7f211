"""What democracy plugs in (called from ``DemocracyConfig.ready()``)."""

from __future__ import annotations

from almen.democracy import decision_source
from almen.lib import decisions, routes

APP = "democracy"


def register() -> None:
    decisions.register_source(decision_source.SOURCE, app=APP)
    routes.register_urls("almen.democracy.urls", app=APP)
