"""Benchmark: grøn drift at national scale (issue 10). Not a test: prints numbers, never
fails on a timing.

    BENCH_PG_DB=green_bench nice -n 10 .venv/bin/python bench/green.py          # all, ~20 min
    … bench/green.py --only import        # or refresh, rollup, page (each runs alone)
    … bench/green.py --small              # 1/100 scale smoke run (green_bench_small)

PostgreSQL at 127.0.0.1:5432 (``BENCH_PG_DB``, default ``green_bench``; created and
migrated when missing) for everything, plus SQLite (``BENCH_SQLITE``, default
``var/green_bench.sqlite3``) for the import's rows/s. Each figure is printed beside a
ceiling measured in the same run.

0. **Data** (idempotent, seeded once): ``seed_demo`` (the personas) and ``seed_national``
   (500 organisations, 7,000 estates, 600,000 households); then for every national
   estate 4 meters — district heating (MWh), electricity (kWh), water (m³) and an
   electricity sub-meter (kWh, a laundry) — with 36 monthly register readings
   (2024-01-01 … 2026-12-01): 28,000 meters, 1,008,000 readings, written with
   ``lib.bulk.copy_rows``. Bench emission factors for 2023–2025 where the database has
   none (marked "Bench-værdi" in their source). A small estate (the demo's
   organisation A, estate 1: one meter, 24 readings). An hourly organisation (CVR
   99990100, 286 estates × 4 meters = 1,144 meters, no readings: the import fills them).
1. **refresh**: ``footprint.meter_refresh`` for all 28,000 national meters (readings in,
   monthly footprints out: readings/s and months/s), beside a ceiling of the same data
   movement without the arithmetic: the same readings fetched with plain psycopg and
   the months written copied with ``COPY`` into a scratch table.
2. **import**: the 10-million-row hourly file (1,144 meters × 8,760 hours of 2025,
   ``målernummer;dato;aflæsning``, decimal comma, UTF-8 with BOM), written streaming to
   var/, imported by ``manage.py import_readings FILE --organisation 99990100`` as a
   child process (wall time → rows/s; its peak RSS from ``os.wait4``), into empty
   readings for those meters (a first import; ``--reimport`` also times the same file
   again: the upsert of unchanged rows). Beside it, the raw ceiling: the same rows
   (already as meter id, UTC time, value) ``COPY``'d from a prepared file into a fresh
   copy of the readings table (``LIKE green_reading INCLUDING ALL``: same indexes and
   unique constraint, no foreign keys). On SQLite the same with a 1,000,000-row file
   (``--sqlite-rows``) and a batched ``executemany`` ceiling.
3. **rollup**: the national CO2e roll-up of 2025 by municipality and kind —
   ``almen.green.pages_selectors.national_rollup(year)`` when it exists, else the
   equivalent grouped SUM over MonthlyFootprint (the script says which) — cold (cold =
   new connection, Django cache cleared; the OS cache cannot be dropped here) and
   warm, beside the same grouped SUM in plain psycopg on a new connection.
4. **page**: the estate green page ``/organisationer/<cvr>/afdelinger/<n>/groen-drift/``
   as organisation staff (the demo's staff persona, made staff of the largest national
   organisation), served by gunicorn (2 workers, config.settings_bench), ``wrk`` 8
   connections × 10 s beside ``/bench/hello`` and ``/bench/one-query`` of the same run;
   and its query count in-process on the small estate and on a national one (must be
   equal).

Targets: import ≥ 100,000 rows/s on PostgreSQL and ≥ 30 % of raw COPY, peak memory
≤ 1 GB for the 10-million-row file; national roll-up ≤ 2 s cold; estate green page
p95 ≤ 100 ms with a query count independent of data size. A section whose code is not
built yet is reported "not measured: not built yet", never guessed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import math
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import goals  # noqa: E402  (bench/goals.py: django_setup, in_process, flush_redis)
import run  # noqa: E402  (bench/run.py: manage, bench_env, measure)

# A worktree without its own .venv runs with the interpreter it was started with.
if not Path(run.PY).exists():
    run.PY = sys.executable
GUNICORN = str(Path(run.PY).parent / "gunicorn")

DB = "postgres"
HOURLY_CVR = "99990100"
HOURLY_NAME = "Boligselskabet Timeaflæsning"
HOURLY_YEAR = 2025
HOURS = 8760
ROLLUP_YEAR = 2025
SMALL_CVR = "29190909"  # the demo's organisation A
SMALL_METER = "BENCH-SMALL-1"
NATIONAL_PREFIX = "NB"  # national bench meters' numbers
FIRST_READING = dt.date(2024, 1, 1)
MONTHLY_READINGS = 36
NOT_BUILT = "not measured: not built yet"
IMPORT_RPS_TARGET = 100_000
IMPORT_RATIO_TARGET = 0.30
RSS_TARGET_MB = 1024
ROLLUP_TARGET_S = 2.0
PAGE_TARGET_MS = 100.0
MIN_REQUESTS = 200  # the page's p95 is taken over at least this many requests
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
# Shares of a year's consumption by month (heat follows the weather, the rest is flat).
HEAT_PROFILE = [0.16, 0.14, 0.12, 0.08, 0.05, 0.03, 0.03, 0.03, 0.05, 0.08, 0.11, 0.12]
FLAT_PROFILE = [1 / 12] * 12
# Per meter kind: (kind, unit, name, yearly consumption range in the unit, profile)
METER_KINDS = [
    ("district_heating", "MWh", "Fjernvarme, hovedmåler", (200, 3000), HEAT_PROFILE),
    ("electricity", "kWh", "El, fællesmåler", (50_000, 500_000), FLAT_PROFILE),
    ("water", "m3", "Vand, hovedmåler", (5_000, 50_000), FLAT_PROFILE),
    ("electricity", "kWh", "El, vaskeri (bimåler)", (5_000, 50_000), FLAT_PROFILE),
]
SUB_METER, SUB_PARENT = 3, 1  # the 4th meter measures part of the 2nd
# Hourly meters: kWh for heat (an hourly MWh register barely moves), per hour ranges in
# thousandths of the unit.
HOURLY_KINDS = [
    ("district_heating", "kWh", "Fjernvarme, timemåler", (5_000, 60_000)),
    ("electricity", "kWh", "El, timemåler", (1_000, 20_000)),
    ("water", "m3", "Vand, timemåler", (50, 2_000)),
    ("electricity", "kWh", "El, vaskeri (bimåler)", (100, 3_000)),
]
# Bench factors (kg CO2e per base unit) for years that have none in the database.
BENCH_FACTORS = {
    ("district_heating", ""): {2023: "0.070", 2024: "0.065", 2025: "0.060"},
    ("electricity", "DK1"): {2023: "0.110", 2024: "0.070", 2025: "0.065"},
    ("electricity", "DK2"): {2023: "0.080", 2024: "0.050", 2025: "0.045"},
    ("natural_gas", ""): {2023: "2.2627", 2024: "2.2500", 2025: "2.2500"},
}


@dataclass(frozen=True)
class Scale:
    organisations: int
    estates: int
    households: int
    residents: int
    hourly_estates: int
    sqlite_rows: int


FULL = Scale(500, 7000, 600_000, 1_000_000, 286, 105_120)
SMALL = Scale(5, 70, 6_000, 10_000, 3, 17_520)
SCALE = FULL


def log(message: str) -> None:
    run.log(message)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def var(name: str) -> Path:
    (ROOT / "var").mkdir(exist_ok=True)
    return ROOT / "var" / name


def pg_connect(autocommit: bool = False):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(
        f"host=127.0.0.1 user=postgres dbname={run.PG_DB}", autocommit=autocommit
    )


# --- (0) the data --------------------------------------------------------------------


def ensure_database() -> None:
    """Database, migrations, the demo's personas and the national register (once)."""
    import psycopg

    with psycopg.connect(run.PG_ADMIN, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [run.PG_DB])
        if exists.fetchone() is None:
            log(f"creating database {run.PG_DB}")
            conn.execute(f'CREATE DATABASE "{run.PG_DB}"')
    log("migrate")
    run.manage(DB, "migrate", "--noinput", "-v0")
    log("seed_demo (personas)")
    run.manage(DB, "seed_demo", stdout=subprocess.DEVNULL)
    log("seed_national")
    start = time.perf_counter()
    s = SCALE
    result = run.manage(
        DB,
        "seed_national",
        f"--organisations={s.organisations}",
        f"--estates={s.estates}",
        f"--households={s.households}",
        f"--residents={s.residents}",
        check=False,
        stdout=sys.stderr,
        stderr=subprocess.PIPE,
    )
    if result.returncode != 0:
        if "allerede nationale data" not in result.stderr:
            sys.exit(result.stderr)
        log("national data already loaded")
    else:
        log(f"seed_national: {time.perf_counter() - start:.1f} s wall clock")


