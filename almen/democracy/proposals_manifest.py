"""What the democracy's proposals plug in (called from ``manifest.register()``): the
notification kinds of proposals and petitions and the proposal-deadline reminder."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from almen.access.policy import Principal
from almen.democracy import access
from almen.democracy import proposals_selectors as selectors
from almen.democracy.models import PetitionStatus
from almen.democracy.proposals_reminders import proposal_deadline_reminders
from almen.lib import notifications, panels
from almen.lib.notifications import NotificationKind, Preference, ReminderProducer
from almen.lib.panels import ESTATE, Panel
from almen.register.models import Estate

PANEL_LIMIT = 3

APP = "democracy"

KINDS = (
    NotificationKind(
        "democracy.proposal_deadline",
        _("Frist for forslag til afdelingsmødet"),
        _("Fristen for at stille forslag til jeres afdelingsmøde er om en uge eller mindre."),
        Preference.IMMEDIATE,
        "democracy/proposals/notifications/proposal_deadline.txt",
    ),
    NotificationKind(
        "democracy.proposal_handled",
        _("Dit forslag er behandlet"),
        _("Bestyrelsen har sat dit forslag på dagsordenen, afvist det eller gemt det."),
        Preference.IMMEDIATE,
        "democracy/proposals/notifications/proposal_handled.txt",
    ),
    NotificationKind(
        "democracy.petition_reached",
        _("En underskriftsindsamling har nået 25 %"),
        _(
            "Husstande i en afdeling har bedt om et ekstraordinært afdelingsmøde, og mødet "
            "skal indkaldes inden for 2 uger."
        ),
        Preference.IMMEDIATE,
        "democracy/proposals/notifications/petition_reached.txt",
    ),
)


def estate_petitions_panel(p: Principal, estate: Estate) -> dict[str, Any] | None:
    """On the estate page, for its residents, board and the organisation: the petitions
    collecting signatures or waiting for their meeting, with their progress. One query."""
    if not access.can_read_estate_meetings(p, estate):
        return None
    active = selectors.estate_petitions(estate).filter(
        status__in=[PetitionStatus.OPEN, PetitionStatus.REACHED]
    )[:PANEL_LIMIT]
    return {
        "estate": estate,
        "petitions": [(x, selectors.progress(x, getattr(x, "signature_count", 0))) for x in active],
        "is_resident": p.is_resident_of(estate.pk),
    }


def register() -> None:
    panels.register(
        Panel(
            "democracy.estate_petitions",
            40,
            "democracy/proposals/panels/estate_petitions.html",
            estate_petitions_panel,
            1,
            place=ESTATE,
        ),
        app=APP,
    )
    for kind in KINDS:
        notifications.register(kind, app=APP)
    notifications.register_reminders(
        ReminderProducer("democracy.proposal_deadline", proposal_deadline_reminders), app=APP
    )
