"""Grøn drift in the REST API at /api/v1 (issue 10, item 9): the organisation's meters,
the emission factors and an estate's footprint for a year. Read only (the bulk
readings feed is the imports part's).

Who sees what is ``green/access.py``'s, asked with the caller as a principal
(``green_principal``):

- **Emission factors** are public: anyone reads the current national table; a token
  with ``green:read`` also reads its organisation's own plant declarations.
- **Meters and footprints** are the organisation's operational data: they need a token
  (401 without one) with ``green:read`` (403 without it), which acts as the
  organisation's staff. An estate of another organisation answers 404, as if it did
  not exist.
"""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import PlainSerializer

from almen.access.policy import ANONYMOUS, Principal, principal_for_token
from almen.green import access, footprint
from almen.green.models import EmissionFactor, EnergyKind, Meter
from almen.green.units import base_unit, unit_label
from almen.lib.api import ErrorOut, Pagination
from almen.register.models import ApiScope, ApiToken, Estate
from almen.register.tokens import api_token_auth, require_scope

meters_router = Router(tags=["grøn drift"])
factors_router = Router(tags=["grøn drift"])
estates_router = Router(tags=["grøn drift"])

Number = Annotated[Decimal, PlainSerializer(float, return_type=float)]
KIND_PATTERN = "^(" + "|".join(EnergyKind.values) + ")$"
YEAR = Field(..., ge=1990, le=2100, description="Året, 1990–2100.")


def green_principal(request: HttpRequest) -> Principal:
    """A token with ``green:read`` acts as its organisation's staff; any other caller
    is anonymous (a logged-in session is not a token, as everywhere in the API)."""
    token = getattr(request, "auth", None)
    if not isinstance(token, ApiToken):
        return ANONYMOUS
    return principal_for_token(
        token_id=token.pk,
        organisation_id=token.organisation_id,
        scopes=token.scopes,
        acts_as_staff=token.has_scope(ApiScope.GREEN_READ),
    )


def factor_unit(kind: str) -> str:
    return f"kg CO2e/{unit_label(base_unit(kind))}"


# --- schemas ----------------------------------------------------------------------------


class MeterOut(Schema):
    id: uuid.UUID = Field(description="Målerens id.")
    estate_id: uuid.UUID = Field(description="Afdelingens id.")
    estate_number: int
    building: str | None = Field(description="Bygningens adresse, hvis måleren hører til én.")
    number: str = Field(description="Målernummeret (efter en udskiftning: den nuværende måler).")
    name: str
    kind: str = Field(description="district_heating, electricity, water, natural_gas, oil, other.")
    unit: str = Field(description="kWh, MWh, GJ, m3, Nm3 eller l.")
    mode: str = Field(description="cumulative (tællerstand) eller interval (forbrug pr. periode).")
    supplier: str | None = Field(description="Forsyningen (for fjernvarme: værket).")
    price_area: str = Field(description="Elprisområde (DK1/DK2); tomt: fra kommunens region.")
    parent_id: uuid.UUID | None = Field(description="Hovedmåleren, hvis det er en bimåler.")
    installed_on: dt.date | None
    removed_on: dt.date | None


class MeterFilter(Schema):
    estate: uuid.UUID | None = Field(None, description="Kun denne afdelings målere (id).")


class FactorOut(Schema):
    key: str = Field(description="År/art/prisområde/forsyning/metode/organisation.")
    version: int = Field(description="Faktorens version; en ændring giver en ny version.")
    year: int
    kind: str
    price_area: str = Field(description="DK1, DK2 eller tomt.")
    supplier: str | None = Field(description="Værket (fjernvarme), hvis faktoren gælder ét.")
    supplier_id: uuid.UUID | None
    method: str = Field(description="location (lokationsbaseret) eller market.")
    value: Number = Field(description="kg CO2e pr. enhed.")
    unit: str = Field(description="Fx kg CO2e/kWh eller kg CO2e/Nm³.")
    source: str
    source_url: str
    note: str
    organisation_cvr: str | None = Field(
        description="Organisationens egen deklaration; tomt for den nationale tabel."
    )
    created_at: dt.datetime


class FactorFilter(Schema):
    year: int | None = Field(None, ge=1990, le=2100, description="Året, 1990–2100.")
    kind: str | None = Field(None, pattern=KIND_PATTERN, description="Forsyningsart.")


class KindFootprintOut(Schema):
    kind: str
    consumption: Number = Field(description="Forbruget i artens grundenhed.")
    unit: str = Field(description="kWh, m3 (vand), Nm3 (gas) eller l (olie).")
    kg_co2e: Number | None = Field(description="kg CO2e; tomt, når ingen måned har en faktor.")
    months_without_factor: int = Field(
        description="Målermåneder uden emissionsfaktor (tæller ikke med i kg CO2e; vand "
        "har ingen officiel faktor og tælles ikke her)."
    )
    factors: list[FactorOut] = Field(description="De faktorversioner, månederne er regnet med.")


class FootprintOut(Schema):
    estate_id: uuid.UUID
    estate_number: int
    organisation_cvr: str
    year: int
    kg_co2e: Number | None = Field(description="I alt for året; tomt uden data.")
    kinds: list[KindFootprintOut]


class FootprintQuery(Schema):
    year: int = YEAR


# --- shaping ----------------------------------------------------------------------------


def _factor_out(f: EmissionFactor) -> dict[str, Any]:
    return {
        "key": f.key,
        "version": f.version,
        "year": f.year,
        "kind": f.kind,
        "price_area": f.price_area,
        "supplier": f.supplier.name if f.supplier else None,
        "supplier_id": f.supplier.public_id if f.supplier else None,
        "method": f.method,
        "value": f.kg_co2e_per_unit,
        "unit": factor_unit(f.kind),
        "source": f.source,
        "source_url": f.source_url,
        "note": f.note,
        "organisation_cvr": f.organisation.cvr if f.organisation else None,
        "created_at": f.created_at,
    }


