"""What goals tells people through the outbox at the moment something happens (the daily
reminders are in reminders.py): a goal shared with a municipality or the sector, and a
goal adopted (copied) by someone else. Called inside the goal services' transactions."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from almen.access.roles import Role
from almen.accounts.models import User
from almen.goals.models import Goal, GoalStatus
from almen.lib.visibility import Visibility, at_least
from almen.notify.services import notify_many

MUNICIPALITY = "municipality"
SECTOR = "sector"


def audiences(visibility: str, status: str) -> set[str]:
    """Who beyond the organisation a goal in this state is shared with."""
    if status == GoalStatus.DRAFT:
        return set()
    reached = set()
    if at_least(visibility, Visibility.MUNICIPALITY):
        reached.add(MUNICIPALITY)
    if at_least(visibility, Visibility.SECTOR):
        reached.add(SECTOR)
    return reached


def _current(role: str) -> Q:
    today = timezone.localdate()
    return Q(
        memberships__role=role,
        memberships__starts__lte=today,
    ) & (Q(memberships__ends__isnull=True) | Q(memberships__ends__gte=today))


def goal_shared_notify(goal: Goal, *, before: set[str]) -> int:
    """Tell the municipality's officers and the sector's staff about a goal newly shared
    with them (``before``: the audiences it had before the change)."""
    sent = 0
    new = audiences(goal.visibility, goal.status) - before
    if not new:
        return 0
    path = reverse("goals:goal_detail", args=[goal.public_id])
    organisation = goal.organisation
    for audience in sorted(new):
        if audience == MUNICIPALITY:
            municipality_id = (
                goal.estate.municipality_id
                if goal.estate_id and goal.estate
                else organisation.municipality_id
            )
            people = User.objects.filter(
                _current(Role.MUNICIPALITY_OFFICER), memberships__municipality_id=municipality_id
            )
        else:
            people = User.objects.filter(_current(Role.SECTOR_STAFF))
        sent += notify_many(
            kind="goals.goal_shared",
            key=f"goal:{goal.pk}:{audience}",
            users=people.filter(is_active=True).distinct().order_by("pk"),
            context={
                "title": goal.title,
                "organisation": organisation.name,
                "audience": audience,
                "path": path,
            },
        )
    return sent


def goal_adopted_notify(copy: Goal, *, source: Goal) -> int:
    """Tell the source goal's organisation staff that someone copied their goal."""
    adopter = copy.estate.name if copy.estate_id and copy.estate else copy.organisation.name
    staff = User.objects.filter(
        _current(Role.ORG_STAFF),
        memberships__organisation_id=source.organisation_id,
        is_active=True,
    )
    return notify_many(
        kind="goals.goal_adopted",
        key=f"goal:{copy.pk}",
        users=staff.distinct().order_by("pk"),
        context={
            "title": source.title,
            "adopter": adopter,
            "path": reverse("goals:goal_detail", args=[source.public_id]),
        },
    )
