"""Reads for the home pages: what is new for each persona. Query counts are fixed,
whatever the size of the register (tests bound them)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum

from almen.access.policy import Principal
from almen.audit.models import AuditEntry
from almen.register.models import (
    BodyKind,
    BodyMembership,
    Estate,
    Household,
    Municipality,
    Organisation,
    Unit,
)


def estate_cards(estate_ids: frozenset[int]) -> list[Estate]:
    return list(
        Estate.objects.filter(pk__in=estate_ids)
        .select_related("organisation", "municipality")
        .annotate(unit_count=Count("units", distinct=True))
        .order_by("organisation__name", "number")
    )


def estate_figures(estate: Estate) -> dict[str, Any]:
    units = Unit.objects.filter(estate=estate)
    agg = units.aggregate(
        units=Count("id"),
        area=Sum("area_m2"),
        family=Count("id", filter=Q(kind="family")),
        elderly=Count("id", filter=Q(kind="elderly")),
        youth=Count("id", filter=Q(kind="youth")),
    )
    agg["households"] = Household.objects.active().filter(unit__estate=estate).count()
    return agg


def estate_board(estate: Estate) -> list[BodyMembership]:
    return list(
        BodyMembership.objects.current()
        .filter(body__estate=estate, body__kind=BodyKind.ESTATE_BOARD)
        .select_related("user")
        .order_by("role", "user__name")
    )


def organisation_estates(organisation: Organisation) -> list[Estate]:
    return list(
        organisation.estates.select_related("municipality")
        .annotate(unit_count=Count("units"))
        .order_by("number")
    )


def organisation_figures(organisation: Organisation) -> dict[str, Any]:
    agg = Unit.objects.filter(estate__organisation=organisation).aggregate(
        units=Count("id"), area=Sum("area_m2")
    )
    agg["estates"] = Estate.objects.filter(organisation=organisation).count()
    agg["households"] = (
        Household.objects.active().filter(unit__estate__organisation=organisation).count()
    )
    return agg


def organisations_in(municipality_ids: frozenset[int]) -> list[Organisation]:
    return list(
        Organisation.objects.filter(
            Q(municipality_id__in=municipality_ids)
            | Q(estates__municipality_id__in=municipality_ids)
        )
        .distinct()
        .select_related("municipality")
        .annotate(estate_count=Count("estates", distinct=True))
        .order_by("name")
    )


def national_figures() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "estates": Estate.objects.count(),
        "units": Unit.objects.count(),
        "municipalities": Municipality.objects.filter(organisations__isnull=False)
        .distinct()
        .count(),
    }


def recent_changes(organisation_ids: frozenset[int], limit: int = 8) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(organisation_id__in=organisation_ids)[:limit])


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
    orgs = p.staff_organisations | p.board_organisations
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
        ctx["municipality_organisations"] = organisations_in(p.municipalities)
    if p.sector:
        ctx["national"] = national_figures()
    return ctx
