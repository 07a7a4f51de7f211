import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from almen.register.models import Estate, Household, Unit, UnitKind
from almen.register.services import estate_counts_refresh

pytestmark = pytest.mark.django_db


def _live(estate: Estate) -> dict[str, object]:
    units = Unit.objects.filter(estate=estate)
    return {
        "unit_count": units.count(),
        "family_units": units.filter(kind=UnitKind.FAMILY).count(),
        "elderly_units": units.filter(kind=UnitKind.ELDERLY).count(),
        "youth_units": units.filter(kind=UnitKind.YOUTH).count(),
        "household_count": Household.objects.active().filter(unit__estate=estate).count(),
        "area_m2": units.aggregate(a=Sum("area_m2"))["a"] or Decimal(0),
    }


def _stored(estate: Estate) -> dict[str, object]:
    estate.refresh_from_db()
    return {key: getattr(estate, key) for key in _live(estate)}


def test_counts_match_the_register_after_refresh(cast) -> None:
    for estate in Estate.objects.all():
        assert _stored(estate) == _live(estate)


def test_refresh_follows_changes_and_only_touches_the_given_estates(cast) -> None:
    one, two = Estate.objects.filter(organisation__cvr="29190909").order_by("number")[:2]
    Unit.objects.create(
        estate=one, number="NY-1", kind=UnitKind.YOUTH, rooms=1, area_m2=Decimal("31.50")
    )
    household = Household.objects.active().filter(unit__estate=two).first()
    assert household is not None
    household.moved_out = (
        dt.date(2020, 1, 1) if household.moved_in <= dt.date(2020, 1, 1) else (household.moved_in)
    )
    household.save(update_fields=["moved_out"])
    assert estate_counts_refresh(estate_ids=[one.pk]) == 1
    assert _stored(one) == _live(one)
    assert _stored(two) != _live(two)  # not refreshed yet
    estate_counts_refresh()
    assert _stored(two) == _live(two)


def test_an_estate_that_lost_its_units_is_counted_as_zero(cast) -> None:
    # The last estate: the first ones hold the matrix's meetings and ballots, whose
    # attendance and participation rows keep their households (PROTECT).
    estate = Estate.objects.filter(unit_count__gt=0).order_by("-pk").first()
    assert estate is not None
    Household.objects.filter(unit__estate=estate).delete()
    Unit.objects.filter(estate=estate).delete()
    assert estate_counts_refresh(estate_ids=[estate.pk]) == 1
    assert _stored(estate) == _live(estate)
    assert _stored(estate)["unit_count"] == 0


def test_refresh_counts_once_per_estate_not_per_row(cast) -> None:
    """The national seed spent 7 minutes on PostgreSQL in a correlated subquery per
    estate and column; the refresh joins counts grouped by estate instead."""
    with CaptureQueriesContext(connection) as queries:
        estate_counts_refresh()
    (update,) = [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith("UPDATE")
    ]
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(explain + update)
        plan = "\n".join(str(row) for row in cursor.fetchall())
    assert "CORRELATED" not in plan  # SQLite: CORRELATED SCALAR SUBQUERY
    assert "SubPlan" not in plan  # PostgreSQL


def test_many_ids_are_refreshed_in_batches(cast) -> None:
    Estate.objects.update(unit_count=0, household_count=0)
    last = Estate.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert last is not None
    ids = list(range(1, last + 2500))  # more than one batch; unknown ids are ignored
    assert estate_counts_refresh(estate_ids=ids) == Estate.objects.count()
    for estate in Estate.objects.all():
        assert _stored(estate) == _live(estate)
