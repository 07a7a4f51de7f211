"""Fetch-and-authorise for the framework catalogue. Published frameworks are public;
drafts are for sector staff (who publish them)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest

from almen.access.policy import Principal, Scope, deny, principal
from almen.goals.models import (
    Action,
    Commitment,
    Cornerstone,
    Framework,
    FrameworkStatus,
    Goal,
    GoalStatus,
    Indicator,
)
from almen.lib.visibility import LADDER, Visibility
from almen.register.models import Estate, Organisation


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
        # Five joins, and the links a goal may lack read by primary key when present:
        # PostgreSQL took 2–8 ms to plan the eleven-table join of all of them (0.2 ms to
        # run it), a quarter of the goal page's time.
        return (
            Goal.objects.select_related(
                "organisation__municipality", "estate__municipality", "framework"
            )
            .prefetch_related(
                "inspired_by",
                "adopted_by__organisation",
                "adopted_by__estate",
                "responsible_user",
                "responsible_body__organisation",
                "responsible_body__estate",
            )
            .get(public_id=public_id)
        )
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


@dataclass(frozen=True)
class GoalPlace:
    """Where a person may create goals in an organisation."""

    organisation: Organisation
    estates: QuerySet[Estate]
    org_level: bool  # may create organisation-wide goals (staff)


def organisation_for_goal_create(request: HttpRequest, cvr: str) -> GoalPlace:
    """Organisation staff create goals anywhere in their organisation; an estate board
    for its own estates."""
    try:
        organisation = Organisation.objects.select_related("municipality").get(cvr=cvr)
    except Organisation.DoesNotExist:
        raise Http404 from None
    p = principal(request)
    if p.is_staff_of(organisation.pk):
        return GoalPlace(organisation, organisation.estates.order_by("number"), True)
    boards = organisation.estates.filter(pk__in=p.board_estates).order_by("number")
    if p.board_estates and boards.exists():
        return GoalPlace(organisation, boards, False)
    deny(p, can_read=p.is_member_of(organisation.pk))


def place_for_edit(request: HttpRequest, goal: Goal) -> GoalPlace:
    """Where an already-authorised editor may place the goal: staff anywhere in the
    organisation, an estate board on its own estates."""
    p = principal(request)
    estates = goal.organisation.estates.order_by("number")
    if p.is_staff_of(goal.organisation_id):
        return GoalPlace(goal.organisation, estates, True)
    return GoalPlace(goal.organisation, estates.filter(pk__in=p.board_estates), False)


def picture_level(request: HttpRequest) -> str:
    """Sector staff see goals shared with the sector in the national picture; everyone
    else sees published goals only."""
    p = principal(request)
    return "sector" if (p.sector or p.superuser) else "public"


def municipalities_for_overview(request: HttpRequest) -> frozenset[int]:
    """The municipalities whose officer the person is (the overview is theirs only)."""
    p = principal(request)
    if not p.municipalities:
        deny(p, can_read=False)
    return p.municipalities


def places_for_copy(request: HttpRequest) -> list[GoalPlace]:
    """Where the person could put a copy of someone else's goal."""
    p = principal(request)
    places = []
    for organisation in Organisation.objects.filter(
        pk__in=p.staff_organisations | p.member_organisations
    ).order_by("name"):
        if p.is_staff_of(organisation.pk):
            places.append(GoalPlace(organisation, organisation.estates.order_by("number"), True))
        else:
            boards = organisation.estates.filter(pk__in=p.board_estates).order_by("number")
            if boards.exists():
                places.append(GoalPlace(organisation, boards, False))
    return places


def indicator_for_manage(goal: Goal, public_id: UUID) -> Indicator:
    """An indicator of a goal already authorised for managing."""
    try:
        return goal.indicators.get(public_id=public_id)
    except Indicator.DoesNotExist:
        raise Http404 from None


def indicator_for_view(goal: Goal, public_id: UUID) -> Indicator:
    """An indicator of a goal already authorised for viewing (``goal_for_view``)."""
    try:
        return goal.indicators.get(public_id=public_id)
    except Indicator.DoesNotExist:
        raise Http404 from None


def action_for_manage(goal: Goal, public_id: UUID) -> Action:
    try:
        return goal.actions.get(public_id=public_id)
    except Action.DoesNotExist:
        raise Http404 from None


def goals_shared_with_municipalities(request: HttpRequest) -> QuerySet[Goal]:
    """The municipality overview's goals: those of the officer's municipalities (an
    estate's, or an organisation-wide goal's organisation's) that the officer may read,
    without drafts, by organisation and title. The page and its CSV read the same."""
    municipalities = municipalities_for_overview(request)
    return (
        visible_goals(principal(request))
        .filter(
            Q(estate__municipality_id__in=municipalities)
            | Q(estate__isnull=True, organisation__municipality_id__in=municipalities)
        )
        .exclude(status="draft")
        .prefetch_related("commitments")
        .order_by("organisation__name", "title")
    )
