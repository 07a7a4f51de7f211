"""What the democracy's minutes plug in (called from ``manifest.register()``): the
message to residents that the minutes are published, and the way to the decision
register from the organisation's and the estate's pages (no query: who may read the
register follows from the principal alone)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from almen.access.policy import Principal
from almen.democracy import access
from almen.democracy.minutes_services import MINUTES_READY
from almen.lib import notifications, panels
from almen.lib.notifications import NotificationKind, Preference
from almen.lib.panels import ESTATE, ORGANISATION, Panel
from almen.register.models import Estate, Organisation

APP = "democracy"

KINDS = (
    NotificationKind(
        MINUTES_READY,
        _("Referatet fra et afdelingsmøde er klar"),
        _("Referatet fra et møde i din afdeling er offentliggjort."),
        Preference.IMMEDIATE,
        "democracy/minutes/notifications/minutes_ready.txt",
    ),
)


def organisation_register_panel(p: Principal, organisation: Organisation) -> dict[str, Any] | None:
    if not access.can_read_organisation_meetings(p, organisation):
        return None
    return {"organisation": organisation, "estate": None}


def estate_register_panel(p: Principal, estate: Estate) -> dict[str, Any] | None:
    if not access.can_read_estate_meetings(p, estate):
        return None
    return {"organisation": estate.organisation, "estate": estate}


def register() -> None:
    for kind in KINDS:
        notifications.register(kind, app=APP)
    for key, place, context in (
        ("democracy.organisation_decisions", ORGANISATION, organisation_register_panel),
        ("democracy.estate_decisions", ESTATE, estate_register_panel),
    ):
        panels.register(
            Panel(key, 60, "democracy/minutes/panels/decisions.html", context, 0, place=place),
            app=APP,
        )
