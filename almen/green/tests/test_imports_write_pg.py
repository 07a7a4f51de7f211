"""PostgreSQL's readings write: a first import tries a plain insert and, should a
reading have been stored since the check, falls back to the upsert (same result)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction

from almen.green.imports_services import readings_write
from almen.green.models import EnergyKind, Meter, MeterUnit, Reading, ReadingSource
from almen.register.models import Estate

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
