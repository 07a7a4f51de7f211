"""PostgreSQL's readings write: a first import is copied straight into the readings
and, should a reading have been stored since the check, falls back to the staged
upsert (same result); the copy stores exactly what the staged insert stores."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from almen.green.imports_services import readings_write
from almen.green.models import EnergyKind, Meter, MeterUnit, Reading, ReadingSource
from almen.imports.models import ImportRun
from almen.register.models import Estate, Organisation

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's write path"),
]

T0 = int(dt.datetime(2025, 1, 1, tzinfo=dt.UTC).timestamp())


def _meter() -> Meter:
    return Meter.objects.create(
        estate=Estate.objects.get(organisation__cvr="29190909", number=2),
        number="W-1",
        kind=EnergyKind.ELECTRICITY,
        unit=MeterUnit.KWH,
    )


@pytest.mark.parametrize("all_new", [True, False])
def test_a_reading_stored_since_the_check_is_updated_not_refused(all_new: bool) -> None:
    meter = _meter()
    Reading.objects.create(
        meter=meter,
        at=dt.datetime.fromtimestamp(T0 + 3600, dt.UTC),
        value=Decimal("1"),
        source=ReadingSource.MANUAL,
    )
    rows = [(meter.pk, None, T0 + 3600 * k, 10.0 + k) for k in range(5)]
    with transaction.atomic():
        assert readings_write(rows, source=ReadingSource.IMPORT, run_id=None, all_new=all_new) == 5
    stored = list(meter.readings.order_by("at").values_list("value", "source"))
    assert stored == [(Decimal(10 + k), ReadingSource.IMPORT) for k in range(5)]


def test_a_first_import_is_written_whole() -> None:
    meter = _meter()
    rows = [(meter.pk, None, T0 + 3600 * k, 0.5 * k) for k in range(1000)]
    with transaction.atomic():
        readings_write(rows, source=ReadingSource.IMPORT, run_id=None, all_new=True)
    assert meter.readings.count() == 1000
    assert meter.readings.order_by("-at").values_list("value", flat=True)[0] == Decimal("499.5")


def _stage_used(queries: CaptureQueriesContext) -> bool:
    return any("green_reading_stage" in q["sql"] for q in queries.captured_queries)


def test_a_first_import_copies_straight_into_the_readings_without_the_stage() -> None:
    meter = _meter()
    rows = [(meter.pk, None, T0 + 3600 * k, 1.5 * k) for k in range(100)]
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert readings_write(rows, source=ReadingSource.IMPORT, run_id=None, all_new=True) == 100
    assert not _stage_used(queries)
    assert meter.readings.count() == 100


def test_a_reading_stored_since_the_check_makes_the_copy_start_over_on_the_stage() -> None:
    meter = _meter()
    Reading.objects.create(
        meter=meter,
        at=dt.datetime.fromtimestamp(T0 + 3600 * 3, dt.UTC),
        value=Decimal("7"),
        source=ReadingSource.MANUAL,
    )
    rows = [(meter.pk, None, T0 + 3600 * k, 10.0 + k) for k in range(5)]
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert readings_write(rows, source=ReadingSource.IMPORT, run_id=None, all_new=True) == 5
    assert _stage_used(queries)
    stored = list(meter.readings.order_by("at").values_list("value", "source"))
    assert stored == [(Decimal(10 + k), ReadingSource.IMPORT) for k in range(5)]


def _random_rows(meter_id: int, interval: bool, rng: random.Random) -> list[tuple]:
    rows: list[tuple] = []
    at = T0 - 86400 * 400
    for _ in range(2000):
        step = rng.choice([1, 59, 900, 3600, 86400, 86400 * 31])
        start = at if interval else None
        at += step
        # Values as files give them (a few decimals) and as arithmetic does (16-17
        # significant digits, halves at the 5th decimal, tiny and large numbers).
        value = rng.choice(
            [
                round(rng.uniform(0, 1e6), rng.randrange(0, 4)),
                rng.uniform(0, 1e9),
                rng.uniform(0, 1e-3),
                rng.randrange(0, 10**9) / 10**4 + 0.00005,
                0.1 + 0.2,
                float(rng.randrange(0, 10**10)),
            ]
        )
        rows.append((meter_id, start, at, value))
    return rows


@pytest.mark.parametrize("interval", [False, True])
def test_the_copy_stores_exactly_what_the_staged_insert_stores(interval: bool) -> None:
    # The same rows for two meters: one copied straight in, one through the stage (a
    # one-shot iterator cannot be read twice, so it takes the staged path at once).
    copied, staged = (
        _meter(),
        Meter.objects.create(
            estate=Estate.objects.get(organisation__cvr="29190909", number=2),
            number="W-2",
            kind=EnergyKind.ELECTRICITY,
            unit=MeterUnit.KWH,
        ),
    )
    rng = random.Random(34)
    rows = _random_rows(copied.pk, interval, rng)
    run = ImportRun.objects.create(
        organisation=Organisation.objects.get(cvr="29190909"), original_name="x.csv"
    )
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        readings_write(rows, source=ReadingSource.IMPORT, run_id=run.pk, all_new=True)
        assert not _stage_used(queries)
        readings_write(
            iter([(staged.pk, *row[1:]) for row in rows]),
            source=ReadingSource.IMPORT,
            run_id=run.pk,
            all_new=True,
        )
        assert _stage_used(queries)

    def stored(meter: Meter) -> list[tuple]:
        return list(
            meter.readings.order_by("at").values_list(
                "start", "at", "value", "source", "import_run_id"
            )
        )

    assert len(stored(copied)) == len(rows)
    assert stored(copied) == stored(staged)


def test_a_value_copied_as_the_files_text_is_stored_as_from_its_number() -> None:
    # The streamed import (decision 0038) copies a plain value's own digits; the usual
    # path stores the number (a ``double precision``) as ``numeric(18, 4)``. The same
    # for every text the check accepts, halves at the fifth decimal and 16 digits too.
    from almen.green.imports_readings import parse_value, value_and_text

    rng = random.Random(10)
    texts = [
        "0",
        "-0",
        "007,5",
        "0,00005",
        "0,00015",
        "1,23455",
        "2,5",
        "12345678901,2345",
        "99999999999999,9",
        "9999999999999,999",
        "0,000000000000001",
        "1.234,5",
        "1 234,5",
    ]
    for _ in range(2000):
        digits = rng.randint(1, 16)
        whole = str(rng.randrange(10 ** rng.randint(0, 14)))
        decimals = "".join(rng.choice("0123456789") for _ in range(max(0, digits - len(whole))))
        texts.append(f"{whole},{decimals}" if decimals else whole)
    cases = [(t, *value_and_text(t)) for t in texts]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t, c::numeric(18, 4) = f::numeric(18, 4) FROM "
            "unnest(%s::text[], %s::text[], %s::float8[]) AS u(t, c, f)",
            [[t for t, _n, _c in cases], [c for _t, _n, c in cases], [n for _t, n, _c in cases]],
        )
        differing = [t for t, same in cursor.fetchall() if not same]
    assert differing == []
    assert all(n == parse_value(t) for t, n, _c in cases)
    assert value_and_text("1234,5") == (1234.5, "1234.5")  # the file's digits
    assert value_and_text("1.234,5") == (1234.5, "1234.5")  # formatted: not plain


def test_the_readings_keep_the_cheap_write_schema() -> None:
    # Migration green/0008 (decision 0039): import_run_id indexed by BRIN only, the id
    # identity caching 1,000 values. Django's state still records a B-tree: a later
    # migration that alters the field would bring it back, and this test fails then.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT am.amname FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = 'green_reading'::regclass AND a.attname = 'import_run_id'"
        )
        assert [m for (m,) in cursor.fetchall()] == ["brin"]
        cursor.execute(
            "SELECT cache_size FROM pg_sequences WHERE schemaname || '.' || sequencename "
            "= pg_get_serial_sequence('green_reading', 'id')"
        )
        assert cursor.fetchone() == (1000,)
