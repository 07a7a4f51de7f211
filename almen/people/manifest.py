"""What people plugs in (called from ``PeopleConfig.ready()``): its pages, the way to
the people page on the organisation page (staff) and to the board page on the estate
page (the estate's board, staff and the organisation board)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from almen.access.policy import Principal
from almen.audit.display import register_actions
from almen.lib import menu, notifications, panels, routes
from almen.lib.menu import MenuItem
from almen.lib.notifications import NotificationKind, Preference
from almen.lib.panels import Panel
from almen.people.access import can_see_board

APP = "people"

# The audit log's words for the people app's actions (almen.audit.display).
ACTIONS = {
    "invite": _("Inviteret"),
    "accept": _("Invitation taget imod"),
    "end": _("Afsluttet"),
    "deactivate": _("Konto lukket"),
    "reactivate": _("Konto åbnet igen"),
    "letters": _("Aktiveringsbreve dannet"),
    "activate": _("Konto aktiveret med kode fra brev"),
}

KINDS = (
    NotificationKind(
        "people.invitation",
        _("Invitation"),
        _("En invitation til Almen fra en boligorganisation."),
        Preference.IMMEDIATE,
        "people/notifications/invitation.txt",
    ),
)


def organisation_link(p: Principal, organisation: Any) -> dict[str, Any] | None:
    return {} if p.is_staff_of(organisation.pk) else None


def estate_link(p: Principal, estate: Any) -> dict[str, Any] | None:
    if not can_see_board(p, estate):
        return None
    return {"is_staff": p.is_staff_of(estate.organisation_id)}


def register() -> None:
    register_actions(ACTIONS)
    for kind in KINDS:
        notifications.register(kind, app=APP)
    panels.register(
        Panel(
            "people.organisation",
            90,
            "people/panels/organisation.html",
            organisation_link,
            queries=0,
            place=panels.ORGANISATION,
        ),
        app=APP,
    )
    panels.register(
        Panel(
            "people.estate",
            90,
            "people/panels/estate.html",
            estate_link,
            queries=0,
            place=panels.ESTATE,
        ),
        app=APP,
    )
    routes.register_urls("almen.people.urls", app=APP)
    # The URL resolves once the people pages exist; until then the menu leaves it out.
    menu.register(
        MenuItem("people.index", _("Personer"), "people:index", 80, shown=menu.is_staff),
        app=APP,
    )
