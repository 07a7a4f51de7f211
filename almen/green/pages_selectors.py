"""What grøn drift's pages read: an estate's year (consumption, CO2e, per m² and per
household, what went into each figure), the benchmark against similar estates, and the
roll-ups for an organisation, a municipality and the country.

Everything is read from ``MonthlyFootprint`` (never from readings, except the one
query that finds the intervals left out as negative) in a fixed number of queries,
whatever the number of meters and months.

**Data version.** ``green_data_version()`` is a counter in Django's cache, part of the
key of everything cached here (the benchmark per year, the national roll-up, the
panels, the estate and organisation pages' figures and rendered content).
``green_data_changed()`` bumps it: ``footprint.meter_refresh`` calls it, so every change
of footprints (readings typed, imported or deleted, meters created or edited,
exchanges, factors) makes the caches stale; so do an import of degree days and a
building's heated area or year (``meters_services.building_update``). What the
register changes without telling grøn drift (an estate's name, area, households and
dwellings) is part of the keys instead (``estate_year_cached``, ``estates_signature``).

**Area.** An estate's area is its dwelling area from the register (``Estate.area_m2``);
where a building has a heated area (``Building.heated_area_m2``) that is used instead of
the area of the building's dwellings.

**Peer groups** (decision 0031): estates with the same heating kind (district heating
when the year has district-heating consumption, else natural gas, else other heat),
building period (from the oldest building's ``built_year``: before 1960, 1960–1979,
1980–1999, 2000 and later, "ukendt" without years) and size (dwellings: under 50,
50–199, 200 and more). The value compared is heat per m² in the heating kind's base
unit (kWh/m² for district heating and other heat, Nm³/m² for natural gas): lower is
better. **Percentile** = 100 × (the number of other estates in the group with a lower
value) / (the number of other estates in the group), rounded to a whole number: 0 uses
the least heat per m² in its group, 100 the most. No percentile for a group of fewer
than ``MIN_PEERS`` estates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, Max, Min, Q, Sum, Window
from django.db.models.functions import Lag
from django.utils.dates import MONTHS as MONTH_NAMES
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from almen.green import footprint
from almen.green.models import (
    DegreeDay,
    DegreeDaySeries,
    EnergyKind,
    Meter,
    MeterExchange,
    MeterMode,
    MonthlyFootprint,
    Reading,
)
from almen.green.units import base_unit, factor_to_base
from almen.lib import versions
from almen.register.models import Building, Estate, Municipality, Unit

VERSION_KEY = "green:data-version"
CACHE_TTL = 60 * 60 * 6
MIN_PEERS = 5
# On public pages a municipality's figures are shown only when at least this many
# housing organisations contribute to them: never one organisation's own figures.
PUBLIC_MIN_ORGANISATIONS = 3
HEAT_KINDS = (EnergyKind.DISTRICT_HEATING, EnergyKind.NATURAL_GAS, EnergyKind.OTHER)
KIND_ORDER = [k.value for k in EnergyKind]


# --- the data version --------------------------------------------------------------


def green_data_version() -> int:
    """The counter every cached green figure's key contains."""
    return versions.current(VERSION_KEY)


def _bump() -> None:
    versions.bump(VERSION_KEY)


def green_data_changed() -> None:
    """Footprints changed: every cached benchmark, roll-up and panel is stale. Bumps at
    once and again when the transaction commits (a page computed in between must not
    keep the old figures)."""
    _bump()
    transaction.on_commit(_bump)


def cached_on_green[T](key: str, compute: Callable[[], T], timeout: int = CACHE_TTL) -> T:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    full = f"green:derived:{green_data_version()}:{digest}"
    return cast(T, cache.get_or_set(full, compute, timeout))


# --- small helpers -------------------------------------------------------------------


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def per(value: Decimal | None, by: Decimal | int | None) -> Decimal | None:
    if value is None or not by:
        return None
    return Decimal(value) / Decimal(by)


