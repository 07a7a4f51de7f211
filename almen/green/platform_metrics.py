"""Grøn drift's metrics for the goals (``lib.metrics``): an indicator bound to one of
these gets its numbers from the readings, through the monthly footprints.

Every metric is computed for a scope (estate, organisation, municipality, sector) and
a ``Period``: a month counts when its first day lies in the period. Consumption and
CO2e come from ``MonthlyFootprint`` of top-level meters only (a sub-meter's months are
part of its main meter's, decision 0031). A metric answers None when there is nothing
to compute from (no months, no area, no households, no labels, no measures), never a 0
that looks like data. Each is one or two queries whatever the number of meters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from almen.green import footprint
from almen.green.models import (
    BIODIVERSITY_KINDS,
    C_OR_BETTER,
    DegreeDaySeries,
    EnergyKind,
    EnergyLabel,
    GreenMeasure,
    MonthlyFootprint,
)
from almen.lib import metrics
from almen.lib.metrics import Metric, Period
from almen.register.models import Building, Unit

SCOPES = frozenset({"estate", "organisation", "municipality", "sector"})

# Where the register's rows of a scope are (footprints carry their own columns).
_ESTATE_PATH = {
    "estate": "estate_id",
    "organisation": "estate__organisation_id",
    "municipality": "estate__municipality_id",
    "sector": None,
}


def _in_scope(queryset: QuerySet, scope: str, scope_id: int | None, prefix: str = "") -> QuerySet:
    field = _ESTATE_PATH[scope]
    if field is None:
        return queryset
    if scope_id is None:
        raise ValueError(f"a {scope} metric needs the {scope}'s id")
    return queryset.filter(**{prefix + field: scope_id})


def months(scope: str, scope_id: int | None, period: Period) -> QuerySet[MonthlyFootprint]:
    """Top-level meters' months whose first day lies in ``period``."""
    if scope != "sector" and scope_id is None:
        raise ValueError(f"a {scope} metric needs the {scope}'s id")
    # The first day of a month lies in [start, end] exactly when it is ≥ start and ≤ end.
    return footprint.months_for(scope, scope_id, period.start, period.end + dt.timedelta(days=1))


def heated_area(scope: str, scope_id: int | None) -> Decimal | None:
    """m² of the scope's buildings: each building's heated area, or the sum of its
    homes' areas where the register has none. One query."""
    units_area = (
        Unit.objects.filter(building_id=OuterRef("pk"))
        .order_by()
        .values("building_id")
        .annotate(total=Sum("area_m2"))
        .values("total")
    )
    area = _in_scope(Building.objects.all(), scope, scope_id).aggregate(
        total=Sum(
            Coalesce(
                "heated_area_m2",
                Subquery(units_area, output_field=DecimalField(max_digits=14, decimal_places=2)),
            )
        )
    )["total"]
    return area if area else None


def households(scope: str, scope_id: int | None, period: Period) -> Decimal | None:
    """Households at the period's end, as the register counts them (its metric)."""
    try:
        value = metrics.get("register.households").value(scope, scope_id, period)
    except metrics.UnknownMetric:
        return None
    return value if value else None


def _kg(scope: str, scope_id: int | None, period: Period) -> Decimal | None:
    return months(scope, scope_id, period).aggregate(kg=Sum("kg_co2e"))["kg"]


def co2e_total(scope: str, scope_id: int | None, period: Period) -> Decimal | None:
    kg = _kg(scope, scope_id, period)
    return None if kg is None else (kg / 1000).quantize(Decimal("0.001"))


def co2e_per_m2(scope: str, scope_id: int | None, period: Period) -> Decimal | None:
    kg = _kg(scope, scope_id, period)
    if kg is None:
        return None
    area = heated_area(scope, scope_id)
    if area is None:
        return None
    return (kg / area).quantize(Decimal("0.01"))


def default_degree_day_series() -> DegreeDaySeries | None:
    """The series used to normalise heat: the first one imported."""
    return DegreeDaySeries.objects.order_by("pk").first()