def _meter_out(m: Meter) -> dict[str, Any]:
    return {
        "id": m.public_id,
        "estate_id": m.estate.public_id,
        "estate_number": m.estate.number,
        "building": m.building.address if m.building else None,
        "number": m.number,
        "name": m.name,
        "kind": m.kind,
        "unit": m.unit,
        "mode": m.mode,
        "supplier": m.supplier.name if m.supplier else None,
        "price_area": m.price_area,
        "parent_id": m.parent.public_id if m.parent else None,
        "installed_on": m.installed_on,
        "removed_on": m.removed_on,
    }


class _Shaped:
    """A queryset the paginator slices, shaped row by row after slicing."""

    def __init__(self, queryset: QuerySet, shape: Any) -> None:
        self.queryset, self.shape = queryset, shape

    def __len__(self) -> int:
        return self.queryset.count()

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return [self.shape(row) for row in self.queryset[index]]


def estate_footprint(estate: Estate, year: int) -> dict[str, Any]:
    """kg CO2e by kind with consumption and the factor versions used: two queries."""
    totals = footprint.totals_by_kind("estate", estate.pk, year)
    used = footprint.months_for(
        "estate", estate.pk, dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    ).filter(factor__isnull=False)
    factors = (
        EmissionFactor.objects.filter(pk__in=used.values("factor_id"))
        .select_related("supplier", "organisation")
        .order_by("kind", "year", "key", "version")
    )
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for f in factors:
        by_kind.setdefault(f.kind, []).append(_factor_out(f))
    kinds: list[dict[str, Any]] = []
    known: list[Decimal] = []
    for t in totals:
        has_factor = t.kind in by_kind
        if has_factor:
            known.append(t.kg_co2e)
        kinds.append(
            {
                "kind": t.kind,
                "consumption": t.consumption,
                "unit": t.unit,
                "kg_co2e": t.kg_co2e if has_factor else None,
                "months_without_factor": t.months_without_factor,
                "factors": by_kind.get(t.kind, []),
            }
        )
    return {
        "estate_id": estate.public_id,
        "estate_number": estate.number,
        "organisation_cvr": estate.organisation.cvr,
        "year": year,
        "kg_co2e": sum(known, Decimal(0)) if known else None,
        "kinds": kinds,
    }


# --- endpoints --------------------------------------------------------------------------


@meters_router.get(
    "",
    response={200: list[MeterOut], 404: ErrorOut},
    auth=api_token_auth,
    summary="Organisationens målere",
    description="Målerne i API-tokenets organisation (kræver green:read), med art, enhed, "
    "forsyning og hovedmåler. Filtrér med estate (afdelingens id); en afdeling, der ikke "
    "er organisationens, giver 404. Sideinddelt (limit/offset).",
)
@paginate(Pagination)
def meters(request: HttpRequest, filters: Query[MeterFilter]) -> Any:
    require_scope(request, ApiScope.GREEN_READ)
    p = green_principal(request)
    queryset = Meter.objects.filter(estate__organisation_id__in=p.staff_organisations)
    if filters.estate is not None:
        estate = Estate.objects.filter(public_id=filters.estate).first()
        if estate is None or not access.can_read_green(p, estate):
            raise HttpError(404, _("Ingen afdeling med id %(id)s.") % {"id": filters.estate})
        queryset = queryset.filter(estate=estate)
    ordered = queryset.select_related("estate", "building", "supplier", "parent").order_by(
        "estate__number", "kind", "number"
    )
    return _Shaped(ordered, _meter_out)


@factors_router.get(
    "",
    response=list[FactorOut],
    summary="Emissionsfaktorer",
    description="De gældende versioner af emissionsfaktorerne (kg CO2e pr. kWh, Nm³, m³ "
    "eller liter) med kilde og version: den nationale tabel for alle; med et API-token med "
    "green:read også organisationens egne værksdeklarationer. Filtrér med year (1990–2100) "
    "og kind. Sideinddelt (limit/offset). Nyeste år først.",
)
@paginate(Pagination)
def emission_factors(request: HttpRequest, filters: Query[FactorFilter]) -> Any:
    p = green_principal(request)
    where = Q(organisation__isnull=True)
    if p.staff_organisations:
        where |= Q(organisation_id__in=p.staff_organisations)
    queryset = EmissionFactor.objects.filter(where, superseded_at__isnull=True)
    if filters.year is not None:
        queryset = queryset.filter(year=filters.year)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    ordered = queryset.select_related("supplier", "organisation").order_by(
        "-year", "kind", "price_area", "key"
    )
    return _Shaped(ordered, _factor_out)


@estates_router.get(
    "/{public_id}/footprint",
    response={200: FootprintOut, 404: ErrorOut},
    auth=api_token_auth,
    summary="En afdelings CO2e for et år",
    description="Forbrug og kg CO2e pr. forsyningsart for året (kun hovedmålere), med de "
    "faktorversioner, der er regnet med. Kræver et API-token med green:read fra "
    "afdelingens organisation; ellers 404. year skal være et heltal 1990–2100 (ellers 422).",
)
def estate_footprint_view(
    request: HttpRequest, public_id: uuid.UUID, query: Query[FootprintQuery]
) -> dict[str, Any]:
    require_scope(request, ApiScope.GREEN_READ)
    p = green_principal(request)
    estate = Estate.objects.select_related("organisation").filter(public_id=public_id).first()
    if estate is None or not access.can_read_green(p, estate):
        raise HttpError(404, _("Ingen afdeling med id %(id)s.") % {"id": public_id})
    return estate_footprint(estate, query.year)