def round_half_up(value: Decimal, places: int = 1) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def kind_sort(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def areas_for(estate_filter: Q) -> dict[int, Decimal]:
    """The area (m²) of the estates ``estate_filter`` selects (on ``Estate``): two
    queries. The register's dwelling area, with a building's heated area in place of
    its dwellings' area where the building has one."""
    areas = {
        pk: Decimal(area or 0)
        for pk, area in Estate.objects.filter(estate_filter).values_list("pk", "area_m2")
    }
    heated: dict[int, Decimal] = defaultdict(Decimal)
    building_filter = Q(heated_area_m2__isnull=False) & Q(estate_id__in=list(areas))
    for estate_id, area in Building.objects.filter(building_filter).values_list(
        "estate_id", "heated_area_m2"
    ):
        heated[estate_id] += area or Decimal(0)
    units = Unit.objects.filter(
        building__heated_area_m2__isnull=False, estate_id__in=list(heated)
    ).values("estate_id")
    if heated:
        for row in units.annotate(area=Sum("area_m2")):
            heated[row["estate_id"]] -= row["area"] or 0
        for estate_id, delta in heated.items():
            areas[estate_id] = areas.get(estate_id, Decimal(0)) + delta
    return areas


def estate_area(estate: Estate) -> Decimal:
    """One estate's area: two queries (``areas_for``'s second only with heated areas)."""
    heated: list[Decimal] = [
        a
        for a in Building.objects.filter(estate=estate, heated_area_m2__isnull=False).values_list(
            "heated_area_m2", flat=True
        )
        if a is not None
    ]
    area = Decimal(estate.area_m2 or 0)
    if heated:
        dwellings = Unit.objects.filter(
            estate=estate, building__heated_area_m2__isnull=False
        ).aggregate(area=Sum("area_m2"))["area"]
        area += sum(heated, Decimal(0)) - Decimal(dwellings or 0)
    return area


# --- peer groups -----------------------------------------------------------------------

PERIODS = [
    ("before_1960", _("opført før 1960")),
    ("1960_1979", _("opført 1960–1979")),
    ("1980_1999", _("opført 1980–1999")),
    ("2000_", _("opført i 2000 eller senere")),
    ("unknown", _("med ukendt opførelsesår")),
]
SIZES = [
    ("lt50", _("med under 50 boliger")),
    ("50_199", _("med 50–199 boliger")),
    ("200_", _("med 200 boliger eller flere")),
]


def building_period(year: int | None) -> str:
    if year is None:
        return "unknown"
    if year < 1960:
        return "before_1960"
    if year < 1980:
        return "1960_1979"
    if year < 2000:
        return "1980_1999"
    return "2000_"


def size_band(units: int) -> str:
    if units < 50:
        return "lt50"
    if units < 200:
        return "50_199"
    return "200_"


def heating_kind(heat: dict[str, Decimal]) -> str | None:
    for kind in HEAT_KINDS:
        if heat.get(kind):
            return kind
    return None


@dataclass(frozen=True)
class PeerKey:
    heating: str
    period: str
    size: str


@dataclass
class Benchmarks:
    """One year's benchmark: each benchmarked estate's group and value, and each
    group's sorted values."""

    year: int
    estates: dict[int, tuple[PeerKey, Decimal]] = field(default_factory=dict)
    groups: dict[PeerKey, list[Decimal]] = field(default_factory=dict)


def compute_benchmarks(year: int) -> Benchmarks:
    """Four queries, whatever the number of estates: heat per estate and kind (grouped),
    the estates' dwellings and areas (``areas_for``) and the oldest building per estate."""
    start, end = year_bounds(year)
    heat: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row in (
        MonthlyFootprint.objects.filter(
            month__gte=start, month__lt=end, is_sub_meter=False, kind__in=HEAT_KINDS
        )
        .values("estate_id", "kind")
        .annotate(total=Sum("consumption"))
        .order_by()
    ):
        heat[row["estate_id"]][row["kind"]] = row["total"] or Decimal(0)
    if not heat:
        return Benchmarks(year)
    units = dict(Estate.objects.filter(pk__in=list(heat)).values_list("pk", "unit_count"))
    oldest = dict(
        Building.objects.filter(estate_id__in=list(heat), built_year__isnull=False)
        .values("estate_id")
        .annotate(first=Min("built_year"))
        .values_list("estate_id", "first")
        .order_by()
    )
    areas = areas_for(Q(pk__in=list(heat)))
    result = Benchmarks(year)
    groups: dict[PeerKey, list[Decimal]] = defaultdict(list)
    for estate_id, kinds in heat.items():
        kind = heating_kind(kinds)
        area = areas.get(estate_id)
        if kind is None or not area or area <= 0:
            continue
        key = PeerKey(
            kind, building_period(oldest.get(estate_id)), size_band(units.get(estate_id, 0))
        )
        value = kinds[kind] / area
        result.estates[estate_id] = (key, value)
        groups[key].append(value)
    result.groups = {k: sorted(v) for k, v in groups.items()}
    return result


def benchmarks(year: int) -> Benchmarks:
    """``compute_benchmarks`` cached per year until footprints change."""
    return cached_on_green(f"benchmarks:{year}", lambda: compute_benchmarks(year))


def percentile(value: Decimal, values: list[Decimal]) -> int | None:
    """100 × (others with a lower value) / (others); None for fewer than MIN_PEERS."""
    if len(values) < MIN_PEERS:
        return None
    lower = sum(1 for v in values if v < value)
    return int(round_half_up(Decimal(100 * lower) / Decimal(len(values) - 1), 0))


@dataclass
class EstateBenchmark:
    key: PeerKey
    value: Decimal
    unit: str
    size: int
    percentile: int | None
    median: Decimal
    quartile: Decimal  # the value the best quarter of the group stays under
    lowest: Decimal
    highest: Decimal

    @property
    def heating_label(self) -> str:
        return str(EnergyKind(self.key.heating).label)

    @property
    def period_label(self) -> str:
        return str(dict(PERIODS)[self.key.period])

    @property
    def size_label(self) -> str:
        return str(dict(SIZES)[self.key.size])


def _quantile(values: list[Decimal], q: Decimal) -> Decimal:
    """Linear interpolation between the sorted values (as spreadsheets' PERCENTILE)."""
    pos = (len(values) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


def estate_benchmark(estate_id: int, year: int) -> EstateBenchmark | None:
    found = benchmarks(year)
    entry = found.estates.get(estate_id)
    if entry is None:
        return None
    key, value = entry
    values = found.groups[key]
    return EstateBenchmark(
        key=key,
        value=value,
        unit=f"{unit_text(base_unit(key.heating))}/m²",
        size=len(values),
        percentile=percentile(value, values),
        median=_quantile(values, Decimal("0.5")),
        quartile=_quantile(values, Decimal("0.25")),
        lowest=values[0],
        highest=values[-1],
    )


# --- degree days ------------------------------------------------------------------------


@dataclass
class DegreeDays:
    series: DegreeDaySeries
    year: int
    months: int
    actual: Decimal | None  # the year's sum, when all twelve months are there


def degree_days(year: int) -> DegreeDays | None:
    """The default series (``settings.GREEN_DEGREE_DAY_SERIES`` by name, else the first
    by name) and the year's degree days: two queries."""
    name = getattr(settings, "GREEN_DEGREE_DAY_SERIES", "")
    series = None
    if name:
        series = DegreeDaySeries.objects.filter(name=name).first()
    if series is None:
        series = DegreeDaySeries.objects.order_by("name").first()
    if series is None:
        return None
    start, end = year_bounds(year)
    days = DegreeDay.objects.filter(series=series, month__gte=start, month__lt=end).aggregate(
        total=Sum("value"), n=Count("pk")
    )
    n = int(days["n"] or 0)
    total = days["total"]
    return DegreeDays(series, year, n, total if n == 12 and total and total > 0 else None)


# --- an estate's year ---------------------------------------------------------------------

MONTHS = range(1, 13)


@dataclass
class FactorUsed:
    value: Decimal
    unit: str
    year: int
    version: int
    source: str
    source_url: str
    older: bool  # a factor of an earlier year, as the year has none

    @property
    def value_text(self) -> str:
        """0,05695 (as written, no trailing zeros; Danish decimal comma)."""
        return plain_number(self.value)


@dataclass
class MeterNote:
    number: str
    name: str
    unit: str
    base: str
    to_base: Decimal
    is_sub: bool
    parent_number: str
    missing_months: list[dt.date] = field(default_factory=list)
    partial_months: list[dt.date] = field(default_factory=list)
    without_factor_months: int = 0
    negative: int = 0

    @property
    def converted(self) -> bool:
        return self.unit != self.base


@dataclass
class KindFigures:
    kind: str
    unit: str
    consumption: Decimal = Decimal(0)
    kg_co2e: Decimal = Decimal(0)
    kg_missing: bool = False  # some months have no factor
    months: dict[int, Decimal] = field(default_factory=dict)  # this year, by month
    last_year: dict[int, Decimal] = field(default_factory=dict)
    factors: list[FactorUsed] = field(default_factory=list)
    meters: list[MeterNote] = field(default_factory=list)
    per_m2: Decimal | None = None
    per_household: Decimal | None = None
    kg_per_m2: Decimal | None = None
    normalised: Decimal | None = None

    @property
    def label(self) -> str:
        return str(EnergyKind(self.kind).label)

    @property
    def is_heat(self) -> bool:
        return self.kind == EnergyKind.DISTRICT_HEATING

    @property
    def shown_consumption(self) -> Decimal:
        """Heat in MWh on the page, everything else in its base unit."""
        return self.consumption / 1000 if self.is_heat else self.consumption

    @property
    def shown_unit(self) -> str:
        return "MWh" if self.is_heat else unit_text(self.unit)

    @property
    def per_format(self) -> str:
        """Small figures per m² or household (water, a little electricity) keep two
        decimals; the rest one."""
        small = min((v for v in (self.per_m2, self.per_household) if v is not None), default=10)
        return "2g" if small < 10 else "1g"

    @property
    def per_unit_text(self) -> str:
        return unit_text(self.unit)

    @property
    def tons(self) -> Decimal:
        return self.kg_co2e / 1000

    @property
    def has_water_without_factor(self) -> bool:
        return self.kind == EnergyKind.WATER and not self.factors

    @property
    def month_rows(self) -> list[tuple[int, str, Decimal | None, Decimal | None]]:
        """(month, its name, this year, last year) in the base unit."""
        return [(m, str(MONTH_NAMES[m]), self.months.get(m), self.last_year.get(m)) for m in MONTHS]

    @property
    def shown_month_rows(self) -> list[tuple[str, Decimal | None, Decimal | None]]:
        """As on the page: heat in MWh."""
        d = Decimal(1000) if self.is_heat else Decimal(1)
        return [
            (name, None if a is None else a / d, None if b is None else b / d)
            for _m, name, a, b in self.month_rows
        ]

    @property
    def meters_without_factor(self) -> list[MeterNote]:
        return [m for m in self.meters if m.without_factor_months and not m.is_sub]

    @property
    def sub_meters(self) -> list[MeterNote]:
        return [m for m in self.meters if m.is_sub]

    @property
    def negative(self) -> int:
        return sum(m.negative for m in self.meters)


def plain_number(value: Decimal) -> str:
    normal = Decimal(value).normalize()
    places = max(-normal.as_tuple().exponent, 0)  # type: ignore[operator]
    return number_format(normal, decimal_pos=places, force_grouping=True)


def unit_text(unit: str) -> str:
    return {"m3": "m³", "Nm3": "Nm³", "l": "liter"}.get(unit, unit)


@dataclass
class EstateYear:
    estate: Estate
    year: int
    years: list[int]
    area: Decimal
    households: int
    kinds: list[KindFigures]
    trend: list[tuple[int, Decimal]]  # (year, kg CO2e) for every year with data
    degree_days: DegreeDays | None
    benchmark: EstateBenchmark | None
    share: Decimal = footprint.WEATHER_INDEPENDENT_SHARE

    @property
    def kg_co2e(self) -> Decimal:
        return sum((k.kg_co2e for k in self.kinds), Decimal(0))

    @property
    def tons(self) -> Decimal:
        return self.kg_co2e / 1000

    @property
    def kg_per_m2(self) -> Decimal | None:
        return per(self.kg_co2e, self.area)

    @property
    def kg_per_household(self) -> Decimal | None:
        return per(self.kg_co2e, self.households)

    @property
    def heat(self) -> KindFigures | None:
        return next((k for k in self.kinds if k.is_heat), None)

    @property
    def share_percent(self) -> int:
        return int(self.share * 100)

    @property
    def has_data(self) -> bool:
        return bool(self.kinds)

    @property
    def year_text(self) -> str:
        return str(self.year)

    @property
    def trend_rows(self) -> list[tuple[int, Decimal]]:
        return [(y, kg / 1000) for y, kg in self.trend]


def default_year(years_complete: dict[int, int], today: dt.date) -> int:
    """The last complete year (twelve months of some kind) before this one, else the
    latest year with data, else last year."""
    complete = [y for y, n in years_complete.items() if n >= 12 and y < today.year]
    if complete:
        return max(complete)
    if years_complete:
        return max(years_complete)
    return today.year - 1


def estate_years(estate: Estate) -> tuple[dict[int, int], list[tuple[int, str, Decimal]]]:
    """One query: per year and kind, the months with data and the kg CO2e (the trend
    and the year selector)."""
    rows = (
        MonthlyFootprint.objects.filter(estate=estate, is_sub_meter=False)
        .values("month", "kind")
        .annotate(kg=Sum("kg_co2e"))
        .order_by()
    )
    per_kind: dict[tuple[int, str], int] = defaultdict(int)
    kg: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for r in rows:
        key = (r["month"].year, r["kind"])
        per_kind[key] += 1
        kg[key] += r["kg"] or Decimal(0)
    months: dict[int, int] = {}
    for (y, _kind), n in per_kind.items():
        months[y] = max(months.get(y, 0), n)
    trend = [(y, k, kg[(y, k)]) for y, k in sorted(kg)]
    return months, trend


def negative_intervals(meter_ids: list[int], year: int) -> dict[int, int]:
    """Readings whose interval ends in ``year`` and was left out as negative: register
    readings lower than the one before (without an exchange between), interval
    readings below zero. Three queries. Register readings from a month before the year
    are read so that the year's first interval is compared too."""
    if not meter_ids:
        return {}
    start, end = year_bounds(year)
    since = footprint._aware(start - dt.timedelta(days=31))
    lo, hi = footprint._aware(start), footprint._aware(end)
    found: dict[int, int] = defaultdict(int)
    drops = (
        Reading.objects.filter(
            meter_id__in=meter_ids, meter__mode=MeterMode.CUMULATIVE, at__gte=since, at__lte=hi
        )
        .annotate(
            prev=Window(Lag("value"), partition_by=[F("meter_id")], order_by=F("at").asc()),
            prev_at=Window(Lag("at"), partition_by=[F("meter_id")], order_by=F("at").asc()),
        )
        .filter(value__lt=F("prev"))
        .values_list("meter_id", "at", "prev_at")
    )
    drops_list = [(m, a, p) for m, a, p in drops if a > lo]
    if drops_list:
        exchanges = defaultdict(list)
        for meter_id, on in MeterExchange.objects.filter(
            meter_id__in={m for m, _, _ in drops_list}
        ).values_list("meter_id", "on"):
            exchanges[meter_id].append(on)
        for meter_id, at, prev_at in drops_list:
            if not any(prev_at < on < at for on in exchanges[meter_id]):
                found[meter_id] += 1
    for meter_id, n in (
        Reading.objects.filter(
            meter_id__in=meter_ids,
            meter__mode=MeterMode.INTERVAL,
            value__lt=0,
            at__gt=lo,
            at__lte=hi,
        )
        .values("meter_id")
        .annotate(n=Count("pk"))
        .values_list("meter_id", "n")
        .order_by()
    ):
        found[meter_id] += n
    return found


def estate_year(estate: Estate, year: int | None, today: dt.date) -> EstateYear:
    """An estate's year. A fixed number of queries: the years (1), meters (1), the two
    years' months with their factors (1), the area (≤ 2), degree days (≤ 2), negative
    intervals (≤ 3) and the benchmark (cached; 4 when computed)."""
    completeness, trend_rows = estate_years(estate)
    if year is None:
        year = default_year(completeness, today)
    meters = list(
        Meter.objects.filter(estate=estate)
        .values("pk", "number", "name", "kind", "unit", "parent_id")
        .order_by("kind", "number")
    )
    numbers = {m["pk"]: m["number"] for m in meters}
    start, _ = year_bounds(year - 1)
    _, end = year_bounds(year)
    rows = MonthlyFootprint.objects.filter(estate=estate, month__gte=start, month__lt=end).values(
        "meter_id",
        "kind",
        "month",
        "consumption",
        "kg_co2e",
        "coverage",
        "is_sub_meter",
        "factor_id",
        "factor__kg_co2e_per_unit",
        "factor__year",
        "factor__version",
        "factor__source",
        "factor__source_url",
    )
    kinds: dict[str, KindFigures] = {}
    notes: dict[int, MeterNote] = {}
    seen: dict[int, set[int]] = defaultdict(set)
    factors: dict[str, dict[int, FactorUsed]] = defaultdict(dict)
    for m in meters:
        notes[m["pk"]] = MeterNote(
            number=m["number"],
            name=m["name"],
            unit=m["unit"],
            base=base_unit(m["kind"]),
            to_base=factor_to_base(m["kind"], m["unit"]),
            is_sub=m["parent_id"] is not None,
            parent_number=numbers.get(m["parent_id"], ""),
        )
    for r in rows:
        kind = kinds.setdefault(r["kind"], KindFigures(r["kind"], base_unit(r["kind"])))
        month = r["month"]
        if month.year != year:
            if not r["is_sub_meter"]:
                kind.last_year[month.month] = (
                    kind.last_year.get(month.month, Decimal(0)) + (r["consumption"])
                )
            continue
        note = notes[r["meter_id"]]
        seen[r["meter_id"]].add(month.month)
        if r["coverage"] < 1:
            note.partial_months.append(month)
        if r["is_sub_meter"]:
            continue
        kind.consumption += r["consumption"]
        kind.months[month.month] = kind.months.get(month.month, Decimal(0)) + r["consumption"]
        if r["kg_co2e"] is not None:
            kind.kg_co2e += r["kg_co2e"]
        if r["factor_id"] is None:
            if r["kind"] != EnergyKind.WATER:
                note.without_factor_months += 1
                kind.kg_missing = True
        elif r["factor_id"] not in factors[r["kind"]]:
            factors[r["kind"]][r["factor_id"]] = FactorUsed(
                value=r["factor__kg_co2e_per_unit"],
                unit=unit_text(base_unit(r["kind"])),
                year=r["factor__year"],
                version=r["factor__version"],
                source=r["factor__source"],
                source_url=r["factor__source_url"],
                older=r["factor__year"] != year,
            )
    # Meters of a kind that has months this year: which months they lack.
    negatives = negative_intervals([m["pk"] for m in meters], year)
    for m in meters:
        note = notes[m["pk"]]
        note.negative = negatives.get(m["pk"], 0)
        if m["kind"] not in kinds:
            if note.negative:
                kinds[m["kind"]] = KindFigures(m["kind"], base_unit(m["kind"]))
            else:
                continue
        note.missing_months = [dt.date(year, n, 1) for n in MONTHS if n not in seen[m["pk"]]]
        note.partial_months.sort()
        kinds[m["kind"]].meters.append(note)
    area = estate_area(estate)
    households = estate.household_count or 0
    dd = degree_days(year) if EnergyKind.DISTRICT_HEATING in kinds else None
    for kind in kinds.values():
        kind.factors = sorted(factors[kind.kind].values(), key=lambda f: (f.year, f.version))
        kind.per_m2 = per(kind.consumption, area)
        kind.per_household = per(kind.consumption, households)
        kind.kg_per_m2 = per(kind.kg_co2e, area) if kind.kg_co2e else None
        if kind.is_heat and dd is not None and dd.actual is not None:
            kind.normalised = footprint.normalise(
                kind.consumption, actual=dd.actual, normal=dd.series.normal_year
            )
    trend: dict[int, Decimal] = defaultdict(Decimal)
    for y, _kind, kg in trend_rows:
        trend[y] += kg
    return EstateYear(
        estate=estate,
        year=year,
        years=sorted(set(completeness) | {year}, reverse=True),
        area=area,
        households=households,
        kinds=sorted(kinds.values(), key=lambda k: kind_sort(k.kind)),
        trend=sorted(trend.items()),
        degree_days=dd,
        benchmark=estate_benchmark(estate.pk, year),
    )


def estate_year_cached(estate: Estate, year: int | None, today: dt.date) -> EstateYear:
    """``estate_year`` cached until green data change (``cached_on_green``), per
    estate, year asked for, today's year (the default year depends on it) and the
    register's figures of the estate row it uses (area, households, dwellings: the
    register's recount does not bump the green version). The cached copy's estate is
    replaced by the one the request fetched, so names are always current."""
    key = (
        f"estate-year:{estate.pk}:{year or ''}:{today.year}:"
        f"{estate.area_m2}:{estate.household_count}:{estate.unit_count}"
    )
    ey = cached_on_green(key, lambda: estate_year(estate, year, today))
    return replace(ey, estate=estate)


# --- roll-ups ----------------------------------------------------------------------------


@dataclass
class RollupRow:
    """One estate's, organisation's, municipality's or region's year."""

    key: Any
    name: str
    kg_co2e: Decimal = Decimal(0)
    consumption: dict[str, Decimal] = field(default_factory=dict)
    area: Decimal | None = None
    estates: int = 0
    organisations: int = 0
    incomplete: int = 0  # meter-months missing or partly covered
    without_factor: int = 0  # months without a factor (not water)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def tons(self) -> Decimal:
        return self.kg_co2e / 1000

    @property
    def kg_per_m2(self) -> Decimal | None:
        return per(self.kg_co2e, self.area) if self.consumption else None

    @property
    def heat_mwh(self) -> Decimal | None:
        v = self.consumption.get(EnergyKind.DISTRICT_HEATING)
        return v / 1000 if v is not None else None

    @property
    def heat_per_m2(self) -> Decimal | None:
        return per(self.consumption.get(EnergyKind.DISTRICT_HEATING), self.area)

    @property
    def electricity_mwh(self) -> Decimal | None:
        v = self.consumption.get(EnergyKind.ELECTRICITY)
        return v / 1000 if v is not None else None

    @property
    def water_m3(self) -> Decimal | None:
        return self.consumption.get(EnergyKind.WATER)


@dataclass
class Totals:
    kinds: list[tuple[str, str, Decimal, Decimal]]  # kind, base unit, consumption, kg

    @property
    def kg_co2e(self) -> Decimal:
        return sum((k[3] for k in self.kinds), Decimal(0))

    @property
    def tons(self) -> Decimal:
        return self.kg_co2e / 1000

    @property
    def rows(self) -> list[dict[str, Any]]:
        result = []
        for kind, unit, consumption, kg in self.kinds:
            heat = kind in (EnergyKind.DISTRICT_HEATING, EnergyKind.ELECTRICITY)
            result.append(
                {
                    "kind": kind,
                    "label": str(EnergyKind(kind).label),
                    "consumption": consumption / 1000 if heat else consumption,
                    "unit": "MWh" if heat else unit_text(unit),
                    "tons": kg / 1000,
                    # No factor at all (water): no CO2e, rather than 0.
                    "no_co2e": not kg and bool(consumption),
                }
            )
        return result


def trend_for(scope_filter: Q) -> list[tuple[int, Decimal]]:
    """kg CO2e per year: one query grouped by month (a plain column the scope's
    (scope, month) index serves; a year function would be computed on every row)."""
    rows = (
        MonthlyFootprint.objects.filter(scope_filter, is_sub_meter=False)
        .values("month")
        .annotate(kg=Sum("kg_co2e"))
        .order_by()
    )
    years: dict[int, Decimal] = defaultdict(Decimal)
    for r in rows:
        years[r["month"].year] += r["kg"] or Decimal(0)
    return sorted(years.items())


def years_with_data(scope_filter: Q) -> list[int]:
    """The years from the first month with data to the last: one query on the month
    index (for the national page, where a trend would read every row)."""
    span = MonthlyFootprint.objects.filter(scope_filter).aggregate(
        first=Min("month"), last=Max("month")
    )
    if span["first"] is None:
        return []
    return list(range(span["first"].year, span["last"].year + 1))


def kind_totals(scope_filter: Q, year: int) -> Totals:
    start, end = year_bounds(year)
    rows = (
        MonthlyFootprint.objects.filter(
            scope_filter, month__gte=start, month__lt=end, is_sub_meter=False
        )
        .values("kind")
        .annotate(c=Sum("consumption"), kg=Sum("kg_co2e"))
        .order_by()
    )
    kinds = [
        (r["kind"], base_unit(r["kind"]), r["c"] or Decimal(0), r["kg"] or Decimal(0)) for r in rows
    ]
    return Totals(sorted(kinds, key=lambda k: kind_sort(k[0])))


def latest_year(scope_filter: Q, today: dt.date) -> int:
    """The last year before this one with data, else this year if it has data, else
    last year: one query (two when only this year has data)."""
    before = MonthlyFootprint.objects.filter(scope_filter, month__lt=dt.date(today.year, 1, 1))
    last = before.aggregate(m=Max("month"))["m"]
    if last is not None:
        return int(last.year)
    if MonthlyFootprint.objects.filter(scope_filter).exists():
        return today.year
    return today.year - 1


def organisation_estates(organisation_id: int, year: int) -> list[RollupRow]:
    """Each estate of the organisation in ``year``: three queries (estates, one grouped
    query over the months by estate, meter and kind, and the areas' two)."""
    estates = list(
        Estate.objects.filter(organisation_id=organisation_id)
        .values("pk", "number", "name", "household_count")
        .order_by("number")
    )
    rows = {
        e["pk"]: RollupRow(
            key=e["number"], name=e["name"], extra={"households": e["household_count"]}
        )
        for e in estates
    }
    start, end = year_bounds(year)
    per_meter = (
        MonthlyFootprint.objects.filter(
            organisation_id=organisation_id, month__gte=start, month__lt=end, is_sub_meter=False
        )
        .values("estate_id", "meter_id", "kind")
        .annotate(
            c=Sum("consumption"),
            kg=Sum("kg_co2e"),
            n=Count("pk"),
            partial=Count("pk", filter=Q(coverage__lt=1)),
            nofactor=Count("pk", filter=Q(factor__isnull=True) & ~Q(kind=EnergyKind.WATER)),
        )
        .order_by()
    )
    for r in per_meter:
        row = rows.get(r["estate_id"])
        if row is None:
            continue
        row.consumption[r["kind"]] = row.consumption.get(r["kind"], Decimal(0)) + (r["c"] or 0)
        row.kg_co2e += r["kg"] or 0
        row.incomplete += (12 - r["n"]) + r["partial"]
        row.without_factor += r["nofactor"]
    areas = areas_for(Q(organisation_id=organisation_id))
    for pk, row in rows.items():
        row.area = areas.get(pk)
        row.estates = 1
    return list(rows.values())


def estates_signature(organisation_id: int) -> str:
    """What the organisation page shows of its estates' register rows (number, name,
    dwelling area, households), as a short digest: one query. Part of the cached
    organisation page's key, as a rename or the register's recount does not bump the
    green version."""
    rows = (
        Estate.objects.filter(organisation_id=organisation_id)
        .order_by("pk")
        .values_list("pk", "number", "name", "area_m2", "household_count")
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()[:16]


def organisation_year_cached(
    organisation: Any, year: int | None, today: dt.date, signature: str
) -> dict[str, Any]:
    """The organisation page's figures (the year, each estate's row, the totals by
    kind, the trend), cached until green data change, per organisation, year asked
    for (else the latest with data, which depends on today's year) and its estates'
    ``signature``."""

    def compute() -> dict[str, Any]:
        scope = Q(organisation_id=organisation.pk)
        shown = year or latest_year(scope, today)
        return {
            "year": shown,
            "rows": organisation_estates(organisation.pk, shown),
            "totals": kind_totals(scope, shown),
            "trend": trend_for(scope),
        }

    key = f"organisation-year:{organisation.pk}:{year or ''}:{today.year}:{signature}"
    return {"organisation": organisation, **cached_on_green(key, compute)}


def group_rollup(scope_filter: Q, year: int, by: str) -> list[dict[str, Any]]:
    """One grouped query: per ``by`` (a MonthlyFootprint field) and kind, consumption,
    kg CO2e and the estates and organisations that have months in the year."""
    start, end = year_bounds(year)
    return list(
        MonthlyFootprint.objects.filter(
            scope_filter, month__gte=start, month__lt=end, is_sub_meter=False
        )
        .values(by, "kind")
        .annotate(
            c=Sum("consumption"),
            kg=Sum("kg_co2e"),
            estates=Count("estate_id", distinct=True),
            organisations=Count("organisation_id", distinct=True),
        )
        .order_by()
    )


def _rows_from(groups: list[dict[str, Any]], by: str, names: dict[Any, str]) -> list[RollupRow]:
    rows: dict[Any, RollupRow] = {}
    for g in groups:
        key = g[by]
        row = rows.setdefault(key, RollupRow(key=key, name=names.get(key, str(key))))
        row.consumption[g["kind"]] = g["c"] or Decimal(0)
        row.kg_co2e += g["kg"] or 0
        # An estate (an organisation) counts once: the most of any kind is a lower bound.
        row.estates = max(row.estates, g["estates"])
        row.organisations = max(row.organisations, g["organisations"])
    return sorted(rows.values(), key=lambda r: r.name)


def municipality_rollup(municipality_id: int, year: int) -> list[RollupRow]:
    """Per organisation in the municipality: one grouped query, and the names."""
    from almen.register.models import Organisation

    groups = group_rollup(Q(municipality_id=municipality_id), year, "organisation_id")
    ids = {g["organisation_id"] for g in groups}
    names = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
    cvrs = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "cvr"))
    rows = _rows_from(groups, "organisation_id", names)
    for r in rows:
        r.extra["cvr"] = cvrs.get(r.key, "")
    return rows


@dataclass
class NationalRollup:
    year: int
    municipalities: list[RollupRow]
    regions: list[RollupRow]

    @property
    def totals(self) -> RollupRow:
        total = RollupRow(key="", name="")
        for r in self.regions:
            total.kg_co2e += r.kg_co2e
            for k, v in r.consumption.items():
                total.consumption[k] = total.consumption.get(k, Decimal(0)) + v
            total.estates += r.estates
            total.organisations += r.organisations
        return total


def national_rollup(year: int) -> NationalRollup:
    """The country's year per municipality and region: one grouped query over the
    year's months (by municipality and kind) and one for the municipalities' names.
    Not cached here (``national_rollup_cached`` is)."""
    groups = group_rollup(Q(), year, "municipality_id")
    info = {
        pk: (name, code, region)
        for pk, name, code, region in Municipality.objects.values_list(
            "pk", "name", "code", "region"
        )
    }
    municipalities = _rows_from(groups, "municipality_id", {k: v[0] for k, v in info.items()})
    regions: dict[str, RollupRow] = {}
    from almen.register.models import Region

    labels = dict(Region.choices)
    for row in municipalities:
        _name, code, region = info.get(row.key, ("", "", ""))
        row.extra["code"] = code
        row.extra["region"] = region
        reg = regions.setdefault(
            region, RollupRow(key=region, name=str(labels.get(region, region)))
        )
        reg.kg_co2e += row.kg_co2e
        for k, v in row.consumption.items():
            reg.consumption[k] = reg.consumption.get(k, Decimal(0)) + v
        reg.estates += row.estates
        reg.organisations += row.organisations  # an organisation in two municipalities counts twice
    return NationalRollup(
        year=year,
        municipalities=municipalities,
        regions=sorted(regions.values(), key=lambda r: r.name),
    )


def national_rollup_cached(year: int) -> NationalRollup:
    return cached_on_green(f"national:{year}", lambda: national_rollup(year))