def month_add(day: dt.date, months: int) -> dt.date:
    n = day.year * 12 + day.month - 1 + months
    return dt.date(n // 12, n % 12 + 1, 1)


def ensure_factors() -> int:
    """Bench factors for keys and years the database has no current factor for."""
    from almen.green.models import EmissionFactor

    made = 0
    for (kind, area), years in BENCH_FACTORS.items():
        for year, value in years.items():
            key = EmissionFactor.make_key(
                year=year,
                kind=kind,
                price_area=area,
                supplier_id=None,
                method="location",
                organisation_id=None,
            )
            if EmissionFactor.objects.filter(key=key, superseded_at__isnull=True).exists():
                continue
            EmissionFactor(
                year=year,
                kind=kind,
                price_area=area,
                kg_co2e_per_unit=value,
                source="Bench-værdi (ikke officiel): kun til måling af ydeevne",
            ).save()
            made += 1
    return made


def national_estates() -> list[tuple[int, int]]:
    from almen.register.models import Estate
    from almen.register.national import NATIONAL_CVR_PREFIX

    return list(
        Estate.objects.filter(organisation__cvr__startswith=NATIONAL_CVR_PREFIX)
        .exclude(organisation__cvr=HOURLY_CVR)
        .order_by("id")
        .values_list("id", "organisation_id")
    )


def national_meter_ids() -> list[int]:
    from almen.green.models import Meter

    return list(
        Meter.objects.filter(number__startswith=NATIONAL_PREFIX)
        .order_by("id")
        .values_list("id", flat=True)
    )


def _monthly_values(rng: random.Random, low: int, high: int, profile: list[float]) -> list[str]:
    """36 register values at the first of each month, rising by the profile ± 5 %."""
    yearly = rng.uniform(low, high)
    value = rng.uniform(0, yearly * 10)
    out = []
    day = FIRST_READING
    for _ in range(MONTHLY_READINGS):
        out.append(f"{value:.4f}")
        value += yearly * profile[day.month - 1] * rng.uniform(0.95, 1.05)
        day = month_add(day, 1)
    return out


def seed_national_green() -> dict[str, Any]:
    """4 meters × 36 monthly readings for every national estate (once)."""
    from django.db import transaction
    from django.utils import timezone

    from almen.green.models import Meter, MonthlyFootprint, Reading
    from almen.lib.bulk import copy_rows, reserve_ids
    from almen.register.national import analyze

    if Meter.objects.filter(number__startswith=NATIONAL_PREFIX).exists():
        n = Meter.objects.filter(number__startswith=NATIONAL_PREFIX).count()
        log(f"national meters are there ({n:,})")
        return {"meters": n}
    estates = national_estates()
    tz = timezone.get_current_timezone()
    now = timezone.now()
    rng = random.Random(2026)
    start = time.perf_counter()
    with transaction.atomic():
        ids = reserve_ids(Meter, 4 * len(estates))
        meters = []
        for e, (estate_id, _org) in enumerate(estates):
            base = ids[4 * e : 4 * e + 4]
            for k, (kind, unit, name, _, _) in enumerate(METER_KINDS):
                parent = base[SUB_PARENT] if k == SUB_METER else None
                meters.append(
                    (
                        base[k],
                        uuid.UUID(int=rng.getrandbits(128), version=4).hex,
                        estate_id,
                        f"{NATIONAL_PREFIX}{estate_id:06d}-{k + 1}",
                        name,
                        kind,
                        unit,
                        "cumulative",
                        "",
                        parent,
                        now,
                    )
                )
        copy_rows(
            Meter._meta.db_table,
            [
                "id",
                "public_id",
                "estate_id",
                "number",
                "name",
                "kind",
                "unit",
                "mode",
                "price_area",
                "parent_id",
                "created_at",
            ],
            meters,
        )
        times = [
            dt.datetime.combine(month_add(FIRST_READING, i), dt.time(), tzinfo=tz)
            for i in range(MONTHLY_READINGS)
        ]

        values: dict[int, list[str]] = {}

        def readings():  # type: ignore[no-untyped-def]
            for meter in meters:
                k = int(meter[3].rsplit("-", 1)[1]) - 1
                _, _, _, (low, high), profile = METER_KINDS[k]
                values[meter[0]] = series = _monthly_values(rng, low, high, profile)
                for at, value in zip(times, series, strict=True):
                    yield (meter[0], at, value, "demo")

        n = copy_rows(Reading._meta.db_table, ["meter_id", "at", "value", "source"], readings())
        copy_seconds = time.perf_counter() - start
        log(f"national meters: {len(meters):,} meters, {n:,} readings in {copy_seconds:.1f} s")
        months = copy_rows(
            MonthlyFootprint._meta.db_table,
            MONTH_COLUMNS,
            national_months(meters, values, dict(estates)),
        )
        analyze([Meter._meta.db_table, Reading._meta.db_table, MonthlyFootprint._meta.db_table])
    seconds = time.perf_counter() - start
    log(f"national months: {months:,} written by the generator; {seconds:.1f} s in all")
    return {"meters": len(meters), "readings": n, "copy_seconds": copy_seconds, "months": months}


MONTH_COLUMNS = [
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


def national_months(meters: list[tuple], values: dict[int, list[str]], org_of: dict[int, int]):  # type: ignore[no-untyped-def]
    """The months ``meter_refresh`` would write for these meters, without its per-meter
    queries: the readings lie on the first of each month, so each interval is one
    month; converted with ``units.factor_to_base`` and multiplied by the factor that
    ``FactorTable.factor_for`` picks (the core's own lookup), rounded as it rounds.
    ``--only refresh`` rewrites a sample of them with ``meter_refresh`` itself. The
    queries run here, before the rows are streamed: none may run during a COPY."""
    from almen.green.footprint import FactorTable
    from almen.register.models import Estate

    table = FactorTable()
    estate_info = {
        pk: (municipality_id, region)
        for pk, municipality_id, region in Estate.objects.filter(pk__in=list(org_of)).values_list(
            "pk", "municipality_id", "municipality__region"
        )
    }
    return _national_month_rows(meters, values, org_of, estate_info, table)


def _national_month_rows(meters, values, org_of, estate_info, table):  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from almen.green.footprint import FactorKey, price_area_for_region
    from almen.green.units import factor_to_base

    places = Decimal("0.0001")
    for meter in meters:
        meter_id, _, estate_id, _, _, kind, unit = meter[:7]
        parent = meter[9]
        municipality_id, region = estate_info[estate_id]
        key = FactorKey(kind, None, price_area_for_region(region), org_of[estate_id])
        to_base = factor_to_base(kind, unit)
        series = [Decimal(v) for v in values.pop(meter_id)]
        for i in range(MONTHLY_READINGS - 1):
            month = month_add(FIRST_READING, i)
            consumption = ((series[i + 1] - series[i]) * to_base).quantize(places)
            factor = table.factor_for(key, month.year)
            kg = (consumption * factor.kg_co2e_per_unit).quantize(places) if factor else None
            yield (
                meter_id,
                estate_id,
                org_of[estate_id],
                municipality_id,
                kind,
                month,
                consumption,
                kg,
                factor.pk if factor else None,
                Decimal(1),
                parent is not None,
            )


def seed_small_estate() -> int:
    """One heat meter with 24 monthly readings on the demo's organisation A, estate 1."""
    from decimal import Decimal

    from django.utils import timezone

    from almen.green.models import Meter, Reading
    from almen.register.models import Estate

    estate = Estate.objects.get(organisation__cvr=SMALL_CVR, number=1)
    meter, created = Meter.objects.get_or_create(
        estate=estate,
        number=SMALL_METER,
        defaults={"name": "Fjernvarme (bench)", "kind": "district_heating", "unit": "MWh"},
    )
    if created:
        tz = timezone.get_current_timezone()
        value = Decimal("1000")
        rows = []
        for i in range(24):
            day = month_add(dt.date(2025, 1, 1), i)
            rows.append(
                Reading(
                    meter=meter,
                    at=dt.datetime.combine(day, dt.time(), tzinfo=tz),
                    value=value,
                    source="demo",
                )
            )
            value += Decimal(str(round(40 * HEAT_PROFILE[day.month - 1] * 12 / 1.0, 3)))
        Reading.objects.bulk_create(rows)
    return meter.pk


def ensure_heated_area() -> None:
    """National buildings get a heated area and a building year (one UPDATE)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE register_building SET heated_area_m2 = 800 + (id % 40) * 50, "
            "built_year = 1940 + (id % 80) WHERE heated_area_m2 IS NULL"
        )


def ensure_hourly_organisation(meters: int | None = None) -> list[tuple[str, int, int]]:
    """The hourly organisation's estates, buildings and meters in the current database
    (ORM; small enough). Returns ``(number, meter id, kind index)`` in file order."""
    from django.db import transaction

    from almen.green.models import Meter
    from almen.register.models import Building, Estate, Municipality, Organisation

    want = meters if meters is not None else 4 * SCALE.hourly_estates
    estates_needed = math.ceil(want / 4)
    with transaction.atomic():
        municipality = Municipality.objects.get(code="0101")
        org, _ = Organisation.objects.get_or_create(
            cvr=HOURLY_CVR,
            defaults={"name": HOURLY_NAME, "municipality": municipality, "address": "Timevej 1"},
        )
        have = set(Estate.objects.filter(organisation=org).values_list("number", flat=True))
        new = [
            Estate(
                organisation=org,
                number=n,
                name=f"Timeafdeling {n}",
                municipality=municipality,
                address=f"Timevej {n}",
                postal_code="2400",
                city="København NV",
            )
            for n in range(1, estates_needed + 1)
            if n not in have
        ]
        Estate.objects.bulk_create(new)
        estates = list(Estate.objects.filter(organisation=org, number__lte=estates_needed))
        with_building = set(
            Building.objects.filter(estate__in=estates).values_list("estate_id", flat=True)
        )
        Building.objects.bulk_create(
            Building(estate=e, address=f"Timevej {e.number}", heated_area_m2=2500, built_year=1972)
            for e in estates
            if e.pk not in with_building
        )
        existing = {m.number: m for m in Meter.objects.filter(estate__organisation=org)}
        for passes in (range(3), [SUB_METER]):
            Meter.objects.bulk_create(
                Meter(
                    estate=e,
                    number=hourly_number(e.number, k),
                    name=HOURLY_KINDS[k][2],
                    kind=HOURLY_KINDS[k][0],
                    unit=HOURLY_KINDS[k][1],
                    parent=existing[hourly_number(e.number, SUB_PARENT)]
                    if k == SUB_METER
                    else None,
                )
                for e in estates
                for k in passes
                if hourly_number(e.number, k) not in existing
            )
            existing = {m.number: m for m in Meter.objects.filter(estate__organisation=org)}
    out = []
    for n in range(1, estates_needed + 1):
        for k in range(4):
            number = hourly_number(n, k)
            out.append((number, existing[number].pk, k))
    return out[:want]


def hourly_number(estate_number: int, k: int) -> str:
    return f"{5_710_000 + estate_number * 10 + k + 1}"


def seed() -> dict[str, Any]:
    ensure_database()
    goals.django_setup(DB)
    info: dict[str, Any] = {"factors_added": ensure_factors()}
    ensure_heated_area()
    info["national"] = seed_national_green()
    info["small_meter"] = seed_small_estate()
    info["hourly_meters"] = len(ensure_hourly_organisation())
    return info


# --- (1) refresh ---------------------------------------------------------------------


def refresh_section(sample: int | None = None) -> dict[str, Any]:
    from django.db import connection

    from almen.green.footprint import FactorTable, meter_refresh
    from almen.green.models import MonthlyFootprint, Reading

    ids = national_meter_ids()
    total_meters = len(ids)
    if sample and sample < len(ids):
        ids = ids[:: max(1, len(ids) // sample)][:sample]  # spread over the estates
        log(f"refresh: a sample of {len(ids):,} of the {total_meters:,} national meters")
    small = seed_small_estate()
    readings = Reading.objects.filter(meter_id__in=ids).count()
    log(f"refresh: meter_refresh of {len(ids):,} meters ({readings:,} readings)")
    start = time.perf_counter()
    cpu = time.process_time()
    months = meter_refresh(ids, table=FactorTable())
    seconds = time.perf_counter() - start
    cpu_s = time.process_time() - cpu
    meter_refresh([small])
    log(f"refresh: {months:,} months in {seconds:.1f} s (CPU {cpu_s:.1f} s)")
    connection.close()

    # The ceiling: the same readings read with plain psycopg, the months written COPY'd
    # into a scratch copy of the footprint table.
    table = MonthlyFootprint._meta.db_table
    cols = [
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
    names = ", ".join(cols)
    national = ", ".join(str(i) for i in ids)
    with pg_connect() as conn:
        conn.execute("DROP TABLE IF EXISTS bench_month_copy")
        conn.execute(f"CREATE TABLE bench_month_copy (LIKE {table} INCLUDING ALL)")
        conn.commit()
        # The months written, as COPY text (not Python objects: ~1 million rows).
        buffer = io.BytesIO()
        with conn.cursor() as cur:
            query = f"SELECT {names} FROM {table} WHERE meter_id IN ({national})"
            with cur.copy(f"COPY ({query}) TO STDOUT") as cp:
                for data in cp:
                    buffer.write(data)
        copied = buffer.getvalue().count(b"\n")
        conn.commit()
        start = time.perf_counter()
        with conn.cursor() as cur:
            cur.execute(
                f"SELECT meter_id, at, value FROM green_reading WHERE meter_id IN ({national}) "
                "ORDER BY meter_id, at"
            )
            fetched = len(cur.fetchall())
            with cur.copy(f"COPY bench_month_copy ({names}) FROM STDIN") as cp:
                view = buffer.getbuffer()
                for k in range(0, len(view), 1 << 20):
                    cp.write(view[k : k + (1 << 20)])
                del view
        conn.commit()
        ceiling_s = time.perf_counter() - start
        conn.execute("DROP TABLE bench_month_copy")
        conn.commit()
    log(
        f"refresh ceiling: {fetched:,} readings read + {copied:,} months copied "
        f"in {ceiling_s:.2f} s"
    )
    return {
        "meters": len(ids),
        "of_meters": total_meters,
        "readings": readings,
        "months": months,
        "seconds": seconds,
        "cpu_s": cpu_s,
        "ceiling_s": ceiling_s,
    }


# --- (2) import ----------------------------------------------------------------------


def hour_times(year: int) -> list[tuple[str, str]]:
    """Every hour of ``year`` (Danish time): ``(as written in the file, UTC for COPY)``.
    ISO 8601 with the offset, so the two autumn hours 02:00 stay apart."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Europe/Copenhagen")
    start = dt.datetime(year, 1, 1, tzinfo=tz).astimezone(dt.UTC)
    out = []
    for h in range(HOURS):
        t = start + dt.timedelta(hours=h)
        out.append(
            (
                t.astimezone(tz).isoformat(timespec="minutes"),
                t.strftime("%Y-%m-%d %H:%M:%S+00"),
            )
        )
    return out


def write_hourly(meters: list[tuple[str, int, int]], csv_path: Path, copy_path: Path | None) -> int:
    """The hourly file, written streaming (a meter's 8,760 rows at a time): CSV for the
    import, and for the ceiling the same rows as COPY text (meter id, UTC, value)."""
    rng = random.Random(2025)
    hours = hour_times(HOURLY_YEAR)
    n = 0
    start = time.perf_counter()
    with csv_path.open("w", encoding="utf-8-sig", newline="") as f:
        g = copy_path.open("w", encoding="utf-8", newline="") if copy_path else None
        try:
            f.write("målernummer;dato;aflæsning\n")
            for number, meter_id, k in meters:
                low, high = HOURLY_KINDS[k][3]
                value = rng.randrange(1_000_000, 100_000_000)  # thousandths
                lines, raw = [], []
                for local, utc in hours:
                    s = str(value)
                    lines.append(f"{number};{local};{s[:-3]},{s[-3:]}\n")
                    if g is not None:
                        raw.append(f"{meter_id}\t{utc}\t{s[:-3]}.{s[-3:]}\timport\n")
                    value += rng.randrange(low, high)
                f.write("".join(lines))
                if g is not None:
                    g.write("".join(raw))
                n += len(hours)
        finally:
            if g is not None:
                g.close()
    log(
        f"wrote {n:,} rows to {csv_path.name} in {time.perf_counter() - start:.1f} s "
        f"({csv_path.stat().st_size / 1e6:,.0f} MB)"
    )
    return n


def delete_readings(meter_ids: list[int]) -> int:
    from django.db import connection, transaction

    from almen.green.models import Reading

    with transaction.atomic():
        n = Reading.objects.filter(meter_id__in=meter_ids).count()
        if n:
            log(f"deleting {n:,} earlier readings of the hourly meters (a first import)")
            with connection.cursor() as cursor:
                cursor.execute(
                    "DELETE FROM green_reading WHERE meter_id IN (SELECT id FROM green_meter "
                    "WHERE estate_id IN (SELECT e.id FROM register_estate e JOIN "
                    "register_organisation o ON o.id = e.organisation_id WHERE o.cvr = %s))",
                    [HOURLY_CVR],
                )
    if n and connection.vendor == "postgresql":
        with pg_connect(autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE green_reading")
    return n


def copy_ceiling_pg(copy_path: Path) -> float:
    """Seconds to COPY the prepared rows into a fresh copy of the readings table."""
    with pg_connect() as conn:
        conn.execute("DROP TABLE IF EXISTS bench_reading_copy")
        conn.execute("CREATE TABLE bench_reading_copy (LIKE green_reading INCLUDING ALL)")
        conn.commit()
        start = time.perf_counter()
        with (
            conn.cursor() as cur,
            cur.copy("COPY bench_reading_copy (meter_id, at, value, source) FROM STDIN") as cp,
            copy_path.open("rb") as f,
        ):
            while block := f.read(1 << 20):
                cp.write(block)
        conn.commit()
        seconds = time.perf_counter() - start
        conn.execute("DROP TABLE bench_reading_copy")
        conn.commit()
    return seconds


def executemany_ceiling_sqlite(meters: list[tuple[str, int, int]]) -> tuple[float, int]:
    """Seconds to insert the same rows (generated as they are inserted) with batched
    ``executemany`` into a copy of the readings table with the same indexes."""
    import sqlite3

    conn = sqlite3.connect(ROOT / run.SQLITE_FILE, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("DROP TABLE IF EXISTS bench_reading_copy")
    ddl = conn.execute(
        "SELECT type, sql FROM sqlite_master WHERE tbl_name = 'green_reading' AND sql IS NOT NULL "
        "AND type IN ('table', 'index')"  # not the meter triggers (decision 0037), as on PG
    ).fetchall()
    for kind, sql in sorted(ddl, key=lambda r: r[0] != "table"):
        sql = sql.replace('"green_reading"', '"bench_reading_copy"')
        if kind == "index":
            sql = sql.replace('INDEX "', 'INDEX "bench_copy_', 1)
        conn.execute(sql)
    rng = random.Random(2025)
    hours = hour_times(HOURLY_YEAR)
    utc = [u[:-3].replace("+00", "") for _, u in hours]
    sql = "INSERT INTO bench_reading_copy (meter_id, at, value, source) VALUES (?, ?, ?, ?)"
    n = 0
    start = time.perf_counter()
    conn.execute("BEGIN")
    for _number, meter_id, k in meters:
        low, high = HOURLY_KINDS[k][3]
        value = rng.randrange(1_000_000, 100_000_000)
        batch = []
        for at in utc:
            s = str(value)
            batch.append((meter_id, at, f"{s[:-3]}.{s[-3:]}", "import"))
            value += rng.randrange(low, high)
        conn.executemany(sql, batch)
        n += len(batch)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - start
    conn.execute("DROP TABLE bench_reading_copy")
    conn.close()
    return seconds, n


def import_command_exists() -> bool:
    return (ROOT / "almen/green/management/commands/import_readings.py").exists()


IMPORT_TIMEOUT: float | None = None  # --import-timeout


def _vm_hwm_mb(pid: int) -> float:
    """The child's peak resident set so far (Linux ``VmHWM``), 0 when unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_import(db: str, path: Path, rows: int, extra: list[str], label: str) -> dict[str, Any]:
    """``manage.py import_readings`` as a child: wall time, exit code, peak RSS (from
    ``os.wait4``: this child only). With ``--import-timeout`` a child still running is
    stopped (by its pid) and reported as not finished, with its progress and peak RSS
    so far."""
    slug = label.replace(" ", "-")
    out, err = var(f"green-import-{db}-{slug}.out"), var(f"green-import-{db}-{slug}.err")
    cmd = [run.PY, "manage.py", "import_readings", str(path), "--organisation", HOURLY_CVR]
    cmd += [*extra, "-v", "2"]  # -v 2: the progress bar on stderr
    log(f"{label}: {' '.join(cmd[1:])} ({db}, {rows:,} rows)")
    finished = True
    hwm = 0.0
    with out.open("w") as o, err.open("w") as e:
        start = time.perf_counter()
        # The house's upload limit (IMPORT_MAX_BYTES, 200 MB) is raised for the file
        # measured, as an operator importing a year of hourly data would.
        env = run.bench_env(db)
        env["IMPORT_MAX_BYTES"] = str(max(int(path.stat().st_size * 1.1), 200 * 1024 * 1024))
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=o, stderr=e)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            hwm = max(hwm, _vm_hwm_mb(proc.pid))
            if IMPORT_TIMEOUT and time.perf_counter() - start > IMPORT_TIMEOUT:
                log(f"{label}: still running after {IMPORT_TIMEOUT:.0f} s, stopping it")
                finished = False
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.5)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = out.read_text() + err.read_text()
    progress = [p for p in text.replace("\r", "\n").splitlines() if "rækker" in p]
    tail = [x for x in text.replace("\r", "\n").splitlines() if x.strip()]
    result = {
        "rows": rows,
        "seconds": seconds,
        "rps": rows / seconds,
        "exit": proc.returncode,
        "finished": finished,
        "rss_mb": max(usage.ru_maxrss / 1024, hwm),  # Linux: kilobytes
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "progress": progress[-1].strip() if progress else "",
        "tail": tail[-3:],
    }
    if not finished:
        result["rps"] = None
    if not finished:
        log(
            f"{label}: not finished in {seconds:.0f} s; progress {result['progress']!r}, "
            f"peak RSS so far {result['rss_mb']:,.0f} MB"
        )
        return result
    log(
        f"{label}: exit {proc.returncode}, {seconds:.1f} s, {rows / seconds:,.0f} rows/s, "
        f"peak RSS {result['rss_mb']:,.0f} MB; {' | '.join(tail[-2:])[:300]}"
    )
    return result


def django_setup_floor(db: str) -> float:
    """A bare ``django.setup()`` in a new process: the start-up every command pays."""
    start = time.perf_counter()
    subprocess.run(
        [run.PY, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=run.bench_env(db),
        check=True,
    )
    return time.perf_counter() - start


def count_hourly(meter_ids: list[int]) -> int:
    from almen.green.models import Reading

    return Reading.objects.filter(meter_id__in=meter_ids).count()


HOURLY_METERS: int | None = None  # --hourly-meters (default: 4 per hourly estate)
NO_CEILING = False  # --no-ceiling (a second import run, after one with the ceiling)
REUSE_FILE = False  # --reuse-file


def import_pg(reimport: bool, dry_run: bool = False) -> dict[str, Any]:
    meters = ensure_hourly_organisation(HOURLY_METERS)
    ids = [m[1] for m in meters]
    rows = len(meters) * HOURS
    csv_path, copy_path = var(f"green-hourly-{rows}.csv"), var(f"green-hourly-{rows}.copy")
    if csv_path.exists() and copy_path.exists() and REUSE_FILE:
        log(f"reusing {csv_path.name} (--reuse-file; the generator is deterministic)")
    else:
        write_hourly(meters, csv_path, copy_path)
    result: dict[str, Any] = {"rows": rows, "file_mb": csv_path.stat().st_size / 1e6}
    delete_readings(ids)
    if NO_CEILING:
        result["ceiling_s"], result["ceiling_rps"] = float("nan"), float("nan")
        log("raw COPY ceiling skipped (--no-ceiling)")
    else:
        log("raw COPY ceiling (PostgreSQL)")
        result["ceiling_s"] = copy_ceiling_pg(copy_path)
        result["ceiling_rps"] = rows / result["ceiling_s"]
        log(f"raw COPY: {result['ceiling_s']:.1f} s, {result['ceiling_rps']:,.0f} rows/s")
    result["setup_s"] = django_setup_floor(DB)
    if not import_command_exists():
        result["note"] = NOT_BUILT
        return result
    from django.db import connection

    connection.close()  # no transaction of ours open while the child writes
    if dry_run:
        result["dry"] = run_import(DB, csv_path, rows, ["--dry-run"], "dry run")
    result["first"] = run_import(DB, csv_path, rows, [], "first import")
    result["written"] = count_hourly(ids)
    if reimport and result["first"]["exit"] == 0 and result["first"]["finished"]:
        result["again"] = run_import(DB, csv_path, rows, [], "same file again")
        result["written_again"] = count_hourly(ids)
    return result


def import_sqlite() -> dict[str, Any]:
    """The same on SQLite: a database with only what the import needs."""
    sqlite_file = ROOT / run.SQLITE_FILE
    sqlite_file.parent.mkdir(exist_ok=True)
    log(f"SQLite: migrate {run.SQLITE_FILE}")
    run.manage("sqlite", "migrate", "--noinput", "-v0")
    meters_n = max(1, math.ceil(SCALE.sqlite_rows / HOURS))
    script = (
        "import json, sys; sys.path.insert(0, 'bench'); import green; "
        f"green.SCALE = green.Scale(**{SCALE.__dict__!r}); "
        f"m = green.ensure_hourly_organisation({meters_n}); "
        "print('METERS ' + json.dumps(m))"
    )
    out = run.manage("sqlite", "shell", "-c", script, capture_output=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("METERS "))
    meters = [tuple(m) for m in json.loads(line[len("METERS ") :])]
    rows = len(meters) * HOURS
    csv_path = var(f"green-hourly-sqlite-{rows}.csv")
    write_hourly(meters, csv_path, None)  # type: ignore[arg-type]
    result: dict[str, Any] = {"rows": rows}
    delete = (
        "from almen.green.models import Reading; "
        f"Reading.objects.filter(meter_id__in={[m[1] for m in meters]!r}).delete()"
    )
    run.manage("sqlite", "shell", "-c", delete, stdout=subprocess.DEVNULL)
    log("executemany ceiling (SQLite)")
    seconds, n = executemany_ceiling_sqlite(meters)  # type: ignore[arg-type]
    result["ceiling_s"], result["ceiling_rps"] = seconds, n / seconds
    log(f"executemany: {seconds:.1f} s, {n / seconds:,.0f} rows/s")
    if not import_command_exists():
        result["note"] = NOT_BUILT
        return result
    result["first"] = run_import("sqlite", csv_path, rows, [], "first import")
    return result


# --- (3) roll-up -----------------------------------------------------------------------


def rollup_equivalent(year: int) -> list[dict[str, Any]]:
    """The national roll-up as one grouped SUM: CO2e and consumption per municipality
    and kind of a year, top-level meters only."""
    from django.db.models import Sum

    from almen.green.models import MonthlyFootprint

    return list(
        MonthlyFootprint.objects.filter(
            month__gte=dt.date(year, 1, 1), month__lt=dt.date(year + 1, 1, 1), is_sub_meter=False
        )
        .values("municipality_id", "kind")
        .annotate(consumption=Sum("consumption"), kg=Sum("kg_co2e"))
        .order_by("municipality_id", "kind")
    )


ROLLUP_SQL = (
    "SELECT municipality_id, kind, SUM(consumption), SUM(kg_co2e) FROM green_monthlyfootprint "
    "WHERE month >= %s AND month < %s AND NOT is_sub_meter GROUP BY 1, 2 ORDER BY 1, 2"
)


def rollup_section(repeats: int) -> dict[str, Any]:
    from django.core.cache import cache
    from django.db import connection

    try:
        from almen.green import pages_selectors

        fn = getattr(pages_selectors, "national_rollup", None)
    except ImportError:
        fn = None
    if fn is not None:
        measured = "almen.green.pages_selectors.national_rollup"
        call = lambda: _materialise(fn(ROLLUP_YEAR))  # noqa: E731
    else:
        measured = "the equivalent grouped SUM (national_rollup not built yet)"
        call = lambda: rollup_equivalent(ROLLUP_YEAR)  # noqa: E731
    log(f"rollup: measuring {measured}")
    from django.test.utils import CaptureQueriesContext

    cold, warm, queries = [], [], 0
    for _ in range(repeats):
        connection.close()
        cache.clear()
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            result = call()
        cold.append(time.perf_counter() - start)
        queries = len(captured.captured_queries)
        start = time.perf_counter()
        call()
        warm.append(time.perf_counter() - start)
    ceiling = []
    for _ in range(repeats):
        start = time.perf_counter()
        with pg_connect() as conn:
            groups = conn.execute(
                ROLLUP_SQL, [dt.date(ROLLUP_YEAR, 1, 1), dt.date(ROLLUP_YEAR + 1, 1, 1)]
            ).fetchall()
        ceiling.append(time.perf_counter() - start)
    from almen.green.models import MonthlyFootprint

    months = MonthlyFootprint.objects.filter(
        month__gte=dt.date(ROLLUP_YEAR, 1, 1), month__lt=dt.date(ROLLUP_YEAR + 1, 1, 1)
    ).count()
    out = {
        "measured": measured,
        "months_in_year": months,
        "groups": len(groups),
        "result_len": len(result) if hasattr(result, "__len__") else None,
        "queries": queries,
        "cold_s": cold,
        "warm_s": warm,
        "ceiling_s": ceiling,
    }
    log(
        f"rollup: cold median {statistics.median(cold):.3f} s (max {max(cold):.3f}), warm "
        f"{statistics.median(warm):.3f} s, ceiling {statistics.median(ceiling):.3f} s, "
        f"{queries} queries, {months:,} months in {ROLLUP_YEAR}"
    )
    return out


def _materialise(value: Any) -> Any:
    if isinstance(value, (list, tuple, dict, str)) or value is None:
        return value
    try:
        return list(value)
    except TypeError:
        return value


# --- (4) the estate green page --------------------------------------------------------


def staff_session(org_ids: list[int]) -> str:
    """The demo's staff persona, staff of these organisations too, in a session that
    has passed TOTP (as bench/run.py's sessions)."""
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from almen.accounts.models import User
    from almen.register.models import Membership, Role

    user = User.objects.get(email="administration@almen.demo")
    for org_id in org_ids:
        Membership.objects.get_or_create(
            user=user,
            role=Role.ORG_STAFF,
            organisation_id=org_id,
            defaults={"starts": dt.date(2025, 1, 1)},
        )
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    totp = Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).first()
    if totp is not None:
        store[AUTHENTICATION_METHODS_SESSION_KEY] = [
            {"method": "mfa", "at": time.time(), "id": totp.pk, "type": totp.type}
        ]
        store[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    store.create()
    return str(store.session_key)


def choose_estates() -> dict[str, Any]:
    """The largest national organisation (most estates) and its largest estate; the
    small estate of organisation A."""
    from django.db.models import Count

    from almen.green.models import Meter, MonthlyFootprint
    from almen.register.models import Estate, Organisation
    from almen.register.national import NATIONAL_CVR_PREFIX

    org = (
        Organisation.objects.filter(cvr__startswith=NATIONAL_CVR_PREFIX)
        .exclude(cvr=HOURLY_CVR)
        .annotate(n=Count("estates"))
        .order_by("-n", "id")
        .first()
    )
    assert org is not None
    estate = Estate.objects.filter(organisation=org).order_by("-unit_count", "number").first()
    small = Estate.objects.get(organisation__cvr=SMALL_CVR, number=1)

    def facts(e: Estate) -> dict[str, Any]:
        return {
            "cvr": e.organisation.cvr,
            "number": e.number,
            "organisation_id": e.organisation_id,
            "meters": Meter.objects.filter(estate=e).count(),
            "months": MonthlyFootprint.objects.filter(estate=e).count(),
            "units": e.unit_count,
        }

    return {"national": facts(estate), "small": facts(small), "org_estates": org.n}


# Diagnostic: BENCH_GREEN_PAGE="" measures the estate page itself (to try the section).
PAGE_SUFFIX = os.environ.get("BENCH_GREEN_PAGE", "groen-drift/")


def page_path(e: dict[str, Any]) -> str:
    return f"/organisationer/{e['cvr']}/afdelinger/{e['number']}/{PAGE_SUFFIX}"


def start_server() -> tuple[subprocess.Popen, str]:
    """gunicorn from the venv this runs in (2 sync workers, config.settings_bench)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    proc = subprocess.Popen(
        [
            GUNICORN,
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=run.bench_env(DB),
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            with urllib.request.urlopen(base + "/bench/hello", timeout=1) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    sys.exit("gunicorn did not start")


def slowest_queries(path: str, session: str, top: int = 3) -> list[tuple[float, str]]:
    """The page's slowest queries in-process (after a warm-up request): where its time
    goes, for whoever makes it faster."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = session
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    queries = sorted(
        ((float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries), reverse=True
    )[:top]
    for ms, sql in queries:
        log(f"page query {ms:6.1f} ms: {sql[:240]}")
    return [(ms, sql[:1000]) for ms, sql in queries]


def ensure_wrk() -> None:
    """wrk from apt when missing (as ``make bench`` does); the Python client otherwise."""
    if run.shutil_which("wrk") is None and os.geteuid() == 0 and run.shutil_which("apt-get"):
        log("installing wrk (apt)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, check=False)


def page_section(seconds: int, connections: int, repeats: int) -> dict[str, Any]:
    from almen.green.footprint import meter_refresh

    meter_refresh([seed_small_estate()])
    chosen = choose_estates()
    session = staff_session(
        [chosen["national"]["organisation_id"], chosen["small"]["organisation_id"]]
    )
    goals.flush_redis()
    national, small = page_path(chosen["national"]), page_path(chosen["small"])
    out: dict[str, Any] = {"chosen": chosen, "paths": [national, small]}
    cookie = f"sessionid={session}"
    status = {}
    from django.test import Client

    for path in (national, small):
        client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
        client.cookies["sessionid"] = session
        status[path] = client.get(path).status_code
    out["status"] = status
    log(f"page: {status}")
    if any(code != 200 for code in status.values()):
        out["note"] = f"{NOT_BUILT} (answers {sorted(set(status.values()))})"
        return out
    out["in_process"] = goals.in_process(
        [
            ("green page, national estate", national, session),
            ("green page, small estate", small, session),
            ("one-query", "/bench/one-query", None),
        ],
        repeats,
    )
    out["slowest_queries"] = slowest_queries(national, session)
    ensure_wrk()
    proc, base = start_server()
    try:
        if run.shutil_which("wrk") is None:
            log("wrk is missing: apt-get install -y wrk (the Python client is slower)")
        out["http"] = run.measure(
            base,
            [
                ("hello", "/bench/hello", None),
                ("one-query", "/bench/one-query", None),
                ("green page, national estate", national, session),
                ("green page, small estate", small, session),
            ],
            seconds,
            connections,
        )
        # p95 over at least 200 requests: a slow page gets a longer run.
        load = run.load_wrk if run.shutil_which("wrk") else run.load_python
        for name, path in (
            ("green page, national estate", national),
            ("green page, small estate", small),
        ):
            h = out["http"].get(name)
            if h and h["requests"] < MIN_REQUESTS:
                longer = min(60, math.ceil(seconds * 1.2 * MIN_REQUESTS / max(h["requests"], 1)))
                log(f"{name}: {h['requests']} requests, again for {longer} s")
                out["http"][name] = load(base + path, cookie, longer, connections)
                out["http"][name]["seconds"] = longer
        out["cold_ms"] = []
        for _ in range(3):
            goals.flush_redis()
            out["cold_ms"].append(goals._one_request(base + national, cookie))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return out


# --- report ------------------------------------------------------------------------------


def report(results: dict[str, Any]) -> list[str]:
    lines = [f"{'figure':58} {'value':>22} {'ceiling, same run':>24} {'ratio':>6}  target"]
    add = lines.append
    r = results.get("refresh")
    if r:
        add(
            f"{'meter_refresh, ' + format(r['meters'], ',') + ' meters (readings/s)':58} "
            f"{r['readings'] / r['seconds']:>16,.0f} /s  "
            f"{r['readings'] / r['ceiling_s']:>18,.0f} /s {r['ceiling_s'] / r['seconds']:6.1%}"
        )
        add(
            f"{'  months written (' + format(r['months'], ',') + ') in s, CPU s':58} "
            f"{r['seconds']:>10.1f} s ({r['cpu_s']:.1f})   {r['ceiling_s']:>20.2f} s"
        )
    for db in ("postgres", "sqlite"):
        i = results.get(f"import_{db}")
        if not i:
            continue
        label = f"import_readings, {db}, {i['rows']:,} rows"
        if "first" not in i:
            add(f"{label:58} {i.get('note', ''):>22} {i['ceiling_rps']:>21,.0f} /s")
            continue
        f = i["first"]
        if not f["finished"]:
            add(
                f"{label:58} {'not finished in ' + format(f['seconds'], '.0f') + ' s':>22} "
                f"{i['ceiling_rps']:>21,.0f} /s"
            )
            add(f"{'  progress when stopped':58} {f['progress']}")
            add(f"{'  peak RSS so far, CPU s':58} {f['rss_mb']:>19,.0f} MB, CPU {f['cpu_s']:.0f}")
            continue
        ratio = f["rps"] / i["ceiling_rps"]
        met = ""
        if db == "postgres":
            met = (
                f"≥ 100,000 {'✓' if f['rps'] >= IMPORT_RPS_TARGET else '✗'}, "
                f"≥ 30 % {'✓' if ratio >= IMPORT_RATIO_TARGET else '✗'}"
            )
        add(
            f"{label + ' (rows/s)':58} {f['rps']:>19,.0f} /s {i['ceiling_rps']:>21,.0f} /s "
            f"{ratio:6.1%}  {met}"
        )
        add(
            f"{'  wall s, exit code, CPU s':58} {f['seconds']:>10.1f} s, exit {f['exit']}, "
            f"CPU {f['cpu_s']:.1f}  {i['ceiling_s']:>8.1f} s"
        )
        rss_met = "≤ 1 GB " + ("✓" if f["rss_mb"] <= RSS_TARGET_MB else "✗")
        add(
            f"{'  peak RSS of the child':58} {f['rss_mb']:>19,.0f} MB {'':>24} {'':>6}  "
            f"{rss_met if db == 'postgres' else ''}"
        )
        if "written" in i:
            add(f"{'  readings in the database afterwards':58} {i['written']:>22,}")
        if "setup_s" in i:
            add(f"{'  of the wall time: a bare django.setup() process':58} {i['setup_s']:>20.1f} s")
        if "dry" in i:
            d = i["dry"]
            add(
                f"{'  --dry-run of the same file (check only), rows/s':58} {d['rps']:>19,.0f} /s "
                f"{'':>24} {'':>6}  exit {d['exit']}, RSS {d['rss_mb']:,.0f} MB"
            )
        if "again" in i:
            a = i["again"]
            add(
                f"{'  the same file again (upsert), rows/s':58} {a['rps']:>19,.0f} /s "
                f"{'':>24} {'':>6}  exit {a['exit']}, RSS {a['rss_mb']:,.0f} MB, "
                f"rows after {i.get('written_again', 0):,}"
            )
    u = results.get("rollup")
    if u:
        cold = statistics.median(u["cold_s"])
        add(
            f"{f'national roll-up {ROLLUP_YEAR}, cold (median of {len(u["cold_s"])})':58} "
            f"{cold:>20.3f} s {statistics.median(u['ceiling_s']):>22.3f} s "
            f"{statistics.median(u['ceiling_s']) / cold:6.0%}  ≤ 2 s "
            f"{'✓' if max(u['cold_s']) <= ROLLUP_TARGET_S else '✗'}"
        )
        add(
            f"{'  cold max / warm median, queries':58} {max(u['cold_s']):>9.3f} / "
            f"{statistics.median(u['warm_s']):.3f} s, {u['queries']} q"
        )
        add(f"  measured: {u['measured']}; {u['months_in_year']:,} months, {u['groups']} groups")
    p = results.get("page")
    if p:
        if "note" in p:
            add(f"{'estate green page':58} {p['note']}")
        else:
            http = p.get("http", {})
            one = http.get("one-query", {})
            for name in ("green page, national estate", "green page, small estate"):
                h = http.get(name)
                if not h:
                    continue
                add(
                    f"{name + ' p50 / p95 ms':58} {h['p50']:>9.1f} / {h['p95']:>6.1f} ms "
                    f"{one.get('p50', 0):>12.1f} / {one.get('p95', 0):.1f} ms "
                    f"{'':>6}  ≤ 100 {'✓' if h['p95'] <= PAGE_TARGET_MS else '✗'}"
                )
                add(
                    f"{'  req/s (requests)':58} {h['rps']:>14,.0f} ({h['requests']:,}) "
                    f"{one.get('rps', 0):>19,.0f} /s {h['rps'] / one['rps'] if one else 0:6.0%}"
                )
            ip = p.get("in_process", {})
            n, s = ip.get("green page, national estate"), ip.get("green page, small estate")
            if n and s:
                same = "✓ equal" if n["queries"] == s["queries"] else "✗ differ"
                add(
                    f"{'  queries national / small estate':58} {n['queries']:>12} / {s['queries']}"
                    f" {'':>24} {'':>6}  {same}"
                )
                add(
                    f"{'  in-process CPU ms national / small / one-query':58} "
                    f"{n['cpu_ms']:>9.1f} / {s['cpu_ms']:.1f} / "
                    f"{ip.get('one-query', {}).get('cpu_ms', 0):.1f}"
                )
            c = p["chosen"]
            add(f"  national: {c['national']} (of {c['org_estates']} estates); small: {c['small']}")
            for ms, sql in p.get("slowest_queries", []):
                add(f"  slowest query in-process {ms:6.1f} ms: {sql[:150]}")
            if p.get("cold_ms"):
                add(
                    f"  single requests after a cache flush: "
                    f"{', '.join(f'{x:.0f}' for x in p['cold_ms'])} ms"
                )
    return lines


def main() -> None:
    global SCALE
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        choices=["refresh", "import", "import-pg", "import-sqlite", "rollup", "page", "seed"],
    )
    parser.add_argument("--small", action="store_true", help="1/100 scale smoke run")
    parser.add_argument("--skip-seed", action="store_true", help="data is already there")
    parser.add_argument("--no-sqlite", action="store_true", help="import on PostgreSQL only")
    parser.add_argument("--reimport", action="store_true", help="time the same file again")
    parser.add_argument(
        "--refresh-meters", type=int, help="refresh a sample of this many meters (default all)"
    )
    parser.add_argument(
        "--hourly-meters", type=int, help="meters in the PostgreSQL hourly file (default 1,144)"
    )
    parser.add_argument("--reuse-file", action="store_true", help="hourly file already written")
    parser.add_argument("--no-ceiling", action="store_true", help="import without the COPY")
    parser.add_argument("--import-timeout", type=float, help="stop an import after this many s")
    parser.add_argument("--sqlite-rows", type=int, help="rows of the SQLite file (8,760 a meter)")
    parser.add_argument("--dry-run", action="store_true", help="also time --dry-run first")
    parser.add_argument("--seconds", type=int, default=10, help="wrk seconds per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=5, help="roll-up runs, in-process")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if args.small:
        SCALE = SMALL
    if args.sqlite_rows:
        SCALE = Scale(**{**SCALE.__dict__, "sqlite_rows": args.sqlite_rows})
    global IMPORT_TIMEOUT, HOURLY_METERS, NO_CEILING, REUSE_FILE
    REUSE_FILE = args.reuse_file
    IMPORT_TIMEOUT = args.import_timeout
    NO_CEILING = args.no_ceiling
    HOURLY_METERS = args.hourly_meters
    default_db = "green_bench_small" if args.small else "green_bench"
    run.PG_DB = os.environ.get("BENCH_PG_DB", default_db)
    run.SQLITE_FILE = os.environ.get("BENCH_SQLITE", f"var/{default_db}.sqlite3")
    run.URLS.update(
        postgres=f"postgres://postgres@127.0.0.1:5432/{run.PG_DB}",
        sqlite=f"sqlite:///{run.SQLITE_FILE}",
    )
    goals.REDIS_URL = REDIS_URL
    run.EXTRA_ENV["REDIS_URL"] = REDIS_URL

    load_before = load()
    log(f"load before: {load_before}; database {run.PG_DB}; scale {SCALE}")
    results: dict[str, Any] = {"load_before": load_before}
    started = time.perf_counter()
    if args.skip_seed:
        goals.django_setup(DB)
    else:
        results["seed"] = seed()
    sections = [args.only] if args.only else ["refresh", "rollup", "page", "import"]
    if "refresh" in sections:
        results["refresh"] = refresh_section(args.refresh_meters)
    if "rollup" in sections:
        results["rollup"] = rollup_section(args.repeats)
    if "page" in sections:
        results["page"] = page_section(args.seconds, args.connections, 20)
    if ("import" in sections and not args.no_sqlite) or "import-sqlite" in sections:
        results["import_sqlite"] = import_sqlite()
    if "import" in sections or "import-pg" in sections:
        results["import_postgres"] = import_pg(args.reimport, args.dry_run)
    results["load_after"] = load()
    print(
        f"# {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · bench/green.py "
        f"{' '.join(sys.argv[1:])} · PostgreSQL {run.PG_DB} · {os.cpu_count()} cores · "
        f"Python {platform.python_version()} · load before {load_before}, after "
        f"{results['load_after']} · {time.perf_counter() - started:.0f} s in all"
    )
    for line in report(results):
        print(line)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
