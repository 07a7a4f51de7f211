"""The daily reminders of goals: reviews and actions that are due soon or overdue, for
the people responsible (registered as a reminder producer in manifest.py; the outbox
queues them, see ``manage.py queue_reminders``).

Who is reminded: an action's responsible person; else the current members of its
responsible body; else the organisation's staff. A goal's review: the members of its
responsible body, else the organisation's staff.

How often: "due soon" once per deadline (the key holds the date), "overdue" on the
first day past it and once a week after (the key holds the week number), so running
the producer twice the same day, or every day, never repeats a reminder.

Reads are flat: one query per kind of thing (goals with their last review, open
actions, body members, staff), whatever the number of goals.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Max, OuterRef, Q, Subquery
from django.urls import reverse

from almen.access.roles import Role
from almen.goals.models import Action, ActionStatus, Goal, GoalStatus
from almen.goals.selectors import add_months
from almen.lib.notifications import Reminder
from almen.register.models import BodyMembership, Membership

ACTION_SOON = dt.timedelta(days=7)
REVIEW_SOON = dt.timedelta(days=14)


def _people(today: dt.date) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Current members per body, current staff per organisation."""
    members: dict[int, list[int]] = defaultdict(list)
    for body_id, user_id in (
        BodyMembership.objects.filter(
            Q(term_end__isnull=True) | Q(term_end__gte=today),
            term_start__lte=today,
            user__is_active=True,
        )
        .values_list("body_id", "user_id")
        .order_by("body_id", "user_id")
    ):
        members[body_id].append(user_id)
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
    return members, staff


def _goal_path() -> str:
    """The goal page's path with ``{}`` for the id (one ``reverse`` for all goals)."""
    marker = uuid.UUID(int=0)
    return reverse("goals:goal_detail", args=[marker]).replace(str(marker), "{}")


def _overdue_key(base: str, due: dt.date, today: dt.date) -> str:
    return f"{base}:{due.isoformat()}:w{(today - due).days // 7}"


def goal_reminders(today: dt.date) -> Iterator[Reminder]:
    members, staff = _people(today)
    yield from _action_reminders(today, members, staff)
    yield from _review_reminders(today, members, staff)


def _action_reminders(
    today: dt.date, members: dict[int, list[int]], staff: dict[int, list[int]]
) -> Iterator[Reminder]:
    first_goal = (
        Action.goals.through.objects.filter(action_id=OuterRef("pk"))
        .order_by("goal_id")
        .values("goal__public_id")[:1]
    )
    actions = (
        Action.objects.filter(
            status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS],
            due__isnull=False,
            due__lte=today + ACTION_SOON,
        )
        .annotate(goal_public_id=Subquery(first_goal))
        .values_list(
            "pk",
            "title",
            "due",
            "organisation_id",
            "responsible_user_id",
            "responsible_body_id",
            "goal_public_id",
        )
        .order_by("pk")
    )
    mine = reverse("goals:my_actions")
    detail = _goal_path()
    for pk, title, due, org_id, user_id, body_id, goal_id in actions.iterator(chunk_size=5000):
        assert due is not None  # filtered above
        overdue = due < today
        kind = "goals.action_overdue" if overdue else "goals.action_due"
        base = f"action:{pk}"
        key = _overdue_key(base, due, today) if overdue else f"{base}:{due.isoformat()}"
        goal_path = detail.format(goal_id) if goal_id else mine
        context = {"title": title, "due": due.strftime("%d-%m-%Y")}
        if user_id:
            yield Reminder(kind, user_id, key, {**context, "path": mine})
            continue
        people = (members.get(body_id) if body_id else None) or staff.get(org_id, [])
        for person in people:
            yield Reminder(kind, person, key, {**context, "path": goal_path})


def _review_reminders(
    today: dt.date, members: dict[int, list[int]], staff: dict[int, list[int]]
) -> Iterator[Reminder]:
    goals = (
        Goal.objects.filter(status=GoalStatus.ADOPTED)
        .annotate(last_review=Max("reviews__date"))
        .values_list(
            "pk",
            "public_id",
            "title",
            "organisation_id",
            "responsible_body_id",
            "period_start",
            "review_interval_months",
            "last_review",
        )
        .order_by("pk")
    )
    detail = _goal_path()
    for pk, public_id, title, org_id, body_id, start, months, last in goals.iterator(
        chunk_size=5000
    ):
        due = add_months(last or start, months)
        if due > today + REVIEW_SOON:
            continue
        overdue = due < today
        kind = "goals.review_overdue" if overdue else "goals.review_due"
        base = f"review:{pk}"
        key = _overdue_key(base, due, today) if overdue else f"{base}:{due.isoformat()}"
        context = {
            "title": title,
            "due": due.strftime("%d-%m-%Y"),
            "path": detail.format(public_id),
        }
        people = (members.get(body_id) if body_id else None) or staff.get(org_id, [])
        for person in people:
            yield Reminder(kind, person, key, context)
