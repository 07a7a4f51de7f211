"""Reads for the web's pages: the organisation and estate pages and the web's own home
panels (what is new for each persona). Query counts are fixed, whatever the size of the
register (tests bound them)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from almen.access.policy import Principal
from almen.audit.models import AuditEntry
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


# --- the web's home panels (registered in ``almen.web.manifest``) --------------------------


def _ids(ids: frozenset[int]) -> str:
    return ",".join(map(str, sorted(ids)))


# What each panel's rendered fragment depends on besides its data version (the sets of
# places it lists; almen.lib.panels).
def my_estates_fragment(p: Principal) -> str | None:
    return _ids(p.resident_estates) if p.resident_estates else None


def board_fragment(p: Principal) -> str | None:
    return _ids(p.board_estates) if p.board_estates else None


def orgs_fragment(p: Principal) -> str | None:
    ids = p.staff_organisations | p.board_organisations
    return f"{_ids(ids)}:{_ids(p.staff_organisations)}" if ids else None


def municipality_fragment(p: Principal) -> str | None:
    return _ids(p.municipalities) if p.municipalities else None


def staff_fragment(p: Principal) -> str | None:
    return _ids(p.staff_organisations) if p.staff_organisations else None


def my_estates_panel(p: Principal) -> dict[str, Any] | None:
    """For residents: the estate they live in."""
    estates = estate_cards(p.resident_estates) if p.resident_estates else []
    return {"estates": estates} if estates else None


def board_estates_panel(p: Principal) -> dict[str, Any] | None:
    """For estate boards: the estate whose board they sit on."""
    estates = estate_cards(p.board_estates) if p.board_estates else []
    return {"estates": estates} if estates else None


def organisations_panel(p: Principal) -> dict[str, Any] | None:
    """For organisation staff and boards: their organisations."""
    ids = p.staff_organisations | p.board_organisations
    if not ids:
        return None
    organisations = list(
        Organisation.objects.filter(pk__in=ids)
        .select_related("municipality")
        .annotate(estate_count=Count("estates"))
    )
    return {"organisations": organisations} if organisations else None


def recent_changes_panel(p: Principal) -> dict[str, Any] | None:
    """For organisation staff: the latest entries in their audit log."""
    if not p.staff_organisations:
        return None
    return {"entries": recent_changes(p.staff_organisations)}


def municipality_panel(p: Principal) -> dict[str, Any] | None:
    """For municipality officers: the organisations in their municipality (the first few;
    the organisation list has them all)."""
    if not p.municipalities:
        return None
    municipalities = list(
        Municipality.objects.filter(pk__in=p.municipalities).values_list("name", "code")
    )
    return {
        "names": [name for name, _code in municipalities],
        "codes": [code for _name, code in municipalities],
        "organisations": organisations_in(p.municipalities)[:HOME_LIST],
    }


def national_panel(p: Principal) -> dict[str, Any] | None:
    """For the public and the sector: the whole sector in four figures."""
    if p.is_anonymous or p.sector:
        return {"figures": national_figures()}
    return None
