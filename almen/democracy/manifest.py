"""What democracy plugs in (called from ``DemocracyConfig.ready()``): the decision
source of ``lib.decisions``, its URLs, and each part's own registrations."""

from __future__ import annotations

from almen.democracy import (
    ballots_admin_manifest,
    ballots_elections_manifest,
    ballots_platform_manifest,
    ballots_vote_manifest,
    decision_source,
    hall_manifest,
    meetings_manifest,
    minutes_manifest,
    notices_manifest,
    proposals_manifest,
    stats_manifest,
)
from almen.lib import decisions, routes

APP = "democracy"


def register() -> None:
    decisions.register_source(decision_source.SOURCE, app=APP)
    routes.register_urls("almen.democracy.urls", app=APP)
    for part in (
        meetings_manifest,
        notices_manifest,
        proposals_manifest,
        hall_manifest,
        minutes_manifest,
        stats_manifest,
        ballots_vote_manifest,
        ballots_admin_manifest,
        ballots_elections_manifest,
        ballots_platform_manifest,
    ):
        part.register()
