"""The daily reminder of the proposal deadline: every resident with a login in an estate
whose ordinary afdelingsmøde is noticed and whose proposal deadline falls within the
next 7 days is told once per meeting (the key holds the meeting and the deadline, so
running the producer every day never repeats it). The person's preference for the kind
is applied when the outbox queues it (``notify.services.queue_reminders``).

Two queries, whatever the number of meetings and residents: the meetings, then the
residents of their estates."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from almen.democracy import rules
from almen.democracy.models import Meeting, MeetingKind, MeetingStatus
from almen.lib.notifications import Reminder
from almen.register.models import Resident

AHEAD = dt.timedelta(days=7)


def _create_path() -> str:
    marker = uuid.UUID(int=0)
    return reverse("democracy:proposal_create", args=[marker]).replace(str(marker), "{}")


def proposal_deadline_reminders(today: dt.date) -> Iterator[Reminder]:
    # The deadline is 14 days before the meeting: meetings from today + 14 days to
    # today + 21 days (local time) have their deadline within the next 7 days.
    tz = timezone.get_current_timezone()
    first = today + rules.PROPOSALS_BEFORE
    last = first + AHEAD
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    meetings = list(
        Meeting.objects.filter(
            kind=MeetingKind.ORDINARY,
            status=MeetingStatus.NOTICED,
            estate__isnull=False,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .values_list("pk", "public_id", "estate_id", "title", "starts_at")
        .order_by("starts_at", "pk")
    )
    if not meetings:
        return
    residents: dict[int, set[int]] = defaultdict(set)
    for estate_id, user_id in (
        Resident.objects.filter(
            Q(household__moved_out__isnull=True) | Q(household__moved_out__gte=today),
            household__moved_in__lte=today,
            household__unit__estate_id__in={m[2] for m in meetings},
            user__isnull=False,
            user__is_active=True,
        )
        .values_list("household__unit__estate_id", "user_id")
        .order_by()
    ):
        residents[estate_id].add(user_id)
    path = _create_path()
    for pk, public_id, estate_id, title, starts_at in meetings:
        meeting_on = timezone.localtime(starts_at).date()
        deadline = meeting_on - rules.PROPOSALS_BEFORE
        context = {
            "title": title,
            "meeting_on": meeting_on.strftime("%d-%m-%Y"),
            "deadline": deadline.strftime("%d-%m-%Y"),
            "path": path.format(public_id),
        }
        key = f"meeting:{pk}:proposals:{deadline.isoformat()}"
        for user_id in sorted(residents.get(estate_id, ())):
            yield Reminder("democracy.proposal_deadline", user_id, key, context)
