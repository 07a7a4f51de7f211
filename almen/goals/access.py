"""Fetch-and-authorise for the framework catalogue. Published frameworks are public;
drafts are for sector staff (who publish them)."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest

from almen.access.policy import Principal, Scope, deny, principal
from almen.goals.models import (
    Commitment,
    Cornerstone,
    Framework,
    FrameworkStatus,
    Goal,
    GoalStatus,
)
from almen.lib.visibility import LADDER, Visibility


def framework_for_view(request: HttpRequest, slug: str | None = None) -> Framework:
    """The framework with its cornerstones, commitments, prerequisites and sections
    (four queries). Without ``slug``: the current published framework."""
    queryset = Framework.objects.prefetch_related(
        "sections",
        "prerequisites",
        Prefetch(
            "cornerstones",
            queryset=Cornerstone.objects.prefetch_related(
                Prefetch("commitments", queryset=Commitment.objects.order_by("number"))
            ),
        ),
    )
    if slug is None:
        framework = queryset.published().order_by("-period_start").first()
    else:
        framework = queryset.filter(slug=slug).first()
    if framework is None:
        raise Http404
    if framework.status != FrameworkStatus.PUBLISHED:
        p = principal(request)
        if not (p.sector or p.superuser):
            deny(p, can_read=False)
    return framework


def cornerstone_for_view(request: HttpRequest, slug: str, number: int) -> Cornerstone:
    framework = framework_for_view(request, slug)
    for cornerstone in framework.cornerstones.all():
        if cornerstone.number == number:
            return cornerstone
    raise Http404


def commitment_for_view(request: HttpRequest, slug: str, code: str) -> Commitment:
    framework = framework_for_view(request, slug)
    for cornerstone in framework.cornerstones.all():
        for commitment in cornerstone.commitments.all():
            if commitment.code == code:
                return commitment
    raise Http404


# --- local goals --------------------------------------------------------------------


def goal_scope(goal: Goal) -> Scope:
    """Where a goal lives: an estate goal touches its estate's municipality, an
    organisation goal the organisation's municipality."""
    if goal.estate_id is not None and goal.estate is not None:
        return Scope.of_estate(goal.estate)
    return Scope.of_organisation(goal.organisation)


def can_view_goal(p: Principal, goal: Goal) -> bool:
    scope = goal_scope(goal)
    if goal.status == GoalStatus.DRAFT:
        # Drafts are work in progress: for those who write them and the boards.
        return p.can_manage(scope) or p.is_board_of_organisation(scope.organisation_id)
    return p.can_read(scope, goal.visibility)


def can_manage_goal(p: Principal, goal: Goal) -> bool:
    return p.can_manage(goal_scope(goal))


def _goal(public_id: UUID | str) -> Goal:
    try:
        return Goal.objects.select_related(
            "organisation__municipality", "estate__municipality", "framework", "inspired_by"
        ).get(public_id=public_id)
    except (Goal.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def goal_for_view(request: HttpRequest, public_id: UUID | str) -> Goal:
    goal = _goal(public_id)
    p = principal(request)
    if not can_view_goal(p, goal):
        deny(p, can_read=False)
    return goal


def goal_for_manage(request: HttpRequest, public_id: UUID | str) -> Goal:
    goal = _goal(public_id)
    p = principal(request)
    if not can_manage_goal(p, goal):
        deny(p, can_read=can_view_goal(p, goal))
    return goal


def visible_goals(p: Principal) -> QuerySet[Goal]:
    """Every goal ``p`` may see, as one queryset (for lists, search and counts)."""
    published = Q(visibility=Visibility.PUBLIC) & ~Q(status=GoalStatus.DRAFT)
    if p.is_anonymous:
        return Goal.objects.filter(published)
    if p.superuser:
        return Goal.objects.all()
    not_draft = ~Q(status=GoalStatus.DRAFT)
    managed_estates = Q(estate_id__in=p.board_estates)
    condition = (
        published
        | Q(organisation_id__in=p.staff_organisations)
        | Q(organisation_id__in=p.board_organisations)
        | managed_estates
        | (
            not_draft
            & Q(organisation_id__in=p.member_organisations)
            & Q(visibility__in=_at_least(Visibility.ORGANISATION))
        )
        | (
            not_draft
            & Q(visibility__in=_at_least(Visibility.MUNICIPALITY))
            & (
                Q(estate__municipality_id__in=p.municipalities)
                | Q(estate__isnull=True, organisation__municipality_id__in=p.municipalities)
            )
        )
    )
    if p.is_professional:
        condition |= not_draft & Q(visibility__in=_at_least(Visibility.SECTOR))
    return Goal.objects.filter(condition)


def _at_least(level: str) -> list[str]:
    return LADDER[LADDER.index(level) :]