def heat_kwh(scope: str, scope_id: int | None, period: Period) -> Decimal | None:
    """District heating in kWh, normalised to a normal year when the period is whole
    calendar years and the default degree-day series has all their months."""
    rows = list(
        months(scope, scope_id, period)
        .filter(kind=EnergyKind.DISTRICT_HEATING)
        .annotate(year=ExtractYear("month"))
        .values("year")
        .annotate(kwh=Sum("consumption"))
        .order_by("year")
    )
    if not rows:
        return None
    raw = sum((r["kwh"] for r in rows), Decimal(0))
    whole_years = period.start == dt.date(period.start.year, 1, 1) and period.end == dt.date(
        period.end.year, 12, 31
    )
    series = default_degree_day_series() if whole_years else None
    if series is None:
        return raw
    total = Decimal(0)
    for row in rows:
        normalised = footprint.normalised_heat(row["kwh"], row["year"], series)
        if normalised is None:
            return raw  # a year without all its degree days: no year is normalised
        total += normalised
    return total


def heat_kwh_per_m2(scope: str, scope_id: int | None, period: Period) -> Decimal | None:
    kwh = heat_kwh(scope, scope_id, period)
    if kwh is None:
        return None
    area = heated_area(scope, scope_id)
    return None if area is None else (kwh / area).quantize(Decimal("0.1"))


def _per_household(kind: str, places: str) -> Callable[[str, int | None, Period], Decimal | None]:
    def compute(scope: str, scope_id: int | None, period: Period) -> Decimal | None:
        amount = (
            months(scope, scope_id, period)
            .filter(kind=kind)
            .aggregate(total=Sum("consumption"))["total"]
        )
        if amount is None:
            return None
        count = households(scope, scope_id, period)
        return None if count is None else (amount / count).quantize(Decimal(places))

    compute.__name__ = f"{kind}_per_household"
    return compute


water_m3_per_household = _per_household(EnergyKind.WATER, "0.01")
electricity_kwh_per_household = _per_household(EnergyKind.ELECTRICITY, "1")


def label_c_or_better_share(scope: str, scope_id: int | None, period: Period) -> Decimal | None:
    """Homes in buildings whose label valid at the period's end is C or better, in
    percent of the homes in buildings. One query."""
    current = (
        EnergyLabel.objects.filter(
            building_id=OuterRef("building_id"),
            issued_on__lte=period.end,
            expires_on__gt=period.end,
        )
        .order_by("-issued_on")
        .values("label")[:1]
    )
    agg = (
        _in_scope(Unit.objects.filter(building__isnull=False), scope, scope_id)
        .annotate(current_label=Subquery(current))
        .aggregate(
            homes=Count("id"),
            labelled=Count("id", filter=Q(current_label__isnull=False)),
            good=Count("id", filter=Q(current_label__in=sorted(C_OR_BETTER))),
        )
    )
    if not agg["homes"] or not agg["labelled"]:
        return None
    return (Decimal(agg["good"]) * 100 / Decimal(agg["homes"])).quantize(Decimal("0.1"))


def _measures(scope: str, scope_id: int | None, period: Period) -> dict:
    done = GreenMeasure.objects.filter(done_on__lte=period.end)
    return _in_scope(done, scope, scope_id).aggregate(
        count=Count("id"),
        area=Sum("area_m2", filter=Q(kind__in=sorted(BIODIVERSITY_KINDS))),
    )


def biodiversity_m2(scope: str, scope_id: int | None, period: Period) -> Decimal | None:
    agg = _measures(scope, scope_id, period)
    if not agg["count"]:
        return None
    return (agg["area"] or Decimal(0)).quantize(Decimal("0.01"))


def measure_count(scope: str, scope_id: int | None, period: Period) -> Decimal | None:
    agg = _measures(scope, scope_id, period)
    return Decimal(agg["count"]) if agg["count"] else None


SOURCE = _(
    "Almens grønne drift: målernes aflæsninger (indtastet, importeret eller via API), "
    "omregnet til måneder, og de versionerede emissionsfaktorer."
)
MEASURES_SOURCE = _("Almens register over grønne tiltag.")
REGISTER_SOURCE = _("Almens grønne drift og registeret over bygninger og lejemål.")
MONTHS = _(
    "En måned tæller med, når dens første dag ligger i perioden. Kun hovedmålere tælles "
    "(bimålere er en del af hovedmålerens forbrug). Perioder uden aflæsninger giver intet tal."
)


def _with_months(text: Promise) -> Promise:
    return format_lazy("{} {}", text, MONTHS)


