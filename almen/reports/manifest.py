"""What the report packs plug in (called from ``ReportsConfig.ready()``): their pages
under /rapporter/ and the notification that a pack built in the background is ready."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from almen.lib import menu, notifications, routes
from almen.lib.menu import MenuItem
from almen.lib.notifications import NotificationKind, Preference

APP = "reports"

KINDS = (
    NotificationKind(
        "reports.pack_ready",
        _("Rapportpakken er klar"),
        _("En rapportpakke, du har bestilt, er færdig og kan hentes."),
        Preference.IMMEDIATE,
        "reports/notifications/pack_ready.txt",
    ),
)


def register() -> None:
    menu.register(
        MenuItem(
            "reports.organisation",
            _("Rapporter"),
            "reports:organisation",
            60,
            shown=menu.is_staff,
            args=menu.staff_cvr,
        ),
        app=APP,
    )
    for kind in KINDS:
        notifications.register(kind, app=APP)
    routes.register_urls("almen.reports.urls", app=APP, prefix="rapporter/")
