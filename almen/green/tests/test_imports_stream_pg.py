"""A big readings file checked and written at the same time (decision 0038), on
PostgreSQL: the result is what the usual check-then-write stores — readings, months,
findings, the run's summary — a file with an error is rejected with nothing written
(whether the error is found while the rows are read or in the series after the copy
ended), and a file whose readings are stored already gives the copy up and is written
the usual way.

The import's check runs on its own connection and sees only committed data, so the test
makes its meters through a thread, runs the import in one, and removes what it made
afterwards (like the other PostgreSQL concurrency tests); ``GREEN_STREAM_MIN_BYTES`` is
lowered so the small files here take the path, and the progress step so each file is
handed over in several blocks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings

from almen.audit.models import AuditEntry
from almen.green import imports_readings, imports_stream
from almen.green import imports_services as services
from almen.green.models import (
    EnergyKind,
    Meter,
    MeterMode,
    MeterUnit,
    MonthlyFootprint,
    Reading,
)
from almen.imports.models import ImportRun, ImportStatus
from almen.lib.tests.threads import in_thread
from almen.register.models import Estate, Organisation

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="The streamed import needs PostgreSQL (CI runs this with "
        "DATABASE_URL=postgres://…); SQLite takes the usual path.",
    ),
]
CVR = "29190909"
HOURS = 24 * 62  # January and February 2025, hourly


@pytest.fixture
def made() -> Iterator[dict[str, Any]]:
    """Two meters of the persona estate, committed; removed again with what they got."""

    def make() -> dict[str, Any]:
        estate = Estate.objects.get(organisation__cvr=CVR, number=2)
        heat = Meter.objects.create(
            estate=estate,
            number="STREAM-HEAT",
            kind=EnergyKind.DISTRICT_HEATING,
            unit=MeterUnit.KWH,
            mode=MeterMode.CUMULATIVE,
        )
        power = Meter.objects.create(
            estate=estate,
            number="STREAM-POWER",
            kind=EnergyKind.ELECTRICITY,
            unit=MeterUnit.KWH,
            mode=MeterMode.CUMULATIVE,
        )
        return {"meters": [heat.pk, power.pk], "runs": []}

    things = in_thread(make)
    yield things

    def remove() -> None:
        Meter.objects.filter(pk__in=things["meters"]).delete()
        runs = ImportRun.objects.filter(pk__in=things["runs"])
        AuditEntry.objects.filter(object_id__in=[str(pk) for pk in things["runs"]]).delete()
        runs.delete()

    in_thread(remove)


def _file(*, step: float = 1.5, bad_row: int | None = None, drop_at: int | None = None) -> bytes:
    """``målernummer;dato;aflæsning``, hourly with offsets, decimal comma, BOM: the two
    meters interleaved hour by hour (a supplier's export sorted by time)."""
    lines = ["målernummer;dato;aflæsning"]
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    for hour in range(HOURS):
        at = (start + dt.timedelta(hours=hour)).isoformat(timespec="minutes")
        for number, base in (("STREAM-HEAT", 1000.0), ("STREAM-POWER", 50.0)):
            value = base + step * hour + (0.25 if hour % 7 == 0 else 0)
            if drop_at is not None and hour == drop_at and number == "STREAM-HEAT":
                value = 1.0  # lower than the hour before: negative consumption
            lines.append(f"{number};{at};{value:.3f}".replace(".", ","))
    if bad_row is not None:
        lines.insert(bad_row, "STREAM-HEAT;31-02-2025;12,5")
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


def _by_meter(tail: int) -> bytes:
    """The same readings sorted by meter, as a supplier portal writes one meter after
    another, with four hours of the power meter missing (a gap: a warning); the heat
    meter's last ``tail`` hours come at the end."""
    lines = _file().decode().removeprefix("\ufeff").splitlines()
    heat = [line for line in lines[1:] if line.startswith("STREAM-HEAT;")]
    power = [line for line in lines[1:] if line.startswith("STREAM-POWER;")]
    del power[100:104]
    ordered = [lines[0], *heat[: len(heat) - tail], *power, *heat[len(heat) - tail :]]
    return ("\ufeff" + "\n".join(ordered) + "\n").encode()


def _import(
    made: dict[str, Any], content: bytes, *, stream: bool, refreshed: list[Any] | None = None
) -> tuple[ImportRun, Any]:
    """The run, and what ``copy_in`` returned (the meters whose months were still to
    be refreshed when the copy ended). ``refreshed``: gets each ``meter_refresh``
    call's meters, with None where the copy ended."""
    copied: list[Any] = []
    real = imports_stream.RowStream.copy_in
    real_refresh = imports_stream.footprint.meter_refresh

    def recording(self: imports_stream.RowStream, **kw: Any) -> Any:
        copied.append(result := real(self, **kw))
        if refreshed is not None:
            refreshed.append(None)
        return result

    def refreshing(meter_ids: Any, **kw: Any) -> int:
        ids = list(meter_ids)
        if refreshed is not None:
            refreshed.append(ids)
        return real_refresh(ids, **kw)

    def run_it() -> ImportRun:
        run = services.green_run_create(
            actor=None,
            organisation=Organisation.objects.get(cvr=CVR),
            uploaded_file=SimpleUploadedFile("timer.csv", content),
            kind=services.READINGS,
        )
        made["runs"].append(run.pk)
        return services.green_run_check_and_commit(actor=None, run=run)

    limit = 1 if stream else 10**12
    with override_settings(GREEN_STREAM_MIN_BYTES=limit), pytest.MonkeyPatch.context() as mp:
        mp.setattr(services, "PROGRESS_EVERY", 500)
        mp.setattr(imports_stream.RowStream, "copy_in", recording)
        mp.setattr(imports_stream.footprint, "meter_refresh", refreshing)
        run = in_thread(run_it)
    return run, (copied[0] if copied else "not streamed")


def _stored(made: dict[str, Any]) -> dict[str, Any]:
    def read() -> dict[str, Any]:
        readings = Reading.objects.filter(meter_id__in=made["meters"])
        return {
            "readings": list(
                readings.order_by("meter_id", "at").values_list(
                    "meter_id", "start", "at", "value", "source"
                )
            ),
            "months": list(
                MonthlyFootprint.objects.filter(meter_id__in=made["meters"])
                .order_by("meter_id", "month")
                .values_list("meter_id", "month", "consumption", "kg_co2e", "factor_id", "coverage")
            ),
        }

    return in_thread(read)


def _clear(made: dict[str, Any]) -> None:
    def clear() -> None:
        Reading.objects.filter(meter_id__in=made["meters"]).delete()
        MonthlyFootprint.objects.filter(meter_id__in=made["meters"]).delete()

    in_thread(clear)


def test_a_streamed_import_stores_what_the_usual_path_stores(made: dict[str, Any]) -> None:
    content = _file()
    streamed, copied = _import(made, content, stream=True)
    assert streamed.status == ImportStatus.COMMITTED, streamed.findings
    assert copied == set(made["meters"])  # copied while checked, not written afterwards
    after_stream = _stored(made)
    _clear(made)
    usual, not_streamed = _import(made, content, stream=False)
    assert usual.status == ImportStatus.COMMITTED and not_streamed == "not streamed"
    after_usual = _stored(made)
    assert len(after_stream["readings"]) == 2 * HOURS
    assert after_stream == after_usual
    months = [m[1] for m in after_stream["months"] if m[0] == made["meters"][0]]
    assert months[:2] == [dt.date(2025, 1, 1), dt.date(2025, 2, 1)]

    assert _same(streamed) == _same(usual)
    assert streamed.summary["readings_new"] == 2 * HOURS
    # Each reading names its own run.
    run_ids = in_thread(
        lambda: set(
            Reading.objects.filter(meter_id__in=made["meters"]).values_list(
                "import_run_id", flat=True
            )
        )
    )
    assert run_ids == {usual.pk}


def _same(run: ImportRun) -> tuple[Any, ...]:
    summary = {k: v for k, v in run.summary.items() if k != "options"}
    return (summary, run.error_count, run.warning_count, run.findings, run.total_rows)


@pytest.mark.parametrize("tail", [0, 24])
def test_a_file_sorted_by_meter_is_checked_and_refreshed_as_each_meters_rows_end(
    made: dict[str, Any], tail: int
) -> None:
    heat, power = made["meters"]
    content = _by_meter(tail)
    calls: list[Any] = []
    checked: list[int] = []
    real_check = imports_readings._check_meter

    def checking(check: Any, state: Any) -> None:
        checked.append(state.meter_id)
        real_check(check, state)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(imports_readings, "_check_meter", checking)
        streamed, stale = _import(made, content, stream=True, refreshed=calls)
    assert streamed.status == ImportStatus.COMMITTED, streamed.findings
    # The heat meter's series checked and months refreshed while the power meter's
    # rows were read and copied; the power meter's ended with the file. Heat rows
    # after that (``tail``) make both happen again at the end.
    ended = calls.index(None)
    assert calls[:ended] == [[heat]]
    if tail:
        assert stale == {heat, power} and calls[ended + 1 :] == [[heat, power]]
        assert checked == [heat, heat, power]
    else:
        assert stale == {power} and calls[ended + 1 :] == [[power]]
        assert checked == [heat, power]
    after_stream = _stored(made)
    _clear(made)
    usual, not_streamed = _import(made, content, stream=False)
    assert usual.status == ImportStatus.COMMITTED and not_streamed == "not streamed"
    assert after_stream == _stored(made)
    assert len(after_stream["readings"]) == 2 * HOURS - 4 and after_stream["months"]
    assert _same(streamed) == _same(usual)
    assert streamed.warning_count >= 1  # the gap, found early or late the same


def test_a_bad_row_rejects_the_file_and_writes_nothing(made: dict[str, Any]) -> None:
    # The error is found while the rows are read, after blocks were already copied.
    run, copied = _import(made, _file(bad_row=2000), stream=True)
    assert run.status == ImportStatus.REJECTED
    assert copied == set(made["meters"])
    # The line inserted after 1,999 others and the header: line 2,001 of the file.
    assert [(f["row"], f["column"]) for f in run.findings if f["level"] == "error"] == [
        (2001, "dato")
    ]
    assert _stored(made) == {"readings": [], "months": []}


def test_an_error_in_the_series_rolls_the_finished_copy_back(made: dict[str, Any]) -> None:
    # Negative consumption is found when the series are checked: the copy has ended
    # and the months were refreshed by then; all of it is undone.
    run, copied = _import(made, _file(drop_at=900), stream=True)
    assert run.status == ImportStatus.REJECTED
    assert copied == set(made["meters"])
    errors = [f for f in run.findings if f["level"] == "error"]
    assert len(errors) == 1 and "Negativt forbrug" in errors[0]["message"]
    assert _stored(made) == {"readings": [], "months": []}
    assert run.summary["rows_read"] == 2 * HOURS


def test_stored_readings_give_the_copy_up_and_the_usual_write_runs(made: dict[str, Any]) -> None:
    first, _copied = _import(made, _file(), stream=True)
    assert first.status == ImportStatus.COMMITTED
    before = _stored(made)
    # The same file again: every reading is stored with the same value.
    checks: list[Any] = []
    real_check_run = services.check_run

    def check_run(*args: Any, **kw: Any) -> Any:
        checks.append(check := real_check_run(*args, **kw))
        return check

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(services, "check_run", check_run)
        again, copied = _import(made, _file(), stream=True)
    assert copied is None  # given up at the first block
    # …and the check kept no value as COPY text after it (memory: 10 million of them
    # would be ~600 MB).
    (check,) = checks
    assert not check.copy_texts and not any(s.texts for s in check.meters.values())
    assert again.status == ImportStatus.COMMITTED
    assert again.summary["readings_unchanged"] == 2 * HOURS
    assert again.summary["readings_new"] == 0
    assert _stored(made) == before
    # Different values: overwritten, the usual way, and the months follow.
    changed, copied = _import(made, _file(step=2.0), stream=True)
    assert copied is None and changed.status == ImportStatus.COMMITTED
    assert changed.summary["readings_overwritten"] > 0
    after = _stored(made)
    heat = made["meters"][0]
    last = [r for r in after["readings"] if r[0] == heat][-1]
    assert last[3] == Decimal("1000") + Decimal("2.0") * (HOURS - 1)
    assert after["months"] != before["months"]