def register_metrics() -> None:
    entries = [
        Metric(
            "green.co2e_total",
            _("CO2e i alt"),
            "t CO2e",
            SCOPES,
            co2e_total,
            _("Udledningen af drivhusgasser fra afdelingernes forbrug af varme, el og gas."),
            source=SOURCE,
            method=_with_months(
                _(
                    "Summen over månederne af forbrug (omregnet til kWh eller Nm³) gange årets "
                    "emissionsfaktor, i ton. Målere uden faktor tæller ikke med."
                )
            ),
        ),
        Metric(
            "green.co2e_per_m2",
            _("CO2e pr. m²"),
            "kg CO2e/m²",
            SCOPES,
            co2e_per_m2,
            _("Udledningen af drivhusgasser pr. m² opvarmet areal."),
            source=SOURCE,
            method=_with_months(
                _(
                    "kg CO2e i perioden divideret med bygningernes opvarmede areal; hvor "
                    "registeret ikke har det, summen af lejemålenes areal. To decimaler."
                )
            ),
        ),
        Metric(
            "green.heat_kwh_per_m2",
            _("Varmeforbrug pr. m²"),
            "kWh/m²",
            SCOPES,
            heat_kwh_per_m2,
            _("Fjernvarmeforbruget pr. m² opvarmet areal, graddagskorrigeret hvor muligt."),
            source=SOURCE,
            method=_with_months(
                _(
                    "Fjernvarme i kWh divideret med det opvarmede areal. Er perioden hele "
                    "kalenderår, og har standardserien af graddage (den først importerede) "
                    "alle årenes måneder, omregnes forbruget til et normalår: en fjerdedel "
                    "(varmt vand) tælles som målt, resten ganges med normalårets graddage "
                    "divideret med årets. Ellers vises det målte forbrug."
                )
            ),
        ),
        Metric(
            "green.water_m3_per_household",
            _("Vandforbrug pr. husstand"),
            "m³",
            SCOPES,
            water_m3_per_household,
            _("Vandforbruget i perioden pr. husstand."),
            source=SOURCE,
            method=_with_months(
                _(
                    "Vand i m³ divideret med antal husstande ved periodens slutning "
                    "(registerets tal). To decimaler."
                )
            ),
        ),
        Metric(
            "green.electricity_kwh_per_household",
            _("Elforbrug pr. husstand"),
            "kWh",
            SCOPES,
            electricity_kwh_per_household,
            _("Elforbruget på afdelingens målere i perioden pr. husstand."),
            source=SOURCE,
            method=_with_months(
                _(
                    "El i kWh divideret med antal husstande ved periodens slutning "
                    "(registerets tal). Hele kWh."
                )
            ),
        ),
        Metric(
            "green.label_c_or_better_share",
            _("Boliger med energimærke C eller bedre"),
            "%",
            SCOPES,
            label_c_or_better_share,
            _("Andel af boligerne i bygninger med energimærke A2020–C."),
            source=REGISTER_SOURCE,
            method=_(
                "Lejemål i bygninger, hvis gældende energimærke ved periodens slutning er C "
                "eller bedre, divideret med alle lejemål i bygninger, gange 100. Et udløbet "
                "mærke gælder ikke. Uden nogen gældende mærker er der intet tal."
            ),
        ),
        Metric(
            "green.biodiversity_m2",
            _("Areal til biodiversitet"),
            "m²",
            SCOPES,
            biodiversity_m2,
            _(
                "Areal med tiltag for biodiversitet: blomsterenge, træer, hække, vandhuller, "
                "regnbede, grønne tage m.m."
            ),
            source=MEASURES_SOURCE,
            method=_(
                "Summen af arealet (m²) af tiltag for biodiversitet, der er gennemført senest "
                "ved periodens slutning. Uden registrerede tiltag er der intet tal."
            ),
        ),
        Metric(
            "green.measure_count",
            _("Grønne tiltag"),
            "antal",
            SCOPES,
            measure_count,
            _("Antal grønne tiltag, der er gennemført."),
            source=MEASURES_SOURCE,
            method=_(
                "Tæller tiltag af alle typer, gennemført senest ved periodens slutning. Uden "
                "registrerede tiltag er der intet tal."
            ),
        ),
    ]
    for metric in entries:
        metrics.register(metric)
