"""Goals, reviews and actions take attachments (almen/attachments): how to find each
from its URL key, and — goals' own access rules — who reads and who manages their
files: the goal's readers and managers (a review's and an action's through their
goals)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from almen.attachments.owners import OwnerKind, register_owner
from almen.goals.access import can_manage_goal, can_view_goal
from almen.goals.models import Action, Goal, Review

_GOAL_JOINS = ("organisation__municipality", "estate__municipality")


def _goal(key: str) -> Goal | None:
    try:
        return Goal.objects.select_related(*_GOAL_JOINS).filter(public_id=key).first()
    except (ValueError, ValidationError):
        return None


def _review(key: str) -> Review | None:
    if not key.isdigit():
        return None
    return (
        Review.objects.select_related(*(f"goal__{j}" for j in _GOAL_JOINS)).filter(pk=key).first()
    )


def _action(key: str) -> Action | None:
    try:
        return (
            Action.objects.prefetch_related(
                Prefetch("goals", queryset=Goal.objects.select_related(*_GOAL_JOINS))
            )
            .filter(public_id=key)
            .first()
        )
    except (ValueError, ValidationError):
        return None


def _goal_url(goal: Goal, anchor: str = "") -> str:
    return reverse("goals:goal_detail", args=[goal.public_id]) + anchor


def _first_goal(action: Action) -> Goal:
    return sorted(action.goals.all(), key=lambda g: g.pk)[0]


def register(app: str) -> None:
    register_owner(
        OwnerKind(
            key="maal",
            model=Goal,
            label=gettext_lazy("mål"),
            fetch=_goal,
            url_key=lambda g: str(g.public_id),
            can_read=can_view_goal,
            can_manage=can_manage_goal,
            organisation_id=lambda g: g.organisation_id,
            page_url=lambda g: _goal_url(g),
            title=lambda g: g.title,
            # Its actions' files are listed with its own. Its reviews' are behind each
            # review's link: the reviews are part of the page's cached body, and the
            # page must not read them again (test_goals).
            children=lambda g: [
                (Action, Action.goals.through.objects.filter(goal=g).values("action_id")),
            ],
        ),
        app=app,
    )
    register_owner(
        OwnerKind(
            key="status",
            model=Review,
            label=gettext_lazy("status"),
            fetch=_review,
            url_key=lambda r: str(r.pk),
            can_read=lambda p, r: can_view_goal(p, r.goal),
            can_manage=lambda p, r: can_manage_goal(p, r.goal),
            organisation_id=lambda r: r.goal.organisation_id,
            page_url=lambda r: _goal_url(r.goal, "#status"),
            title=lambda r: (
                _("Status %(date)s: %(goal)s")
                % {"date": date_format(r.date, "d-m-Y"), "goal": r.goal.title}
            ),
        ),
        app=app,
    )
    register_owner(
        OwnerKind(
            key="indsats",
            model=Action,
            label=gettext_lazy("indsats"),
            fetch=_action,
            url_key=lambda a: str(a.public_id),
            can_read=lambda p, a: any(can_view_goal(p, g) for g in a.goals.all()),
            can_manage=lambda p, a: any(can_manage_goal(p, g) for g in a.goals.all()),
            organisation_id=lambda a: a.organisation_id,
            page_url=lambda a: _goal_url(_first_goal(a), "#indsatser"),
            title=lambda a: a.title,
        ),
        app=app,
    )
