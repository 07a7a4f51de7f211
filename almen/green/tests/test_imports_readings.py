"""Readings import: file shapes, Danish conventions, per-row findings and the commit
(whole or not at all, idempotent). Every expected number is worked out by hand in the
comment beside it."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from almen.green import imports_services as services
from almen.green.imports_readings import Clock, SkippedTime
from almen.green.models import (
    EnergyKind,
    Meter,
    MeterExchange,
    MeterMode,
    MeterUnit,
    MonthlyFootprint,
    Reading,
)
from almen.green.testing import aware
from almen.imports.models import ImportRun, ImportStatus
from almen.register.models import Estate, Organisation

pytestmark = pytest.mark.django_db

CVR = "29190909"


def _org() -> Organisation:
    return Organisation.objects.get(cvr=CVR)


def _meter(number: str = "FV-100", **kw) -> Meter:
    defaults = {
        "estate": Estate.objects.get(organisation__cvr=CVR, number=2),
        "number": number,
        "kind": EnergyKind.DISTRICT_HEATING,
        "unit": MeterUnit.KWH,
        "mode": MeterMode.CUMULATIVE,
    }
    defaults.update(kw)
    return Meter.objects.create(**defaults)


def _run(content: bytes, *, meter: Meter | None = None, commit: bool = True) -> ImportRun:
    run = services.green_run_create(
        actor=None,
        organisation=_org(),
        uploaded_file=SimpleUploadedFile("aflaesninger.csv", content),
        kind=services.READINGS,
        options={"meter": meter.pk} if meter else {},
    )
    return services.green_run_start(actor=None, run=run, commit=commit)


def _values(meter: Meter) -> list[tuple[dt.datetime, Decimal]]:
    return list(meter.readings.order_by("at").values_list("at", "value"))


def _messages(run: ImportRun, level: str = "error") -> list[tuple[int | None, str]]:
    return [(f["row"], f["message"]) for f in run.findings if f["level"] == level]


def test_cumulative_one_meter_windows_1252_decimal_comma_thousands_dot() -> None:
    meter = _meter()
    # Windows-1252 ("æ" is one byte 0xE6), ";" and Danish numbers: 1.234,5 = 1234.5.
    content = (
        "Dato;Aflæsning (kWh)\n01-01-2025;1.234,5\n01.02.2025;1.334,5\n2025-03-01;1434\n"
    ).encode("cp1252")
    run = _run(content, meter=meter)
    assert run.status == ImportStatus.COMMITTED, run.findings
    assert _values(meter) == [
        (aware(dt.date(2025, 1, 1)), Decimal("1234.5000")),
        (aware(dt.date(2025, 2, 1)), Decimal("1334.5000")),
        (aware(dt.date(2025, 3, 1)), Decimal("1434.0000")),
    ]
    assert run.summary["readings_new"] == 3
    # January 100 kWh, February 99.5 kWh: the footprint follows the readings.
    months = dict(MonthlyFootprint.objects.filter(meter=meter).values_list("month", "consumption"))
    assert months == {
        dt.date(2025, 1, 1): Decimal("100.0000"),
        dt.date(2025, 2, 1): Decimal("99.5000"),
    }


def test_utf8_bom_comma_delimiter_meter_column_and_hourly_times() -> None:
    a = _meter("EL-1", kind=EnergyKind.ELECTRICITY)
    b = _meter("EL-2", kind=EnergyKind.ELECTRICITY)
    content = (
        "\ufeffmaaler,dato,aflæsning,enhed\n"
        "EL-1,2025-01-01 00:00,10,kWh\n"
        "EL-1,2025-01-01 01:00,11.5,kWh\n"
        "EL-2,01-01-2025 00:00,500,kwh\n"
        "EL-2,01.01.2025 01:00,502,kWh\n"
    ).encode("utf-8")
    run = _run(content)
    assert run.status == ImportStatus.COMMITTED, run.findings
    assert _values(a) == [
        (aware(dt.date(2025, 1, 1)), Decimal("10.0000")),
        (aware(dt.date(2025, 1, 1)) + dt.timedelta(hours=1), Decimal("11.5000")),
    ]
    assert [v for _, v in _values(b)] == [Decimal("500.0000"), Decimal("502.0000")]


def test_interval_shape_with_meter_column() -> None:
    meter = _meter("V-1", kind=EnergyKind.WATER, unit=MeterUnit.M3, mode=MeterMode.INTERVAL)
    # "til" on the same day of the month as "fra": the period ends at its midnight;
    # "31-03-2025": the end of that day (1 April 00:00).
    content = (
        "målernummer;fra;til;forbrug\n"
        "V-1;01-01-2025;01-02-2025;12,5\n"
        "V-1;01-02-2025;01-03-2025;10\n"
        "V-1;01-03-2025;31-03-2025;11\n"
    ).encode()
    run = _run(content)
    assert run.status == ImportStatus.COMMITTED, run.findings
    rows = list(meter.readings.order_by("at").values_list("start", "at", "value"))
    assert rows == [
        (aware(dt.date(2025, 1, 1)), aware(dt.date(2025, 2, 1)), Decimal("12.5000")),
        (aware(dt.date(2025, 2, 1)), aware(dt.date(2025, 3, 1)), Decimal("10.0000")),
        (aware(dt.date(2025, 3, 1)), aware(dt.date(2025, 4, 1)), Decimal("11.0000")),
    ]


def test_bad_row_rejects_the_file_with_its_row_number_then_the_fixed_file_commits() -> None:
    meter = _meter()
    bad = b"dato;aflaesning\n01-01-2025;100\n01-02-2025;tre\n01-03-2025;300\n"
    run = _run(bad, meter=meter, commit=False)
    assert run.status == ImportStatus.REJECTED
    # Line 3 of the file (the header is line 1).
    assert [row for row, _ in _messages(run)] == [3]
    assert not meter.readings.exists()
    fixed = b"dato;aflaesning\n01-01-2025;100\n01-02-2025;200\n01-03-2025;300\n"
    run = _run(fixed, meter=meter, commit=False)
    assert run.status == ImportStatus.VALIDATED
    assert not meter.readings.exists()  # a preview writes nothing
    run = services.green_run_start(actor=None, run=run, commit=True)
    assert run.status == ImportStatus.COMMITTED
    assert meter.readings.count() == 3


def test_same_file_twice_changes_nothing_and_a_changed_value_overwrites_with_a_warning() -> None:
    meter = _meter()
    content = b"dato;aflaesning\n01-01-2025;100\n01-02-2025;200\n01-03-2025;300\n"
    first = _run(content, meter=meter)
    before = list(meter.readings.order_by("at").values_list("pk", "at", "value", "import_run_id"))
    second = _run(content, meter=meter)
    assert second.status == ImportStatus.COMMITTED
    assert second.summary["readings_unchanged"] == 3
    assert second.summary["readings_new"] == 0
    assert second.warning_count == 0
    after = list(meter.readings.order_by("at").values_list("pk", "at", "value", "import_run_id"))
    assert after == before  # not even the run that wrote them changed
    assert {r[3] for r in after} == {first.pk}
    changed = b"dato;aflaesning\n01-03-2025;310\n"
    third = _run(changed, meter=meter)
    assert third.status == ImportStatus.COMMITTED
    assert third.summary["readings_overwritten"] == 1
    assert _messages(third, "warning")[0][0] == 2
    assert "Overskriver" in _messages(third, "warning")[0][1]
    assert meter.readings.get(at=aware(dt.date(2025, 3, 1))).value == Decimal("310.0000")


def test_gj_in_a_kwh_meters_file_names_both_units() -> None:
    meter = _meter()
    run = _run(b"dato;aflaesning;enhed\n01-01-2025;10;GJ\n", meter=meter, commit=False)
    assert run.status == ImportStatus.REJECTED
    [(row, message)] = _messages(run)
    assert row == 2
    assert "GJ" in message and "kWh" in message


def test_m3_for_a_heat_meter_is_refused_naming_both_units() -> None:
    meter = _meter()
    run = _run(b"dato;aflaesning (m3)\n01-01-2025;10\n", meter=meter, commit=False)
    [(row, message)] = _messages(run)
    assert row == 2 and "m³" in message and "kWh" in message


def test_negative_delta_without_an_exchange_is_an_error_and_with_one_it_is_not() -> None:
    meter = _meter()
    content = b"dato;aflaesning\n01-01-2025;1000\n01-02-2025;1100\n01-03-2025;50\n"
    run = _run(content, meter=meter, commit=False)
    assert run.status == ImportStatus.REJECTED
    [(row, message)] = _messages(run)
    assert row == 4
    assert message.startswith("Negativt forbrug – er måleren udskiftet? Registrér udskiftningen.")
    MeterExchange.objects.create(
        meter=meter,
        on=aware(dt.date(2025, 2, 15)),
        old_end=Decimal("1150"),
        new_start=Decimal("0"),
    )
    run = _run(content, meter=meter)
    assert run.status == ImportStatus.COMMITTED, run.findings


def test_a_stored_reading_counts_as_the_previous_one() -> None:
    meter = _meter()
    _run(b"dato;aflaesning\n01-01-2025;1000\n", meter=meter)
    run = _run(b"dato;aflaesning\n01-02-2025;900\n", meter=meter, commit=False)
    assert [row for row, _ in _messages(run)] == [2]


def test_ten_fold_spike_is_flagged_by_the_mad_rule_and_a_normal_series_is_not() -> None:
    meter = _meter("V-2", kind=EnergyKind.WATER, unit=MeterUnit.M3, mode=MeterMode.INTERVAL)
    # Daily consumption (each period one day): 10, 11, 9, 10, 12, 10, 100, 10.
    # Sorted: 9 10 10 10 10 11 12 100 → median (10 + 10) / 2 = 10.
    # |x − 10|: 0 1 1 0 2 0 90 0 → sorted 0 0 0 0 1 1 2 90 → MAD (0 + 1) / 2 = 0.5.
    # Limit 5 × 1.4826 × 0.5 = 3.7065: only 100 (deviation 90) is beyond it; 12 (2) is not.
    values = [10, 11, 9, 10, 12, 10, 100, 10]
    lines = ["fra;til;forbrug"]
    for i, v in enumerate(values):
        day = dt.date(2025, 1, 1) + dt.timedelta(days=i)
        lines.append(f"{day:%d-%m-%Y} 00:00;{day + dt.timedelta(days=1):%d-%m-%Y} 00:00;{v}")
    run = _run(("\n".join(lines) + "\n").encode(), meter=meter, commit=False)
    assert run.status == ImportStatus.VALIDATED  # a warning does not block
    warnings = _messages(run, "warning")
    assert [row for row, _ in warnings] == [8]  # the 7th data row is line 8
    message = warnings[0][1]
    # 3.7065 is 3.70649… in binary: shown with three decimals it is 3,706.
    assert "100,000" in message and "10,000" in message
    assert "3,706" in message and "0,500" in message
    normal = [10, 11, 9, 10, 12, 10, 11, 10]
    lines = ["fra;til;forbrug"]
    for i, v in enumerate(normal):
        day = dt.date(2025, 2, 1) + dt.timedelta(days=i)
        lines.append(f"{day:%Y-%m-%d}T00:00;{day + dt.timedelta(days=1):%Y-%m-%d}T00:00;{v}")
    run = _run(("\n".join(lines) + "\n").encode(), meter=meter, commit=False)
    assert run.status == ImportStatus.VALIDATED
    assert run.warning_count == 0, run.findings


def test_unknown_meter_future_date_and_duplicate_rows() -> None:
    _meter("EL-9", kind=EnergyKind.ELECTRICITY)
    tomorrow = timezone.localdate() + dt.timedelta(days=2)
    content = (
        "meter;date;reading\n"
        "NOPE-1;01-01-2025;5\n"
        f"EL-9;{tomorrow:%d-%m-%Y};5\n"
        "EL-9;01-01-2025;5\n"
        "EL-9;01-01-2025;6\n"
    ).encode()
    run = _run(content, commit=False)
    assert run.status == ImportStatus.REJECTED
    errors = _messages(run)
    assert [row for row, _ in errors] == [2, 3, 5]
    assert "NOPE-1" in errors[0][1] and "findes ikke" in errors[0][1]
    assert "fremtiden" in errors[1][1]
    assert "række 4" in errors[2][1]
    assert not Reading.objects.filter(meter__number="EL-9").exists()


def test_gap_of_a_missing_month_is_a_warning() -> None:
    meter = _meter()
    # Readings on the 1st of Jan, Feb, Mar, May, Jun: 31, 28, 61, 31 days between them;
    # median (28, 31, 31, 61) = 31; 61 > 1.5 × 31 = 46.5 → one gap, at 01-05 (line 5).
    content = (
        b"dato;aflaesning\n01-01-2025;0\n01-02-2025;31\n01-03-2025;59\n"
        b"01-05-2025;120\n01-06-2025;151\n"
    )
    run = _run(content, meter=meter, commit=False)
    assert run.status == ImportStatus.VALIDATED
    [(row, message)] = _messages(run, "warning")
    assert row == 5 and "61,0 dage" in message and "31,0" in message


def test_mixed_date_formats_in_one_file() -> None:
    meter = _meter()
    content = b"dato;aflaesning\n01-01-2025;0\n01.02.2025;10\n2025-03-01;20\n"
    run = _run(content, meter=meter)
    assert run.status == ImportStatus.COMMITTED
    assert [a for a, _ in _values(meter)] == [
        aware(dt.date(2025, 1, 1)),
        aware(dt.date(2025, 2, 1)),
        aware(dt.date(2025, 3, 1)),
    ]


def test_background_run_for_a_file_above_the_threshold(
    django_capture_on_commit_callbacks,
) -> None:
    meter = _meter()
    # settings_test: IMPORT_BACKGROUND_ROWS = 50; the immediate backend runs the task
    # when the transaction commits.
    lines = ["dato;aflaesning"] + [
        f"{dt.date(2024, 1, 1) + dt.timedelta(days=i):%d-%m-%Y};{i * 10}" for i in range(60)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        run = _run(("\n".join(lines) + "\n").encode(), meter=meter)
        assert run.status == ImportStatus.UPLOADED  # queued for the worker
    run.refresh_from_db()
    assert run.status == ImportStatus.COMMITTED, run.findings
    assert meter.readings.count() == 60


def test_xlsx_with_date_cells_and_number_cells() -> None:
    import io

    from openpyxl import Workbook

    meter = _meter()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Dato", "Aflæsning"])
    sheet.append([dt.datetime(2025, 1, 1), 100])
    sheet.append(["01-02-2025", "150,5"])
    sheet.append([dt.datetime(2025, 3, 1, 0, 0), 175.25])
    buffer = io.BytesIO()
    book.save(buffer)
    run = _run(buffer.getvalue(), meter=meter)
    assert run.status == ImportStatus.COMMITTED, run.findings
    assert _values(meter) == [
        (aware(dt.date(2025, 1, 1)), Decimal("100.0000")),
        (aware(dt.date(2025, 2, 1)), Decimal("150.5000")),
        (aware(dt.date(2025, 3, 1)), Decimal("175.2500")),
    ]


def test_autumn_repeated_hour_and_the_skipped_spring_hour() -> None:
    meter = _meter("EL-DST", kind=EnergyKind.ELECTRICITY)
    # 26-10-2025: 02:00–02:59 happens twice (CEST, then CET); the second 02:00 is the
    # later one. 30-03-2025 02:30 does not exist.
    autumn = (
        b"dato;aflaesning\n26-10-2025 01:00;10\n26-10-2025 02:00;11\n"
        b"26-10-2025 02:00;12\n26-10-2025 03:00;13\n"
    )
    run = _run(autumn, meter=meter)
    assert run.status == ImportStatus.COMMITTED, run.findings
    ats = [a for a, _ in _values(meter)]
    assert [(b - a).total_seconds() for a, b in itertools.pairwise(ats)] == [
        3600,
        3600,
        3600,
    ]
    spring = b"dato;aflaesning\n30-03-2025 02:30;20\n"
    run = _run(spring, meter=meter, commit=False)
    [(row, message)] = _messages(run)
    assert row == 2 and "sommertiden" in message


def test_deleting_an_import_run_keeps_its_readings_and_empties_their_reference() -> None:
    # Reading.import_run has no database constraint (decision 0034): the ORM's
    # collector still sets it to NULL when the run goes, as the constraint's on_delete
    # did, so no reading names a run that is gone.
    meter = _meter()
    other = _meter("FV-200")
    first = _run(b"dato;aflaesning\n01-01-2025;100\n01-02-2025;200\n", meter=meter)
    second = _run(b"dato;aflaesning\n01-01-2025;5\n01-02-2025;6\n", meter=other)
    assert {first.status, second.status} == {ImportStatus.COMMITTED}
    assert set(meter.readings.values_list("import_run_id", flat=True)) == {first.pk}
    first.delete()
    assert not ImportRun.objects.filter(pk=first.pk).exists()
    assert list(meter.readings.order_by("at").values_list("value", "import_run_id")) == [
        (Decimal("100.0000"), None),
        (Decimal("200.0000"), None),
    ]
    # The other run's readings still name it.
    assert set(other.readings.values_list("import_run_id", flat=True)) == {second.pk}


def test_the_clock_reads_every_form_as_datetime_does_and_the_same_again_from_memory() -> None:
    # Clock.parse answers a text it has seen from memory (an hourly file repeats each
    # time once per meter): every answer, first and second, is the epoch the slow
    # path (datetime with the zone) gives; a time that does not exist raises each time.
    tz = ZoneInfo("Europe/Copenhagen")
    rng = random.Random(34)
    cases: list[tuple[str, int]] = []
    for _ in range(2000):
        moment = dt.datetime(2025, 1, 1, tzinfo=dt.UTC) + dt.timedelta(
            minutes=rng.randrange(366 * 24 * 60)
        )
        local = moment.astimezone(tz)
        epoch = int(moment.timestamp())
        cases += [
            (local.isoformat(timespec="minutes"), epoch),  # 2025-01-31T13:00+01:00
            (local.isoformat(timespec="seconds"), epoch),
            (moment.isoformat(timespec="minutes"), epoch),  # +00:00
            (moment.strftime("%Y-%m-%dT%H:%MZ"), epoch),
        ]
        if local.fold == 0 and local.replace(fold=1).utcoffset() == local.utcoffset():
            # An unambiguous local time, written without its offset.
            cases.append((local.strftime("%Y-%m-%d %H:%M"), epoch))
            cases.append((local.strftime("%d-%m-%Y %H:%M"), epoch))
    # Both clock changes: the first 02:30 of the autumn night, the days themselves.
    autumn = dt.datetime(2025, 10, 26, 2, 30, tzinfo=tz)
    cases.append(("2025-10-26 02:30", int(autumn.timestamp())))
    cases.append(("2025-03-30", int(dt.datetime(2025, 3, 30, tzinfo=tz).timestamp())))
    clock = Clock()
    for _round in range(2):
        for text, epoch in cases:
            assert clock.parse(text)[0] == epoch, text
        with pytest.raises(SkippedTime):
            clock.parse("2025-03-30 02:30")
    assert clock.parse("2025-03-30") == (cases[-1][1], True, False)
    assert "2025-03-30 02:30" not in clock.seen
