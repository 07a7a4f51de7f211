"""What the democracy's minutes plug in (called from ``manifest.register()``): the
message to residents that the minutes are published."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from almen.democracy.minutes_services import MINUTES_READY
from almen.lib import notifications
from almen.lib.notifications import NotificationKind, Preference

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


def register() -> None:
    for kind in KINDS:
        notifications.register(kind, app=APP)
