"""The footprint refresh's two paths write the same months: on PostgreSQL the months of
meters without exchanges are summed in SQL (``footprint.sql_series``), elsewhere (and
for meters with exchanges) in Python. Each case refreshes the same meters both ways
and compares every MonthlyFootprint column. Runs on PostgreSQL only: SQLite has one
path."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection

from almen.green import footprint
from almen.green.models import (
    EnergyKind,
    Meter,
    MeterExchange,
    MeterMode,
    MeterUnit,
    MonthlyFootprint,
    Reading,
    ReadingSource,
)
from almen.register.models import Estate

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the SQL path is PostgreSQL's only"
    ),
]

COLUMNS = [
    "meter_id",
    "estate_id",
    "organisation_id",
    "municipality_id",
    "kind",
    "month",
    "consumption",
    "kg_co2e",
    "factor_id",
    "coverage",
    "is_sub_meter",
]
UTC = dt.UTC


def _months(ids: list[int]) -> list[tuple]:
    return list(
        MonthlyFootprint.objects.filter(meter_id__in=ids)
        .order_by("meter_id", "month")
        .values_list(*COLUMNS)
    )


def _both_ways(ids: list[int], monkeypatch: pytest.MonkeyPatch) -> tuple[list, list, set]:
    """(months by Python, months by SQL, meters the SQL refresh sent to Python)."""
    footprint.meter_refresh(ids, sql_disabled=True)
    by_python = _months(ids)
    in_python: set[int] = set()
    original = footprint.meter_series

    def recording(meter: Meter) -> footprint.Series:
        in_python.add(meter.pk)
        return original(meter)

    monkeypatch.setattr(footprint, "meter_series", recording)
    MonthlyFootprint.objects.filter(meter_id__in=ids).delete()
    footprint.meter_refresh(ids)
    return by_python, _months(ids), in_python


def test_the_existing_data_gives_the_same_months(monkeypatch: pytest.MonkeyPatch) -> None:
    ids = list(Meter.objects.values_list("pk", flat=True))
    assert Reading.objects.filter(meter_id__in=ids).exists()
    by_python, by_sql, in_python = _both_ways(ids, monkeypatch)
    assert by_python  # the test data has months to compare
    assert by_sql == by_python
    exchanged = set(MeterExchange.objects.values_list("meter_id", flat=True))
    assert in_python == exchanged & set(ids)


def _random_meter(rng: random.Random, estate: Estate, n: int, mode: str) -> Meter:
    meter = Meter.objects.create(
        estate=estate,
        number=f"R-{n}",
        kind=rng.choice([EnergyKind.DISTRICT_HEATING, EnergyKind.ELECTRICITY]),
        unit=MeterUnit.KWH,
        mode=mode,
    )
    # Around both clock changes of 2025 and some month ends: hourly stretches, daily
    # ones, irregular intervals that straddle one or more months, gaps.
    at = dt.datetime(2025, 1, 15, 21, tzinfo=UTC) + dt.timedelta(hours=rng.randrange(48))
    value = Decimal(rng.randrange(0, 10**7)) / 10000
    rows: list[Reading] = []
    while at < dt.datetime(2025, 12, 31, tzinfo=UTC) and len(rows) < 900:
        step = rng.choice(
            [
                dt.timedelta(hours=1),
                dt.timedelta(hours=1),
                dt.timedelta(days=1),
                dt.timedelta(days=rng.randrange(2, 70), seconds=rng.randrange(0, 86400)),
            ]
        )
        if rng.random() < 0.3 and len(rows) < 400:  # dwell on the clock changes
            at = rng.choice(
                [
                    dt.datetime(2025, 3, 29, 22, tzinfo=UTC),
                    dt.datetime(2025, 10, 25, 22, tzinfo=UTC),
                    dt.datetime(2025, 5, 31, 20, tzinfo=UTC),
                ]
            ) + dt.timedelta(hours=rng.randrange(6))
            if any(r.at >= at for r in rows):
                at = max(r.at for r in rows) + dt.timedelta(hours=1)
        amount = Decimal(rng.randrange(0, 10**6)) / 10000
        if rng.random() < 0.03:
            amount = -amount  # a rollover (cumulative) or a negative interval: left out
        if mode == MeterMode.INTERVAL:
            start = at - step if rng.random() < 0.9 else None
            rows.append(
                Reading(
                    meter=meter,
                    start=start,
                    at=at,
                    value=amount,
                    source=ReadingSource.MANUAL,
                )
            )
        else:
            value = max(Decimal(0), value + amount)
            rows.append(Reading(meter=meter, at=at, value=value, source=ReadingSource.MANUAL))
        at += step
    Reading.objects.bulk_create(rows)
    return meter


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_random_series_give_the_same_months(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    estate = Estate.objects.get(organisation__cvr="29190909", number=2)
    meters = [
        _random_meter(rng, estate, n, MeterMode.INTERVAL if n % 3 == 2 else MeterMode.CUMULATIVE)
        for n in range(9)
    ]
    # Exchanges on two cumulative meters (those go the Python way on both runs).
    for meter in meters[:2]:
        MeterExchange.objects.create(
            meter=meter,
            on=dt.datetime(2025, 6, 10, 12, tzinfo=UTC),
            old_end=Decimal("5000000"),
            new_start=Decimal("0"),
        )
    # A meter whose readings end and start exactly on local month boundaries.
    boundary = Meter.objects.create(
        estate=estate, number="R-edge", kind=EnergyKind.DISTRICT_HEATING, unit=MeterUnit.MWH
    )
    tz = footprint.timezone.get_current_timezone()
    Reading.objects.bulk_create(
        Reading(
            meter=boundary,
            at=dt.datetime(2025, m, 1, tzinfo=tz),
            value=Decimal(m * m) + Decimal("0.0001") * m,
            source=ReadingSource.MANUAL,
        )
        for m in (1, 2, 3, 5, 10, 11, 12)
    )
    ids = [m.pk for m in meters] + [boundary.pk]
    by_python, by_sql, in_python = _both_ways(ids, monkeypatch)
    assert len(by_python) > 9 * 6
    assert by_sql == by_python
    assert in_python == {meters[0].pk, meters[1].pk}
