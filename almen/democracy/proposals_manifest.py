"""What the democracy's proposals plug in (called from ``manifest.register()``): the
notification kinds of proposals and petitions and the proposal-deadline reminder."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from almen.democracy.proposals_reminders import proposal_deadline_reminders
from almen.lib import notifications
from almen.lib.notifications import NotificationKind, Preference, ReminderProducer

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


def register() -> None:
    for kind in KINDS:
        notifications.register(kind, app=APP)
    notifications.register_reminders(
        ReminderProducer("democracy.proposal_deadline", proposal_deadline_reminders), app=APP
    )
