"""What the democracy's meetings plug in (called from ``manifest.register()``): the
menu item "Møder", the home and estate panels, the notification kinds and the daily
deadline reminders, and the meeting's material as an attachments owner."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from almen.democracy import meetings_attachments, meetings_panels
from almen.democracy.meetings_reminders import DEADLINE_AT_RISK, meeting_reminders
from almen.lib import menu, notifications, panels
from almen.lib.menu import MenuItem, Places
from almen.lib.notifications import NotificationKind, Preference, ReminderProducer
from almen.lib.panels import ESTATE, Panel

APP = "democracy"


def _organisation_reader(p: Any) -> bool:
    return bool(p.staff_organisations or p.board_organisations)


def _organisation(p: Any, places: Places) -> tuple[str] | None:
    place = places.organisation(p.staff_organisations | p.board_organisations)
    return (place.cvr,) if place else None


def _estate_reader(p: Any) -> bool:
    """Residents and estate boards who do not see the organisation's overview."""
    return bool(p.resident_estates or p.board_estates) and not _organisation_reader(p)


def _estate(p: Any, places: Places) -> tuple[str, int] | None:
    place = places.estate(p.board_estates | p.resident_estates)
    return (place.cvr, place.number) if place and place.number is not None else None


MENU = (
    MenuItem(
        "democracy.meetings_estate",
        _("Møder"),
        "democracy:estate_meetings",
        25,
        _estate_reader,
        _estate,
    ),
    MenuItem(
        "democracy.meetings_organisation",
        _("Møder"),
        "democracy:organisation_meetings",
        25,
        _organisation_reader,
        _organisation,
    ),
)

KINDS = (
    NotificationKind(
        DEADLINE_AT_RISK,
        _("En frist for et møde nærmer sig"),
        _(
            "Indkaldelse, materiale eller referat til et møde, I planlægger, har frist inden "
            "for en uge eller er overskredet."
        ),
        Preference.IMMEDIATE,
        "democracy/meetings/notifications/deadline_at_risk.txt",
    ),
)
# The material's notification kind (democracy.material_published) is registered by the
# notices (notices_manifest.py), whose e-mail both the households and material_publish use.


def register() -> None:
    for item in MENU:
        menu.register(item, app=APP)
    # Order 25 on the home page was kept for the next meetings (goals/manifest.py).
    panels.register(
        Panel(
            "democracy.next_meetings",
            25,
            "democracy/meetings/panels/next_meetings.html",
            meetings_panels.next_meetings_panel,
            1,
            fragment=meetings_panels.plans_fragment,
            versions=meetings_panels.VERSIONS,
        ),
        app=APP,
    )
    panels.register(
        Panel(
            "democracy.ordinary_due",
            26,
            "democracy/meetings/panels/ordinary_due.html",
            meetings_panels.ordinary_due_panel,
            2,
            fragment=meetings_panels.plans_fragment,
            versions=meetings_panels.VERSIONS,
        ),
        app=APP,
    )
    panels.register(
        Panel(
            "democracy.residents_meeting",
            25,
            "democracy/meetings/panels/residents_meeting.html",
            meetings_panels.residents_meeting_panel,
            1,
            fragment=meetings_panels.residents_meeting_fragment,
            versions=meetings_panels.VERSIONS,
        ),
        app=APP,
    )
    panels.register(
        Panel(
            "democracy.estate_meetings",
            30,
            "democracy/meetings/panels/estate.html",
            meetings_panels.estate_meetings_panel,
            1,
            place=ESTATE,
        ),
        app=APP,
    )
    for kind in KINDS:
        notifications.register(kind, app=APP)
    notifications.register_reminders(
        ReminderProducer("democracy.meeting_deadlines", meeting_reminders), app=APP
    )
    meetings_attachments.register(APP)
