"""What running a ballot plugs in (called from ``manifest.register()``): the messages
about a ballot (opened, 24 hours before it closes, its result) with the daily producer
of the closing reminder, and the ballots panel of the estate's and the organisation's
pages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from almen.access.policy import Principal
from almen.democracy import access
from almen.democracy import ballots_admin_reminders as reminders
from almen.democracy import ballots_admin_selectors as selectors
from almen.lib import notifications, panels
from almen.lib.notifications import NotificationKind, Preference, ReminderProducer
from almen.lib.panels import ESTATE, ORGANISATION, Panel
from almen.register.models import Estate, Organisation

APP = "democracy"
PANEL_LIMIT = 3
TEMPLATES = "democracy/ballots/admin/notifications/"

KINDS = (
    NotificationKind(
        reminders.BALLOT_OPEN,
        _("En afstemning i din afdeling er åbnet"),
        _("Der er en urafstemning eller digital afstemning, hvor din husstand kan stemme."),
        Preference.IMMEDIATE,
        TEMPLATES + "ballot_open.txt",
    ),
    NotificationKind(
        reminders.BALLOT_CLOSING,
        _("En afstemning lukker om 24 timer"),
        _("Din husstand har stadig stemmer tilbage i en afstemning, der snart lukker."),
        Preference.IMMEDIATE,
        TEMPLATES + "ballot_closing.txt",
    ),
    NotificationKind(
        reminders.BALLOT_RESULT,
        _("Resultatet af en afstemning"),
        _("Resultatet af en afstemning i din afdeling er offentliggjort."),
        Preference.IMMEDIATE,
        TEMPLATES + "ballot_result.txt",
    ),
)


def estate_ballots_panel(p: Principal, estate: Estate) -> dict[str, Any] | None:
    """On the estate page, for its residents, board and the organisation: the ballots
    open now (or scheduled) and the way to all of them. One query."""
    if not access.can_read_estate_ballots(p, estate):
        return None
    visible = access.visible_estate_ballots(p, estate)
    return {
        "estate": estate,
        "ballots": list(selectors.open_ballots(visible)[:PANEL_LIMIT]),
    }


def organisation_ballots_panel(p: Principal, organisation: Organisation) -> dict[str, Any] | None:
    """On the organisation page, for its staff and board: the way to every estate's
    ballots. No query."""
    if not access.can_read_organisation_meetings(p, organisation):
        return None
    return {"organisation": organisation}


def register() -> None:
    for kind in KINDS:
        notifications.register(kind, app=APP)
    notifications.register_reminders(
        ReminderProducer(reminders.BALLOT_CLOSING, reminders.ballot_closing_reminders), app=APP
    )
    panels.register(
        Panel(
            "democracy.estate_ballots",
            45,
            "democracy/ballots/admin/panels/estate_ballots.html",
            estate_ballots_panel,
            1,
            place=ESTATE,
        ),
        app=APP,
    )
    panels.register(
        Panel(
            "democracy.organisation_ballots",
            65,
            "democracy/ballots/admin/panels/organisation_ballots.html",
            organisation_ballots_panel,
            0,
            place=ORGANISATION,
        ),
        app=APP,
    )
