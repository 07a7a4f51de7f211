"""From readings to monthly consumption and CO2e, and the roll-ups every page reads.

**Consumption.** A cumulative meter's consumption between two readings is the later
value minus the earlier one, spread over the time between them in proportion to time
(a reading on 15 March and one on 15 April give half the difference to March and
half to April). A meter exchange between two readings splits the interval: the old
meter's last value minus the earlier reading, then the later reading minus the new
meter's first value. A negative difference without an exchange (a rollover or an
unrecorded replacement) is left out and counted in ``Series.rejected``. An interval
meter's readings are consumption already and are spread the same way. Each month
records its *coverage*: the share of the month that readings cover.

**CO2e.** Each month's consumption, converted to the kind's base unit, times the
emission factor for its year (``factor_for``): the organisation's own plant
declaration, then the national one for the supplier, then the national one for the
kind and price area; a factor of an earlier year is used when the year has none
(the explanation says so); with none, kg CO2e is empty and the meter is named as
"without a factor". Sub-meters get months too, marked ``is_sub_meter``, and totals
leave them out.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from almen.green.models import (
    DegreeDay,
    DegreeDaySeries,
    EmissionFactor,
    EnergyKind,
    FactorMethod,
    Meter,
    MeterExchange,
    MeterMode,
    MonthlyFootprint,
    PriceArea,
)
from almen.green.units import base_unit, factor_to_base
from almen.lib.bulk import insert_rows
from almen.register.models import Region

# The share of district heating that goes to hot water and does not depend on the
# weather: degree-day normalisation scales only the rest (decision 0031).
WEATHER_INDEPENDENT_SHARE = Decimal("0.25")

DK1_REGIONS = frozenset({Region.NORDJYLLAND, Region.MIDTJYLLAND, Region.SYDDANMARK})


def price_area_for_region(region: str) -> str:
    """West of the Great Belt (Jutland and Funen) is DK1, the rest DK2."""
    return PriceArea.DK1 if region in DK1_REGIONS else PriceArea.DK2


# --- months -------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _aware(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=timezone.get_current_timezone())


@dataclass
class Series:
    """A meter's months: consumption in the meter's own unit, coverage in seconds."""

    consumption: dict[dt.date, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    covered: dict[dt.date, float] = field(default_factory=lambda: defaultdict(float))
    rejected: int = 0  # intervals left out (negative without an exchange)

    def coverage(self, month: dt.date) -> Decimal:
        seconds = (_aware(next_month(month)) - _aware(month)).total_seconds()
        return min(Decimal(1), Decimal(str(round(self.covered.get(month, 0.0) / seconds, 4))))


@functools.lru_cache(maxsize=4096)
def _month_bounds(month: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    following = next_month(month)
    return (
        dt.datetime(month.year, month.month, 1, tzinfo=tz),
        dt.datetime(following.year, following.month, 1, tzinfo=tz),
    )


def spread(
    series: Series,
    start: dt.datetime,
    end: dt.datetime,
    amount: Decimal,
    tz: dt.tzinfo | None = None,
) -> None:
    """Add ``amount`` over ``start``–``end`` to the months it overlaps, by time
    (``tz``: the current time zone, looked up once by a caller with many readings)."""
    tz = tz or timezone.get_current_timezone()
    # In local time throughout, as the months are: readings come from the database in
    # UTC, and an aware UTC time minus a local one is elapsed time, so a reading on 1
    # March and one on 1 April would cover an hour less than March (summer time).
    start, end = start.astimezone(tz), end.astimezone(tz)
    total = (end - start).total_seconds()
    if total <= 0:
        return
    month = month_start(start.date())
    first, following = _month_bounds(month, tz)
    if first <= start and end <= following:
        # Inside one month (hourly and daily readings): what the loop below does for
        # it, without its time-zone arithmetic (an import's refresh of hourly data).
        series.consumption[month] += amount
        series.covered[month] += total
        return
    while True:
        m_start = max(start, _aware(month))
        m_end = min(end, _aware(next_month(month)))
        if m_end > m_start:
            part = (m_end - m_start).total_seconds()
            if part == total:
                series.consumption[month] += amount
            else:
                series.consumption[month] += amount * Decimal(part) / Decimal(total)
            series.covered[month] += part
        if _aware(next_month(month)) >= end:
            break
        month = next_month(month)


def cumulative_series(
    readings: Sequence[tuple[dt.datetime, Decimal]],
    exchanges: Sequence[tuple[dt.datetime, Decimal, Decimal]] = (),
) -> Series:
    """Months from register readings ``(at, value)`` sorted by time and exchanges
    ``(on, old_end, new_start)``."""
    series = Series()
    tz = timezone.get_current_timezone()
    ex = sorted(exchanges)
    i = 0
    for (t0, v0), (t1, v1) in itertools.pairwise(readings):
        while i < len(ex) and ex[i][0] <= t0:
            i += 1
        between = []
        while i < len(ex) and ex[i][0] < t1:
            between.append(ex[i])
            i += 1
        pieces: list[tuple[dt.datetime, dt.datetime, Decimal]] = []
        at, value = t0, v0
        for on, old_end, new_start in between:
            pieces.append((at, on, old_end - value))
            at, value = on, new_start
        pieces.append((at, t1, v1 - value))
        if any(delta < 0 for _, _, delta in pieces):
            series.rejected += 1
            continue
        for a, b, delta in pieces:
            spread(series, a, b, delta, tz)
    return series


def interval_series(readings: Iterable[tuple[dt.datetime, dt.datetime, Decimal]]) -> Series:
    series = Series()
    tz = timezone.get_current_timezone()
    for start, end, value in readings:
        if value < 0:
            series.rejected += 1
            continue
        spread(series, start, end, value, tz)
    return series


def meter_series(meter: Meter) -> Series:
    if meter.mode == MeterMode.INTERVAL:
        rows = meter.readings.order_by("at").values_list("start", "at", "value")
        return interval_series((s, a, v) for s, a, v in rows if s is not None)
    readings = list(meter.readings.order_by("at").values_list("at", "value"))
    exchanges = list(
        MeterExchange.objects.filter(meter=meter).values_list("on", "old_end", "new_start")
    )
    return cumulative_series(readings, exchanges)


# On PostgreSQL the months of meters without exchanges are summed by the database
# (decision 0032): consecutive readings' differences from ``lag()``, every interval
# inside one local month summed per month with its wall-clock seconds; only the
# intervals that cross a month boundary come back, to be spread by ``spread`` as the
# Python path does. Same arithmetic as ``cumulative_series``/``interval_series``: a
# negative difference is left out, an interval of no (wall-clock) time is skipped,
# times are compared and subtracted in local wall time.
_SQL_SERIES = """
WITH pieces AS (
    SELECT meter_id, lag(at) OVER w AS t0, at AS t1, value - lag(value) OVER w AS amount
    FROM green_reading WHERE meter_id = ANY(%(cumulative)s)
    WINDOW w AS (PARTITION BY meter_id ORDER BY at)
    UNION ALL
    SELECT meter_id, start, at, value FROM green_reading
    WHERE meter_id = ANY(%(interval)s) AND start IS NOT NULL
), local AS (
    SELECT meter_id, t0, t1, amount, t0 AT TIME ZONE %(tz)s AS a, t1 AT TIME ZONE %(tz)s AS b
    FROM pieces WHERE t0 IS NOT NULL AND amount >= 0
)
SELECT meter_id, date_trunc('month', a)::date, sum(amount), sum(extract(epoch FROM b - a)),
       NULL::timestamptz, NULL::timestamptz, 0 AS straddles
