"""National-scale register data for benchmarks and capacity checks.

``national_seed`` generates organisations across the 98 municipalities (weighted by
size: København, Aarhus, Odense and Aalborg heaviest), their estates, estate boards,
buildings, units (≈ 1.05 × households, the rest vacant), households and residents,
with the same Danish names as the demo.

It writes with the database's own bulk path — ``COPY`` on PostgreSQL, batched
``executemany`` on SQLite — in one transaction, with primary keys chosen here (after
the current maximum) so that child rows can point at their parents without reading
anything back. Rows are generated as streams from a compact plan, so memory stays
small at a million residents.

National organisations are recognised by their CVR number: all of them lie in
90000000–99999999 (``NATIONAL_CVR_PREFIX``), a range the demo does not use.
This is seed data, like the demo: it bypasses the services and the audit log on
purpose (a million audit entries would say nothing).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from almen.lib.bulk import copy_rows
from almen.register.demo import FIRST_NAMES, STREETS, SURNAMES
from almen.register.models import (
    Body,
    BodyKind,
    Building,
    Estate,
    Household,
    Municipality,
    Organisation,
    Resident,
    Unit,
)
from almen.register.services import estate_counts_refresh

NATIONAL_CVR_PREFIX = "9"

# Relative weights for where organisations sit (roughly the size of the almene stock);
# every other municipality weighs 1.
MUNICIPALITY_WEIGHTS = {
    "0101": 40,  # København
    "0751": 18,  # Aarhus
    "0461": 12,  # Odense
    "0851": 12,  # Aalborg
    "0147": 4,  # Frederiksberg
    "0561": 4,  # Esbjerg
    "0730": 3,  # Randers
    "0621": 3,  # Kolding
    "0615": 3,  # Horsens
    "0630": 3,  # Vejle
    "0169": 3,  # Høje-Taastrup
    "0165": 3,  # Albertslund
    "0183": 2,  # Ishøj
    "0153": 2,  # Brøndby
    "0159": 2,  # Gladsaxe
    "0167": 2,  # Hvidovre
    "0175": 2,  # Rødovre
    "0330": 2,  # Slagelse
    "0370": 2,  # Næstved
    "0657": 2,  # Herning
}
ORG_PREFIXES = [
    "Boligselskabet",
    "Boligforeningen",
    "Den Almennyttige Boligforening",
    "Arbejdernes Boligselskab",
    "Almenbo",
    "Boligkontoret",
]
ESTATE_STEMS = [
    "Birke",
    "Ege",
    "Rosen",
    "Lærke",
    "Bøge",
    "Aske",
    "Elme",
    "Kilde",
    "Sol",
    "Skov",
    "Strand",
    "Eng",
    "Mose",
    "Lunde",
    "Tofte",
    "Hyldebær",
    "Kastanje",
    "Valmue",
]
ESTATE_SUFFIXES = ["parken", "gården", "haven", "vænget", "højen", "bakken", "lunden", "toften"]
UNIT_KINDS = ["family", "elderly", "youth"]
UNIT_KIND_WEIGHTS = [80, 12, 8]
SIDES = ["tv", "th", "mf"]
UNITS_PER_BUILDING = 24
BATCH = 5000


@dataclass
class Plan:
    """Counts and first ids; everything else is derived from these while streaming."""

    seed: int
    organisations: int
    estates: int
    units: int
    households: int
    residents: int
    municipality_names: dict[int, str] = field(default_factory=dict)
    org_municipality: list[int] = field(default_factory=list)
    org_cvr: list[str] = field(default_factory=list)
    # Per estate: organisation index, number within it, municipality id, unit count.
    estate_org: list[int] = field(default_factory=list)
    estate_number: list[int] = field(default_factory=list)
    estate_municipality: list[int] = field(default_factory=list)
    estate_units: list[int] = field(default_factory=list)
    estate_street: list[str] = field(default_factory=list)
    occupied: bytearray = field(default_factory=bytearray)  # per unit
    household_size: bytearray = field(default_factory=bytearray)  # per household
    first_id: dict[str, int] = field(default_factory=dict)

    @property
    def buildings(self) -> int:
        return sum(math.ceil(n / UNITS_PER_BUILDING) for n in self.estate_units)

    @property
    def bodies(self) -> int:
        return 2 * self.organisations + self.estates


class NationalDataExists(Exception):
    """National rows are already in the database; seeding twice would double them."""


class Progress:
    """A one-line progress bar on stderr with rows per second."""

    def __init__(self, total: int, out: TextIO | None = None) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.out = out if out is not None else sys.stderr
        self.start = time.perf_counter()
        self._last = 0.0
        self.label = ""

    def tick(self, n: int, *, force: bool = False) -> None:
        self.done += n
        now = time.perf_counter()
        if not force and now - self._last < 0.25:
            return
        self._last = now
        elapsed = max(now - self.start, 1e-9)
        share = min(self.done / self.total, 1.0)
        bar = "#" * int(share * 30)
        self.out.write(
            f"\r[{bar:<30}] {share:4.0%} {self.done:>10,}/{self.total:,} rækker "
            f"{self.done / elapsed:>9,.0f} rækker/s  {self.label:<12}"
        )
        self.out.flush()

    def close(self) -> float:
        self.tick(0, force=True)
        self.out.write("\n")
        return time.perf_counter() - self.start


def national_exists() -> bool:
    return Organisation.objects.filter(cvr__startswith=NATIONAL_CVR_PREFIX).exists()


def _spread(total: int, weights: Sequence[float], minimum: int) -> list[int]:
    """Split ``total`` into len(weights) integers ≥ minimum, proportional to weights."""
    n = len(weights)
    rest = total - minimum * n
    wsum = sum(weights)
    parts = [minimum + int(rest * w / wsum) for w in weights]
    short = total - sum(parts)
    order = sorted(range(n), key=lambda i: -weights[i])
    for i in range(short):
        parts[order[i % n]] += 1
    return parts


def national_plan(
    *, organisations: int, estates: int, households: int, residents: int, seed: int
) -> Plan:
    if organisations < 1 or estates < organisations:
        raise ValueError(
            "Der skal være mindst én organisation og mindst én afdeling pr. organisation."
        )
    if households < 0 or residents < households:
        raise ValueError("Der skal være mindst én beboer pr. husstand.")
    rng = random.Random(seed)  # noqa: S311 - test data, not security
    units = max(round(households * 1.05), estates, households)
    plan = Plan(seed, organisations, estates, units, households, residents)

    municipalities = list(Municipality.objects.order_by("code").values_list("id", "code"))
    if not municipalities:
        raise ValueError("Kommunerne mangler: kør migrate først.")
    # Read everything now: no query may run on the connection while a COPY streams.
    plan.municipality_names = dict(Municipality.objects.values_list("id", "name"))
    m_ids = [m for m, _ in municipalities]
    m_weights = [MUNICIPALITY_WEIGHTS.get(code, 1) for _, code in municipalities]
    plan.org_municipality = rng.choices(m_ids, weights=m_weights, k=organisations)

    taken = set(Organisation.objects.values_list("cvr", flat=True))
    cvrs: list[str] = []
    for number in rng.sample(range(90_000_000, 100_000_000), organisations + len(taken)):
        if str(number) not in taken:
            cvrs.append(str(number))
        if len(cvrs) == organisations:
            break
    plan.org_cvr = cvrs

    # A long tail: a few organisations with hundreds of estates, most with a handful.
    per_org = _spread(estates, [rng.lognormvariate(0, 1.1) for _ in range(organisations)], 1)
    for org, count in enumerate(per_org):
        for number in range(1, count + 1):
            plan.estate_org.append(org)
            plan.estate_number.append(number)
            # Most estates lie in the organisation's own municipality.
            if rng.random() < 0.9:
                plan.estate_municipality.append(plan.org_municipality[org])
            else:
                plan.estate_municipality.append(rng.choices(m_ids, weights=m_weights)[0])
            plan.estate_street.append(rng.choice(STREETS))
    plan.estate_units = _spread(units, [rng.lognormvariate(0, 0.9) for _ in range(estates)], 1)

    plan.occupied = bytearray(b"\x01") * units
    for i in rng.sample(range(units), units - households):
        plan.occupied[i] = 0
    plan.household_size = bytearray(b"\x01") * households
    if households:
        for i in rng.choices(range(households), k=residents - households):
            if plan.household_size[i] < 12:
                plan.household_size[i] += 1
            else:  # keep the total exact without absurd households
                plan.household_size[rng.randrange(households)] += 1
    return plan


def _uuid(rng: random.Random) -> str:
    # Deterministic for a seed; hex is what Django stores on SQLite and PostgreSQL accepts.
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex


def _organisation_rows(plan: Plan) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(f"{plan.seed}-organisations")  # noqa: S311
    names = plan.municipality_names
    created = connection.ops.adapt_datetimefield_value(timezone.now())
    for i in range(plan.organisations):
        town = names[plan.org_municipality[i]]
        stem = f"{rng.choice(ESTATE_STEMS)}{rng.choice(ESTATE_SUFFIXES)}"
        name = f"{rng.choice(ORG_PREFIXES)} {stem} {town}"
        yield (
            plan.first_id["organisation"] + i,
            _uuid(rng),
            plan.org_cvr[i],
            name,
            plan.org_municipality[i],
            f"{rng.choice(STREETS)} {rng.randint(1, 80)}, {town}",
            created,
        )


def _estate_rows(plan: Plan) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(f"{plan.seed}-estates")  # noqa: S311
    names = plan.municipality_names
    for e in range(plan.estates):
        yield (
            plan.first_id["estate"] + e,
            _uuid(rng),
            plan.first_id["organisation"] + plan.estate_org[e],
            plan.estate_number[e],
            f"{rng.choice(ESTATE_STEMS)}{rng.choice(ESTATE_SUFFIXES)}",
            plan.estate_municipality[e],
            f"{plan.estate_street[e]} 1",
            "",
            names[plan.estate_municipality[e]],
            rng.choice([1, 1, 1, 7]),
        )


def _body_rows(plan: Plan) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(f"{plan.seed}-bodies")  # noqa: S311
    pk = plan.first_id["body"]
    for o in range(plan.organisations):
        for kind in (BodyKind.REPRESENTATIVE_COUNCIL, BodyKind.ORGANISATION_BOARD):
            yield (pk, _uuid(rng), str(kind), plan.first_id["organisation"] + o, None)
            pk += 1
    for e in range(plan.estates):
        org_id = plan.first_id["organisation"] + plan.estate_org[e]
        yield (pk, _uuid(rng), str(BodyKind.ESTATE_BOARD), org_id, plan.first_id["estate"] + e)
        pk += 1


def _building_rows(plan: Plan) -> Iterator[tuple[Any, ...]]:
    pk = plan.first_id["building"]
    for e in range(plan.estates):
        for n in range(1, math.ceil(plan.estate_units[e] / UNITS_PER_BUILDING) + 1):
            yield (pk, plan.first_id["estate"] + e, f"{plan.estate_street[e]} {n}")
            pk += 1


def _unit_rows(plan: Plan) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(f"{plan.seed}-units")  # noqa: S311
    pk = plan.first_id["unit"]
    building = plan.first_id["building"]
    for e in range(plan.estates):
        street, estate_number = plan.estate_street[e], plan.estate_number[e]
        for i in range(plan.estate_units[e]):
            b = i // UNITS_PER_BUILDING
            kind = rng.choices(UNIT_KINDS, weights=UNIT_KIND_WEIGHTS)[0]
            rooms = 1 if kind == "youth" else rng.randint(1, 5)
            yield (
                pk,
                plan.first_id["estate"] + e,
                building + b,
                f"{estate_number:03d}-{i + 1:04d}",
                f"{street} {b + 1}, {1 + (i % UNITS_PER_BUILDING) // 4}. {SIDES[i % 3]}",
                kind,
                f"{25 + rooms * 18 + rng.randint(0, 12)}.00",
                rooms,
            )
            pk += 1
        building += math.ceil(plan.estate_units[e] / UNITS_PER_BUILDING)


def _household_rows(plan: Plan) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(f"{plan.seed}-households")  # noqa: S311
    latest = timezone.localdate() - dt.timedelta(days=1)
    start = dt.date(1975, 1, 1).toordinal()
    span = latest.toordinal() - start
    pk = plan.first_id["household"]
    for u, occupied in enumerate(plan.occupied):
        if occupied:
            moved_in = dt.date.fromordinal(start + rng.randrange(span)).isoformat()
            yield (pk, _uuid(rng), plan.first_id["unit"] + u, moved_in, None)
            pk += 1


def _resident_rows(plan: Plan) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(f"{plan.seed}-residents")  # noqa: S311
    pk = plan.first_id["resident"]
    household = plan.first_id["household"]
    for h, size in enumerate(plan.household_size):
        surname = rng.choice(SURNAMES)
        for _ in range(size):
            name = f"{rng.choice(FIRST_NAMES)} {surname}"
            yield (pk, _uuid(rng), household + h, name, "", "", rng.randint(1935, 2008), None)
            pk += 1


TABLES: list[tuple[str, type[models.Model], list[str], Callable[[Plan], Iterable[Any]]]] = [
    (
        "organisation",
        Organisation,
        ["id", "public_id", "cvr", "name", "municipality_id", "address", "created_at"],
        _organisation_rows,
    ),
    (
        "estate",
        Estate,
        [
            "id",
            "public_id",
            "organisation_id",
            "number",
            "name",
            "municipality_id",
            "address",
            "postal_code",
            "city",
            "fiscal_year_start_month",
        ],
        _estate_rows,
    ),
    ("body", Body, ["id", "public_id", "kind", "organisation_id", "estate_id"], _body_rows),
    ("building", Building, ["id", "estate_id", "address"], _building_rows),
    (
        "unit",
        Unit,
        ["id", "estate_id", "building_id", "number", "address", "kind", "area_m2", "rooms"],
        _unit_rows,
    ),
    (
        "household",
        Household,
        ["id", "public_id", "unit_id", "moved_in", "moved_out"],
        _household_rows,
    ),
    (
        "resident",
        Resident,
        ["id", "public_id", "household_id", "name", "email", "phone", "birth_year", "user_id"],
        _resident_rows,
    ),
]


def analyze(tables: Iterable[str]) -> None:
    """``ANALYZE`` these tables (also inside a transaction: both databases then count
    the transaction's own new rows)."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _write(table: str, columns: list[str], rows: Iterable[Any], progress: Progress) -> int:
    return copy_rows(table, columns, rows, batch_size=BATCH, on_batch=progress.tick)


def national_seed(
    *,
    organisations: int = 500,
    estates: int = 7000,
    households: int = 600_000,
    residents: int = 1_000_000,
    seed: int = 2026,
    out: TextIO | None = None,
) -> dict[str, Any]:
    """Generate and insert national-scale register data. Returns rows per table and the
    time taken. Raises ``NationalDataExists`` if national organisations are present."""
    if national_exists():
        raise NationalDataExists
    plan = national_plan(
        organisations=organisations,
        estates=estates,
        households=households,
        residents=residents,
        seed=seed,
    )
    counts: dict[str, int] = {}
    expected = (
        organisations + estates + plan.bodies + plan.buildings + plan.units + households + residents
    )
    progress = Progress(expected, out)
    with transaction.atomic():
        # Ids after the current maximum: safe on SQLite (the IMMEDIATE transaction holds
        # the write lock); on PostgreSQL the sequences are moved past them below, and
        # the command is meant for a quiet database (a concurrent insert could collide).
        for key, model, _, _ in TABLES:
            current = model._default_manager.aggregate(m=models.Max("id"))["m"] or 0
            plan.first_id[key] = current + 1
        for key, model, columns, rows in TABLES:
            progress.label = key
            counts[key] = _write(model._meta.db_table, columns, rows(plan), progress)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(
                    no_style(), [model for _, model, _, _ in TABLES]
                ):
                    cursor.execute(sql)
        # Fresh planner statistics before anything reads the new rows (the count
        # refresh below, the first requests): without them PostgreSQL and SQLite plan
        # for the empty tables they saw before the load.
        analyze(model._meta.db_table for _, model, _, _ in TABLES)
        first = plan.first_id["estate"]
        estate_counts_refresh(estate_ids=range(first, first + plan.estates))
        analyze([Estate._meta.db_table])  # its counts just changed
    # Written by COPY, past the signals: the cached names of places (the menu's) move on.
    from almen.register.places import names_changed

    names_changed()
    seconds = progress.close()
    return {"rows": counts, "seconds": seconds, "total": sum(counts.values())}
