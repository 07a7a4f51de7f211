"""What the democracy's notices plug in (called from ``manifest.register()``): the
notification kinds of the notice, the material and the minutes, one e-mail per
resident of every household that can be reached digitally (``notices_services``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from almen.lib import notifications
from almen.lib.notifications import NotificationKind, Preference

APP = "democracy"

KINDS = (
    NotificationKind(
        "democracy.notice",
        _("Indkaldelse til afdelingsmøde"),
        _(
            "Indkaldelsen til et afdelingsmøde i din afdeling. Slår du den fra, "
            "får din husstand indkaldelsen som brev."
        ),
        Preference.IMMEDIATE,
        "democracy/notices/notifications/notice.txt",
    ),
    NotificationKind(
        "democracy.material_published",
        _("Materiale til afdelingsmøde"),
        _("Når budget, regnskab, beretning og forslag til et afdelingsmøde kan læses."),
        Preference.IMMEDIATE,
        "democracy/notices/notifications/material_published.txt",
    ),
)
# The minutes' kind (democracy.minutes_ready) is the minutes part's (minutes_manifest.py).


def register() -> None:
    for kind in KINDS:
        notifications.register(kind, app=APP)