FROM local WHERE b > a AND b <= date_trunc('month', a) + interval '1 month'
GROUP BY meter_id, date_trunc('month', a)
UNION ALL
SELECT meter_id, NULL, amount, NULL, t0, t1, 1
FROM local WHERE b > date_trunc('month', a) + interval '1 month'
ORDER BY 7, 1, 5
"""


def sql_series(meters: Sequence[Meter]) -> dict[int, Series]:
    """PostgreSQL: the series of ``meters`` (none with an exchange) in one query."""
    tz = timezone.get_current_timezone()
    found: dict[int, Series] = {m.pk: Series() for m in meters}
    params: dict[str, Any] = {
        "cumulative": [m.pk for m in meters if m.mode != MeterMode.INTERVAL],
        "interval": [m.pk for m in meters if m.mode == MeterMode.INTERVAL],
        "tz": str(tz),
    }
    with connection.cursor() as cursor:
        cursor.execute(_SQL_SERIES, params)
        for meter_id, month, amount, seconds, t0, t1, straddles in cursor.fetchall():
            series = found[meter_id]
            if straddles:
                spread(series, t0, t1, amount, tz)
            else:
                series.consumption[month] += amount
                series.covered[month] += float(seconds)
    return found


# --- factors ------------------------------------------------------------------------


@dataclass(frozen=True)
class FactorKey:
    kind: str
    supplier_id: int | None
    price_area: str
    organisation_id: int


def meter_price_area(meter: Meter) -> str:
    return meter.price_area or price_area_for_region(meter.estate.municipality.region)


class FactorTable:
    """The current factors, loaded once, answering ``factor_for`` without queries."""

    def __init__(self, method: str = FactorMethod.LOCATION) -> None:
        self.by_year: dict[tuple, dict[int, EmissionFactor]] = defaultdict(dict)
        for f in EmissionFactor.objects.filter(superseded_at__isnull=True, method=method):
            key = (f.kind, f.supplier_id, f.price_area, f.organisation_id)
            self.by_year[key][f.year] = f

    def _pick(self, key: tuple, year: int) -> EmissionFactor | None:
        years = self.by_year.get(key)
        if not years:
            return None
        if year in years:
            return years[year]
        earlier = [y for y in years if y < year]
        return years[max(earlier)] if earlier else None

    def factor_for(self, key: FactorKey, year: int) -> EmissionFactor | None:
        candidates: list[tuple[str, int | None, str, int | None]] = []
        if key.supplier_id is not None:
            candidates += [
                (key.kind, key.supplier_id, "", key.organisation_id),
                (key.kind, key.supplier_id, "", None),
            ]
        if key.kind == EnergyKind.ELECTRICITY:
            candidates.append((key.kind, None, key.price_area, None))
        candidates.append((key.kind, None, "", None))
        # The exact year of any candidate first, then the latest earlier year.
        for c in candidates:
            f = self.by_year.get(c, {}).get(year)
            if f is not None:
                return f
        for c in candidates:
            f = self._pick(c, year)
            if f is not None:
                return f
        return None


# --- refresh --------------------------------------------------------------------------


def meter_refresh(
    meter_ids: Iterable[int], *, table: FactorTable | None = None, sql_disabled: bool = False
) -> int:
    """Recompute the monthly footprint of ``meter_ids``; returns the months written.
    On PostgreSQL the months of meters without exchanges are summed in SQL
    (``sql_series``); ``sql_disabled`` takes the Python path for all (the tests
    compare the two)."""
    table = table or FactorTable()
    written = 0
    ids = list(meter_ids)
    for start in range(0, len(ids), 200):
        chunk = ids[start : start + 200]
        meters = list(
            Meter.objects.filter(pk__in=chunk).select_related("estate__municipality", "estate")
        )
        rows: list[dict] = []
        computed: dict[int, Series] = {}
        if connection.vendor == "postgresql" and not sql_disabled:
            exchanged = set(
                MeterExchange.objects.filter(meter_id__in=chunk).values_list("meter_id", flat=True)
            )
            computed = sql_series([m for m in meters if m.pk not in exchanged])
        for meter in meters:
            series = computed[meter.pk] if meter.pk in computed else meter_series(meter)
            to_base = factor_to_base(meter.kind, meter.unit)
            key = FactorKey(
                meter.kind, meter.supplier_id, meter_price_area(meter), meter.estate.organisation_id
            )
            for month, amount in sorted(series.consumption.items()):
                consumption = (amount * to_base).quantize(Decimal("0.0001"))
                factor = table.factor_for(key, month.year)
                kg = (
                    (consumption * factor.kg_co2e_per_unit).quantize(Decimal("0.0001"))
                    if factor is not None
                    else None
                )
                rows.append(
                    {
                        "meter_id": meter.pk,
                        "estate_id": meter.estate_id,
                        "organisation_id": meter.estate.organisation_id,
                        "municipality_id": meter.estate.municipality_id,
                        "kind": meter.kind,
                        "month": month,
                        "consumption": consumption,
                        "kg_co2e": kg,
                        "factor_id": factor.pk if factor is not None else None,
                        "coverage": series.coverage(month),
                        "is_sub_meter": meter.parent_id is not None,
                    }
                )
        with transaction.atomic():
            MonthlyFootprint.objects.filter(meter_id__in=chunk).delete()
            if rows:
                insert_rows(MonthlyFootprint, list(rows[0]), [list(r.values()) for r in rows])
        written += len(rows)
    # Every cached benchmark, roll-up and panel of grøn drift is now stale.
    from almen.green.pages_selectors import green_data_changed

    green_data_changed()
    return written


def estate_refresh(estate_ids: Iterable[int]) -> int:
    return meter_refresh(
        Meter.objects.filter(estate_id__in=list(estate_ids)).values_list("pk", flat=True)
    )


# --- roll-ups -------------------------------------------------------------------------

SCOPE_FIELDS = {
    "estate": "estate_id",
    "organisation": "organisation_id",
    "municipality": "municipality_id",
    "sector": None,
}


def months_for(scope: str, scope_id: int | None, start: dt.date, end: dt.date):  # type: ignore[no-untyped-def,unused-ignore]
    """Top-level meters' months of a scope from ``start`` up to (not including) ``end``."""
    qs = MonthlyFootprint.objects.filter(month__gte=start, month__lt=end, is_sub_meter=False)
    field_name = SCOPE_FIELDS[scope]
    if field_name is not None:
        qs = qs.filter(**{field_name: scope_id})
    return qs


