"""Reads for the home pages: what is new for each persona. Query counts are fixed,
whatever the size of the register (tests bound them)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from almen.access.policy import Principal
from almen.audit.models import AuditEntry
from almen.goals.access import visible_goals
from almen.goals.models import Action, ActionStatus, Goal, GoalStatus
from almen.goals.selectors import goal_summaries, review_due, with_last_review
from almen.register.models import (
    BodyKind,
    BodyMembership,
    Estate,
    Municipality,
    Organisation,
)


def estate_cards(estate_ids: frozenset[int]) -> list[Estate]:
    return list(
        Estate.objects.filter(pk__in=estate_ids)
        .select_related("organisation", "municipality")
        .order_by("organisation__name", "number")
    )


def estate_figures(estate: Estate) -> dict[str, Any]:
    """The estate's key figures, kept on the estate (see ``estate_counts_refresh``)."""
    return {
        "units": estate.unit_count,
        "area": estate.area_m2,
        "family": estate.family_units,
        "elderly": estate.elderly_units,
        "youth": estate.youth_units,
        "households": estate.household_count,
    }


def estate_board(estate: Estate) -> list[BodyMembership]:
    return list(
        BodyMembership.objects.current()
        .filter(body__estate=estate, body__kind=BodyKind.ESTATE_BOARD)
        .select_related("user")
        .order_by("role", "user__name")
    )


def organisation_estates(organisation: Organisation) -> QuerySet[Estate]:
    return organisation.estates.select_related("municipality").order_by("number")


def organisation_figures(organisation: Organisation) -> dict[str, Any]:
    return Estate.objects.filter(organisation=organisation).aggregate(
        estates=Count("id"),
        units=Coalesce(Sum("unit_count"), 0),
        area=Sum("area_m2"),
        households=Coalesce(Sum("household_count"), 0),
    )


HOME_LIST = 15


def organisations_in(municipality_ids: frozenset[int]) -> QuerySet[Organisation]:
    """Organisations seated in, or with estates in, the municipalities."""
    with_estates = Estate.objects.filter(municipality_id__in=municipality_ids).values(
        "organisation_id"
    )
    return (
        Organisation.objects.filter(
            Q(municipality_id__in=municipality_ids) | Q(pk__in=with_estates)
        )
        .select_related("municipality")
        .annotate(estate_count=Count("estates"))
        .order_by("name")
    )


NATIONAL_FIGURES_KEY = "web:national-figures"


def national_figures() -> dict[str, int]:
    """Sector-wide counts for the front page; cached for five minutes (they change
    with imports, not with page views)."""
    figures = cache.get(NATIONAL_FIGURES_KEY)
    if figures is None:
        estates = Estate.objects.aggregate(
            estates=Count("id"), units=Coalesce(Sum("unit_count"), 0)
        )
        figures = {
            "organisations": Organisation.objects.count(),
            "estates": estates["estates"],
            "units": estates["units"],
            "municipalities": Organisation.objects.values("municipality_id")
            .union(Estate.objects.values("municipality_id"))
            .count(),
        }
        cache.set(NATIONAL_FIGURES_KEY, figures, 300)
    return figures


def recent_changes(organisation_ids: frozenset[int], limit: int = 8) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(organisation_id__in=organisation_ids)[:limit])


def attention(scope: Q, limit: int = 8) -> dict[str, Any]:
    """Goals whose review is overdue and actions past their due date, in ``scope``."""
    today = timezone.localdate()
    goals = with_last_review(Goal.objects.filter(scope).exclude(status=GoalStatus.ENDED))
    overdue_reviews = [
        g
        for g in goals.select_related("organisation", "estate").order_by("title")
        if review_due(g, today).overdue
    ]
    overdue_actions = list(
        Action.objects.filter(Q(goals__in=Goal.objects.filter(scope)), due__lt=today)
        .filter(status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS])
        .distinct()
        .order_by("due")[:limit]
    )
    return {"reviews": overdue_reviews[:limit], "actions": overdue_actions}


def home_context(p: Principal) -> dict[str, Any]:
    """Sections of the home page, one per role the principal holds."""
    ctx: dict[str, Any] = {}
    if p.is_anonymous:
        ctx["national"] = national_figures()
        return ctx
    if p.resident_estates:
        ctx["my_estates"] = estate_cards(p.resident_estates)
    if p.board_estates:
        ctx["board_estates"] = estate_cards(p.board_estates)
    if p.resident_estates or p.board_estates:
        # What the estate is working on, with how it is going.
        ctx["estate_goals"] = goal_summaries(
            visible_goals(p)
            .filter(estate_id__in=p.resident_estates | p.board_estates)
            .exclude(status=GoalStatus.DRAFT)
            .order_by("title"),
            limit=6,
        )
    orgs = p.staff_organisations | p.board_organisations
    managed = p.staff_organisations
    if managed or p.board_estates:
        scope = Q(organisation_id__in=managed) | Q(estate_id__in=p.board_estates)
        ctx["attention"] = attention(scope)
    if orgs:
        ctx["my_organisations"] = list(
            Organisation.objects.filter(pk__in=orgs)
            .select_related("municipality")
            .annotate(estate_count=Count("estates"))
        )
    if p.staff_organisations:
        ctx["recent_changes"] = recent_changes(p.staff_organisations)
    if p.municipalities:
        ctx["municipality_names"] = list(
            Municipality.objects.filter(pk__in=p.municipalities).values_list("name", flat=True)
        )
        # The home page shows the first few; the organisation list has them all.
        ctx["municipality_organisations"] = organisations_in(p.municipalities)[:HOME_LIST]
        ctx["municipality_codes"] = list(
            Municipality.objects.filter(pk__in=p.municipalities).values_list("code", flat=True)
        )
    if p.sector:
        ctx["national"] = national_figures()
    return ctx
