"""The database guards a reading's meter without a foreign key (decision 0037): a
reading of a meter that does not exist is refused, and a meter's readings go with it —
written through the ORM, by raw SQL, by the import's ``COPY``, and (PostgreSQL) while
a writer and a delete race. SQLite and PostgreSQL both; the races on PostgreSQL only."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from almen.green.imports_services import readings_write
from almen.green.models import EnergyKind, Meter, MeterUnit, Reading, ReadingSource
from almen.lib.tests.threads import in_thread
from almen.register.models import Estate

pytestmark = pytest.mark.django_db

T0 = int(dt.datetime(2025, 1, 1, tzinfo=dt.UTC).timestamp())
ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Races need a database with real concurrent transactions: run on PostgreSQL "
    "(CI does, with DATABASE_URL=postgres://…).",
)


def _meter(number: str = "G-1") -> Meter:
    return Meter.objects.create(
        estate=Estate.objects.get(organisation__cvr="29190909", number=2),
        number=number,
        kind=EnergyKind.ELECTRICITY,
        unit=MeterUnit.KWH,
    )


def _missing_meter_id() -> int:
    return (Meter.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def _at(hours: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(T0 + 3600 * hours, dt.UTC)


def test_a_reading_of_a_missing_meter_is_refused() -> None:
    missing = _missing_meter_id()
    with pytest.raises(IntegrityError), transaction.atomic():
        Reading.objects.create(
            meter_id=missing, at=_at(0), value=Decimal("1"), source=ReadingSource.MANUAL
        )
    assert not Reading.objects.filter(meter_id=missing).exists()


def test_a_reading_moved_to_a_missing_meter_is_refused() -> None:
    meter = _meter()
    reading = Reading.objects.create(
        meter=meter, at=_at(0), value=Decimal("1"), source=ReadingSource.MANUAL
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Reading.objects.filter(pk=reading.pk).update(meter_id=_missing_meter_id())
    reading.refresh_from_db()
    assert reading.meter_id == meter.pk
    # A change that keeps the meter passes the same check.
    Reading.objects.filter(pk=reading.pk).update(value=Decimal("2"))
    assert Reading.objects.get(pk=reading.pk).value == Decimal("2")


@pytest.mark.parametrize("all_new", [True, False])
def test_an_import_naming_a_missing_meter_writes_nothing(all_new: bool) -> None:
    # PostgreSQL: the first import's COPY and the staged upsert; SQLite: the batched
    # insert. One good meter beside the missing one: the statement is refused whole.
    meter = _meter()
    rows = [(meter.pk, None, T0 + 3600 * k, 1.0 * k) for k in range(3)]
    rows.append((_missing_meter_id(), None, T0, 1.0))
    with pytest.raises(IntegrityError), transaction.atomic():
        readings_write(rows, source=ReadingSource.IMPORT, run_id=None, all_new=all_new)
    assert not meter.readings.exists()


def test_deleting_a_meter_by_sql_deletes_its_readings_only() -> None:
    gone, kept = _meter("G-1"), _meter("G-2")
    for meter in (gone, kept):
        Reading.objects.bulk_create(
            Reading(meter=meter, at=_at(k), value=Decimal(k), source=ReadingSource.MANUAL)
            for k in range(4)
        )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM green_meter WHERE id = %s", [gone.pk])
    assert not Reading.objects.filter(meter_id=gone.pk).exists()
    assert kept.readings.count() == 4


def test_deleting_a_meter_through_the_orm_still_deletes_its_readings() -> None:
    meter = _meter()
    Reading.objects.create(meter=meter, at=_at(0), value=Decimal("1"), source=ReadingSource.DEMO)
    meter_id = meter.pk
    meter.delete()
    assert not Reading.objects.filter(meter_id=meter_id).exists()


@ON_POSTGRESQL
def test_no_foreign_keys_and_the_triggers_in_their_place() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_constraint "
            "WHERE conrelid = 'green_reading'::regclass AND contype = 'f'"
        )
        assert cursor.fetchone() == (0,)
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
            "AND tgrelid IN ('green_reading'::regclass, 'green_meter'::regclass) ORDER BY 1"
        )
        assert [name for (name,) in cursor.fetchall()] == [
            "green_meter_readings_cascade",
            "green_reading_meter_insert",
            "green_reading_meter_update",
        ]


def _wait_for_a_lock_wait(errors: list[BaseException], timeout: float = 10.0) -> None:
    """Until another connection of this database waits for a row lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            # The test's own transaction keeps one snapshot of the statistics unless
            # told to read them again.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            (waiting,) = cursor.fetchone()
        if waiting:
            return
        time.sleep(0.05)
    raise AssertionError(f"the second transaction never waited for the first: {errors!r}")


def _run(target: Callable[[], object], errors: list[BaseException]) -> threading.Thread:
    def body() -> None:
        from django.db import connections

        try:
            target()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=body)
    thread.start()
    return thread


@ON_POSTGRESQL
def test_a_meter_deleted_while_an_import_writes_takes_the_new_readings_with_it() -> None:
    # The import has written its readings (and locked the meter) but not committed; a
    # delete of the meter — the ORM's collector deletes the readings it can see, then
    # the meter — waits for the import, and once it commits, the readings it wrote go
    # too. With neither the foreign key nor the trigger they would stay, of no meter.
    meter_id = in_thread(lambda: _meter("G-race").pk)
    written, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        with transaction.atomic():
            rows = [(meter_id, None, T0 + 3600 * k, 1.0 * k) for k in range(50)]
            readings_write(rows, source=ReadingSource.IMPORT, run_id=None, all_new=True)
            written.set()
            assert release.wait(10)

    def delete() -> None:
        Meter.objects.get(pk=meter_id).delete()

    writer = _run(write, errors)
    assert written.wait(10)
    deleter = _run(delete, errors)
    try:
        _wait_for_a_lock_wait(errors)
    finally:
        release.set()
        writer.join(10)
        deleter.join(10)
    assert not errors
    assert in_thread(lambda: Reading.objects.filter(meter_id=meter_id).count()) == 0
    assert not in_thread(lambda: Meter.objects.filter(pk=meter_id).exists())


@ON_POSTGRESQL
def test_an_import_waits_for_a_meter_being_deleted_and_is_refused_once_it_is() -> None:
    meter_id = in_thread(lambda: _meter("G-race").pk)
    deleted, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def delete() -> None:
        with transaction.atomic():
            Meter.objects.filter(pk=meter_id).delete()
            deleted.set()
            assert release.wait(10)

    def write() -> None:
        with transaction.atomic():
            rows = [(meter_id, None, T0 + 3600 * k, 1.0 * k) for k in range(50)]
            readings_write(rows, source=ReadingSource.IMPORT, run_id=None, all_new=True)

    deleter = _run(delete, errors)
    assert deleted.wait(10)
    writer = _run(write, errors)
    try:
        _wait_for_a_lock_wait(errors)
    finally:
        release.set()
        deleter.join(10)
        writer.join(10)
    assert len(errors) == 1 and isinstance(errors[0], IntegrityError), errors
    assert in_thread(lambda: Reading.objects.filter(meter_id=meter_id).count()) == 0
