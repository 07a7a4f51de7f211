"""The daily reminders of the meetings part (a reminder producer, registered in
``meetings_manifest.py``; the outbox queues them, ``manage.py queue_reminders``):
each deadline of the board's (notice, material, minutes) that is within
``rules.WARN_AHEAD`` days or passed and not met, for the estate board's current
members and the organisation's staff (an organisation body's meeting: its staff).

Once per deadline: the key holds the meeting, the step and its day, so a daily run
never repeats a reminder. Reads are flat: the meetings, the board members, the staff.

An estate whose yearly ordinary meeting is not planned while its last notice day
(4 weeks before the "senest" day) comes within the warning is reminded too, once
per year."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from almen.access.roles import Role
from almen.democracy import rules
from almen.democracy.meetings_selectors import RISK_LOOKBACK, open_deadlines, ordinary_status
from almen.democracy.models import Meeting, MeetingStatus
from almen.lib.notifications import Reminder
from almen.register.models import BodyKind, BodyMembership, Estate, Membership

DEADLINE_AT_RISK = "democracy.deadline_at_risk"


def _aware(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _people(today: dt.date) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Current estate board members per estate, current staff per organisation."""
    board: dict[int, list[int]] = defaultdict(list)
    for estate_id, user_id in (
        BodyMembership.objects.filter(
            Q(term_end__isnull=True) | Q(term_end__gte=today),
            term_start__lte=today,
            body__kind=BodyKind.ESTATE_BOARD,
            user__is_active=True,
        )
        .values_list("body__estate_id", "user_id")
        .order_by("body__estate_id", "user_id")
    ):
        board[estate_id].append(user_id)
    staff: dict[int, list[int]] = defaultdict(list)
    for org_id, user_id in (
        Membership.objects.filter(
            Q(ends__isnull=True) | Q(ends__gte=today),
            starts__lte=today,
            role=Role.ORG_STAFF,
            user__is_active=True,
        )
        .values_list("organisation_id", "user_id")
        .order_by("organisation_id", "user_id")
    ):
        staff[org_id].append(user_id)
    return board, staff


def _unplanned_ordinary(today: dt.date) -> list[tuple[Estate, dt.date]]:
    """Estates whose ordinary meeting is not planned although its last possible notice
    day (4 weeks before the due day) is within ``WARN_AHEAD`` days or passed. Two
    queries, whatever the number of estates."""
    estates = list(Estate.objects.select_related("organisation").order_by("pk"))
    out = []
    by_pk = {e.pk: e for e in estates}
    for pk, due in ordinary_status(estates, today).items():
        estate = by_pk[pk]
        notice_by = due.due_by - rules.NOTICE_ORDINARY
        if due.planned is None and notice_by - today <= rules.WARN_AHEAD:
            out.append((estate, notice_by))
    return out


def meeting_reminders(today: dt.date) -> Iterator[Reminder]:
    yield from _meeting_deadlines(today)
    unplanned = _unplanned_ordinary(today)
    if not unplanned:
        return
    board, staff = _people(today)
    for estate, notice_by in unplanned:
        path = reverse("democracy:estate_meetings", args=[estate.organisation.cvr, estate.number])
        for user_id in sorted(set(staff[estate.organisation_id]) | set(board[estate.pk])):
            yield Reminder(
                kind=DEADLINE_AT_RISK,
                user_id=user_id,
                key=f"{estate.public_id}:ordinary:{notice_by.isoformat()}",
                context={
                    "title": _("Ordinært afdelingsmøde i %(estate)s") % {"estate": estate.name},
                    "step": _("Indkaldelse senest"),
                    "due": notice_by.strftime("%d-%m-%Y"),
                    "late": notice_by < today,
                    "path": path,
                },
            )


def _meeting_deadlines(today: dt.date) -> Iterator[Reminder]:
    meetings = (
        Meeting.objects.filter(
            starts_at__gte=_aware(today - RISK_LOOKBACK),
            starts_at__lt=_aware(today + rules.NOTICE_ORDINARY + rules.WARN_AHEAD),
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("minutes")
        .order_by("starts_at", "id")
    )
    pending = [(m, step) for m in meetings for step in open_deadlines(m, today)]
    if not pending:
        return
    board, staff = _people(today)
    marker = uuid.UUID(int=0)
    path = reverse("democracy:meeting_detail", args=[marker]).replace(str(marker), "{}")
    for meeting, step in pending:
        users = set(staff[meeting.organisation_id])
        if meeting.estate_id is not None:
            users |= set(board[meeting.estate_id])
        for user_id in sorted(users):
            yield Reminder(
                kind=DEADLINE_AT_RISK,
                user_id=user_id,
                key=f"{meeting.public_id}:{step.key}:{step.day.isoformat()}",
                context={
                    "title": meeting.title,
                    "step": str(step.label),
                    "due": step.day.strftime("%d-%m-%Y"),
                    "late": step.day < today,
                    "path": path.format(meeting.public_id),
                },
            )