@dataclass
class KindTotal:
    kind: str
    unit: str
    consumption: Decimal
    kg_co2e: Decimal
    months_without_factor: int


def totals_by_kind(scope: str, scope_id: int | None, year: int) -> list[KindTotal]:
    """One query: consumption (base unit) and kg CO2e per kind in ``year``."""
    rows = (
        months_for(scope, scope_id, dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
        .values("kind")
        .annotate(
            consumption=Sum("consumption"),
            kg=Sum("kg_co2e"),
            missing=Sum(
                # months whose consumption has no factor
                models_case_missing()
            ),
        )
        .order_by("kind")
    )
    return [
        KindTotal(
            kind=r["kind"],
            unit=base_unit(r["kind"]),
            consumption=r["consumption"] or Decimal(0),
            kg_co2e=r["kg"] or Decimal(0),
            months_without_factor=int(r["missing"] or 0),
        )
        for r in rows
    ]


def models_case_missing():  # type: ignore[no-untyped-def,unused-ignore]
    from django.db.models import Case, IntegerField, Value, When

    return Case(
        When(Q(factor__isnull=True) & ~Q(kind=EnergyKind.WATER), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def normalised_heat(consumption_kwh: Decimal, year: int, series: DegreeDaySeries) -> Decimal | None:
    """Heat ``consumption_kwh`` of ``year`` as in a normal year: the weather-dependent
    part (1 − ``WEATHER_INDEPENDENT_SHARE``) scaled by normal-year degree days over
    the year's; None unless the series has all twelve months of the year."""
    days = list(
        DegreeDay.objects.filter(
            series=series, month__gte=dt.date(year, 1, 1), month__lt=dt.date(year + 1, 1, 1)
        ).values_list("value", flat=True)
    )
    if len(days) < 12:
        return None
    actual = sum(days, Decimal(0))
    if actual <= 0:
        return None
    return normalise(consumption_kwh, actual=actual, normal=series.normal_year)


def normalise(consumption: Decimal, *, actual: Decimal, normal: Decimal) -> Decimal:
    share = WEATHER_INDEPENDENT_SHARE
    return consumption * (share + (1 - share) * normal / actual)
