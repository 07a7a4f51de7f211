"""seed_national at a small size: counts, referential integrity, and refusal to run twice.

Runs on whatever database the suite uses (SQLite locally, PostgreSQL in CI), so both
bulk paths — executemany and COPY — are exercised."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F

from almen.register.models import (
    Body,
    BodyKind,
    Building,
    Estate,
    Household,
    Organisation,
    Resident,
    Unit,
)
from almen.register.national import NATIONAL_CVR_PREFIX, national_plan

SMALL = ["--organisations", "3", "--estates", "10", "--households", "200", "--residents", "350"]

pytestmark = pytest.mark.django_db


def _national_orgs():
    return Organisation.objects.filter(cvr__startswith=NATIONAL_CVR_PREFIX)


def _seed(*extra: str) -> str:
    out = io.StringIO()
    call_command("seed_national", *SMALL, *extra, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_counts_and_integrity(cast: object) -> None:
    before = {m: m.objects.count() for m in (Unit, Household, Resident, Building, Body)}
    output = _seed()
    assert "rækker" in output

    orgs = _national_orgs()
    assert orgs.count() == 3
    assert all(len(o.cvr) == 8 and o.cvr.isdigit() for o in orgs)
    estates = Estate.objects.filter(organisation__in=orgs)
    assert estates.count() == 10
    units = Unit.objects.filter(estate__in=estates)
    assert units.count() == 210  # ≈ 1.05 × households
    households = Household.objects.filter(unit__in=units)
    assert households.count() == 200
    assert households.active().count() == 200
    residents = Resident.objects.filter(household__in=households)
    assert residents.count() == 350
    # Nothing was created outside the national organisations.
    assert Unit.objects.count() - before[Unit] == 210
    assert Resident.objects.count() - before[Resident] == 350

    # Estates are numbered 1..n within each organisation.
    for org in orgs:
        numbers = sorted(org.estates.values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))
    # Every household has at least one resident; every unit at most one household.
    assert not households.annotate(n=Count("residents")).filter(n=0).exists()
    assert not units.annotate(n=Count("households")).filter(n__gt=1).exists()
    # Units point at a building of their own estate.
    assert not units.exclude(building__estate_id=F("estate_id")).exists()
    # One board per estate, two bodies per organisation.
    assert Body.objects.filter(estate__in=estates, kind=BodyKind.ESTATE_BOARD).count() == 10
    assert Body.objects.filter(organisation__in=orgs, estate__isnull=True).count() == 6
    assert Body.objects.count() - before[Body] == 16

    # The database agrees that every foreign key resolves.
    # (On PostgreSQL foreign keys are deferred: this forces the check before commit.)
    connection.check_constraints(
        table_names=[m._meta.db_table for m in (Estate, Building, Unit, Household, Resident, Body)]
    )

    # Ids continue afterwards: the ORM can insert (PostgreSQL sequences were moved on).
    estate = estates.first()
    assert estate is not None
    unit = Unit.objects.create(estate=estate, number="X-1", rooms=2, area_m2=50)
    assert unit.pk > units.exclude(pk=unit.pk).order_by("-pk").values_list("pk", flat=True)[0]


def test_refuses_twice() -> None:
    _seed()
    with pytest.raises(CommandError, match="allerede nationale data"):
        _seed()
    assert _national_orgs().count() == 3


def test_same_seed_same_plan() -> None:
    sizes = {"organisations": 3, "estates": 10, "households": 200, "residents": 350}
    plan_a = national_plan(**sizes, seed=7)
    plan_b = national_plan(**sizes, seed=7)
    plan_c = national_plan(**sizes, seed=8)
    assert plan_a.org_cvr == plan_b.org_cvr
    assert plan_a.estate_units == plan_b.estate_units
    assert plan_a.occupied == plan_b.occupied
    assert (plan_a.org_cvr, plan_a.occupied) != (plan_c.org_cvr, plan_c.occupied)
    assert sum(plan_a.household_size) == 350
    assert sum(plan_a.occupied) == 200


def test_rejects_impossible_sizes() -> None:
    with pytest.raises(CommandError, match="mindst én beboer"):
        call_command(
            "seed_national",
            "--organisations=1",
            "--estates=1",
            "--households=10",
            "--residents=5",
            stdout=io.StringIO(),
        )
    assert not _national_orgs().exists()
