"""Grøn drift's imports on the register import's runs (``imports.ImportRun`` with
``kind``): meter readings, energy labels and degree days. Upload → check (a preview
with per-row findings) → commit, whole or not at all; files over
``IMPORT_BACKGROUND_ROWS`` rows are checked and committed by the background worker
(``imports.tasks`` dispatches on the run's kind to ``green_run_process``).

The checks of readings are in ``imports_readings``; this module reads files, stores
findings and writes. Readings are written in one statement per batch, upserting on
(meter, at): on PostgreSQL ``COPY`` into a temporary table, then one ``INSERT … ON
CONFLICT DO UPDATE`` — a first import (none of its readings stored) is ``COPY``'d
straight into the readings (decision 0034); on SQLite batched ``INSERT … ON
CONFLICT``. A reading already
stored with the same value is not written again, so the same file twice changes
nothing the second time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import logging
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from almen.audit.services import audit_record
from almen.green import footprint
from almen.green.imports_readings import (
    Layout,
    MeterLookup,
    MeterState,
    ReadingsCheck,
    check_rows,
    check_series,
    rows_to_write,
)
from almen.green.models import (
    DegreeDay,
    DegreeDaySeries,
    EnergyLabel,
    EnergyLabelClass,
    Meter,
    ReadingSource,
)
from almen.green.units import parse_unit
from almen.imports import services as import_services
from almen.imports.findings import FileRejected, Findings
from almen.imports.models import ImportRun, ImportStatus
from almen.lib.bulk import copy_rows
from almen.lib.tabular import (
    TabularError,
    csv_records,
    detect_delimiter,
    detect_encoding,
    detect_format,
    normalise_header,
    number_error,
    open_table,
    parse_date,
    parse_decimal,
)
from almen.register.models import Building, Organisation

logger = logging.getLogger(__name__)

READINGS = "green_readings"
LABELS = "green_labels"
DEGREE_DAYS = "green_degree_days"
KINDS = {
    READINGS: gettext_lazy("Aflæsninger"),
    LABELS: gettext_lazy("Energimærker"),
    DEGREE_DAYS: gettext_lazy("Graddage"),
}
WRITE_BATCH = 20_000
PROGRESS_EVERY = 50_000

READING_ALIASES = {
    # time of a register reading, or a period's end
    "dato": "at",
    "date": "at",
    "tidspunkt": "at",
    "time": "at",
    "timestamp": "at",
    "tid": "at",
    "aflæsningsdato": "at",
    "aflaesningsdato": "at",
    "reading_date": "at",
    "til": "end",
    "to": "end",
    "end": "end",
    "slut": "end",
    "til_dato": "end",
    "periode_slut": "end",
    "fra": "start",
    "from": "start",
    "start": "start",
    "fra_dato": "start",
    "periode_start": "start",
    "aflæsning": "reading",
    "aflaesning": "reading",
    "reading": "reading",
    "tællerstand": "reading",
    "taellerstand": "reading",
    "målerstand": "reading",
    "maalerstand": "reading",
    "stand": "reading",
    "value": "reading",
    "forbrug": "consumption",
    "consumption": "consumption",
    "mængde": "consumption",
    "maengde": "consumption",
    "målernummer": "meter",
    "maalernummer": "meter",
    "målernr": "meter",
    "maalernr": "meter",
    "måler": "meter",
    "maaler": "meter",
    "meter": "meter",
    "meter_number": "meter",
    "meter_id": "meter",
    "enhed": "unit",
    "unit": "unit",
    "afdeling": "estate",
    "afdelingsnummer": "estate",
    "afdelingsnr": "estate",
    "estate": "estate",
}

_HEADER_UNIT = re.compile(r"\(([^)]*)\)")


# --- reading files ----------------------------------------------------------------------


def _csv_records(
    fileobj: IO[bytes],
) -> tuple[list[str], list[str], Iterator[tuple[int, list[Any]]]]:
    """(normalised headers, raw headers, rows as lists with their line numbers): the
    plain CSV path, without a dict per row."""
    encoding, _lines = detect_encoding(fileobj)
    text = io.TextIOWrapper(fileobj, encoding=encoding, newline="")
    reader: Any = None
    first: list[str] | None = None
    line = ""
    while line := text.readline():
        if line.strip().strip(";,"):
            break
    if not line:
        raise TabularError(_("Filen er tom."))
    delimiter = detect_delimiter(line)
    text.seek(0)
    reader = csv.reader(text, delimiter=delimiter)
    for record in reader:
        if any(v.strip() for v in record):
            first = record
            break
    assert first is not None
    raw = [h.replace("\ufeff", "").strip() for h in first]
    headers = [normalise_header(h, READING_ALIASES) for h in raw]

    return headers, raw, csv_records(text, reader, delimiter)


def _records(
    fileobj: IO[bytes], *, in_worker: bool
) -> tuple[list[str], list[str], Iterator[tuple[int, list[Any]]]]:
    if detect_format(fileobj) == "csv":
        return _csv_records(fileobj)
    table = open_table(fileobj, aliases=READING_ALIASES, in_worker=in_worker)
    headers = table.headers
    return (
        headers,
        table.raw_headers,
        ((n, [row.get(h) for h in headers]) for n, row in table.rows),
    )


def reading_layout(headers: list[str], raw: list[str], findings: Findings) -> Layout:
    """Which shape the file has: ``dato;aflæsning`` or ``fra;til;forbrug`` (raises
    ``FileRejected`` for neither)."""
    index = {h: i for i, h in reversed(list(enumerate(headers)))}
    duplicated = sorted({h for h in headers if h and headers.count(h) > 1})
    if duplicated:
        findings.error(
            None,
            "",
            _("Disse kolonner står flere gange: %(columns)s") % {"columns": ", ".join(duplicated)},
        )
        raise FileRejected(findings)
    interval = "consumption" in index
    if interval:
        if "start" not in index or ("end" not in index and "at" not in index):
            findings.error(
                None,
                "",
                _(
                    "Filen har en kolonne forbrug, men mangler fra og til. Brug enten "
                    "dato;aflæsning (tællerstande) eller fra;til;forbrug (forbrug pr. periode)."
                ),
            )
            raise FileRejected(findings)
        at, value = index.get("end", index.get("at", -1)), index["consumption"]
    else:
        if "reading" not in index or "at" not in index:
            findings.error(
                None,
                "",
                _(
                    "Kolonnerne kendes ikke. Brug enten dato;aflæsning (tællerstande) eller "
                    "fra;til;forbrug (forbrug pr. periode), evt. med målernummer og enhed."
                ),
            )
            raise FileRejected(findings)
        at, value = index["at"], index["reading"]
    header_unit = None
    match = _HEADER_UNIT.search(raw[value]) if value < len(raw) else None
    if match and parse_unit(match.group(1)):
        header_unit = match.group(1)
    return Layout(
        at=at,
        value=value,
        start=index.get("start", -1) if interval else -1,
        meter=index.get("meter", -1),
        estate=index.get("estate", -1),
        unit=index.get("unit", -1),
        width=len(headers),
        interval=interval,
        value_column="forbrug" if interval else "aflæsning",
        header_unit=header_unit,
    )


def _epoch_now() -> int:
    return int(time.time()) + 60  # a minute's grace for clocks


def _progress(run: ImportRun | None) -> Any:
    def report(processed: int) -> None:
        if run is not None:
            ImportRun.objects.filter(pk=run.pk).update(processed_rows=processed)
        listener = import_services.progress_listener.get()
        if listener is not None:
            listener(processed)

    return report


def check_readings_file(
    fileobj: IO[bytes],
    *,
    organisation: Organisation,
    meter: Meter | None = None,
    run: ImportRun | None = None,
    in_worker: bool = False,
    stream: Any = None,
) -> ReadingsCheck:
    """Read and check a readings file (raises ``FileRejected`` for an unusable one).
    ``stream`` (``imports_stream.RowStream``): hand the accepted rows over to a writer
    as they are read, a block at each progress report, and say when the last is read
    (before the series are checked)."""
    check = ReadingsCheck(copy_texts=stream is not None)
    findings = check.findings
    try:
        headers, raw, records = _records(fileobj, in_worker=in_worker)
        layout = reading_layout(headers, raw, findings)
        lookup = MeterLookup(organisation.pk, check)
        fixed: MeterState | None = None
        if layout.meter < 0:
            if meter is None:
                findings.error(
                    None,
                    "",
                    _(
                        "Filen har ingen kolonne målernummer: vælg måleren, filen er fra, "
                        "eller tilføj kolonnen."
                    ),
                )
                raise FileRejected(findings)
            fixed = lookup.state_for(meter, meter.estate.number)
        progress = _progress(run)
        if stream is not None:
            report = progress

            def progress(processed: int) -> None:
                report(processed)
                stream.flush(check)

        check_rows(
            records,
            layout,
            check=check,
            lookup=lookup,
            fixed=fixed,
            now=_epoch_now(),
            progress=progress,
            progress_every=PROGRESS_EVERY,
        )
    except TabularError as exc:
        findings.error(None, "", exc.message)
        raise FileRejected(findings) from exc
    if not check.rows:
        findings.error(None, "", _("Filen har ingen rækker med aflæsninger."))
        raise FileRejected(findings)
    if stream is not None:
        stream.rows_read(check)
    check_series(check)
    return check


# --- writing readings -------------------------------------------------------------------


def readings_write(
    rows: Iterable[tuple[int, int | None, int, float]],
    *,
    source: str,
    run_id: int | None,
    all_new: bool = False,
) -> int:
    """Upsert readings (meter id, start epoch or None, at epoch, value) on (meter, at);
    returns how many were sent. Call inside a transaction. ``all_new``: the check found
    none of them stored (a first import), so PostgreSQL tries a plain ``COPY`` into the
    readings first; should that fail on a reading stored since, ``rows`` is read again
    for the upsert, so pass something iterable twice (a list, ``rows_to_write``'s
    result): a one-shot iterator takes the staged path at once."""
    if connection.vendor == "postgresql":
        return _write_postgresql(rows, source=source, run_id=run_id, all_new=all_new)
    sql = (
        "INSERT INTO green_reading (meter_id, start, at, value, source, import_run_id) "
        "VALUES (%s, CASE WHEN %s IS NULL THEN NULL ELSE datetime(%s, 'unixepoch') END, "
        "datetime(%s, 'unixepoch'), %s, %s, %s) "
        "ON CONFLICT (meter_id, at) DO UPDATE SET value = excluded.value, "
        "start = excluded.start, source = excluded.source, "
        "import_run_id = excluded.import_run_id "
        "WHERE green_reading.value <> excluded.value "
        "OR green_reading.start IS NOT excluded.start"
    )
    count = 0
    batch: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for meter_id, start, at, value in rows:
            batch.append((meter_id, start, start, at, value, source, run_id))
            if len(batch) >= WRITE_BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def utc_text(epoch: int, cache: dict[int, str]) -> str:
    """Epoch seconds as a ``timestamptz`` literal in UTC (each time formatted once)."""
    text = cache.get(epoch)
    if text is None:
        text = dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(sep=" ")
        if len(cache) < 200_000:
            cache[epoch] = text
    return text


_COPY_BLOCK = 20_000  # rows a COPY message carries
_NULL = "\\N"  # COPY's text format
COPY_READINGS = "COPY green_reading (meter_id, start, at, value, source, import_run_id) FROM STDIN"


def copy_tail(source: str, run_id: int | None) -> str:
    """The end of each ``COPY_READINGS`` line: the source and the import run."""
    return f"\t{source}\t{run_id if run_id is not None else _NULL}\n"


def copy_text(
    meter_id: int,
    starts: Iterable[int] | None,
    ats: Iterable[int],
    values: Iterable[str],
    *,
    tail: str,
    times: dict[int, str],
) -> str:
    """One meter's readings as ``COPY_READINGS`` lines: epoch seconds (``starts`` None
    for register readings), the values already as text (``f"{value:.15g}"``, or
    ``imports_readings.value_and_text``'s). ``times``: ``utc_text``'s cache."""
    get = times.get
    if starts is None:
        head = f"{meter_id}\t{_NULL}\t"
        body = f"{tail}{head}".join(
            [
                f"{get(at) or utc_text(at, times)}\t{value}"
                for at, value in zip(ats, values, strict=True)
            ]
        )
    else:
        head = f"{meter_id}\t"
        body = f"{tail}{head}".join(
            [
                f"{get(start) or utc_text(start, times)}\t{get(at) or utc_text(at, times)}\t{value}"
                for start, at, value in zip(starts, ats, values, strict=True)
            ]
        )
    return f"{head}{body}{tail}" if body else ""


def _copy_new(
    rows: Iterable[tuple[int, int | None, int, float]], *, source: str, run_id: int | None
) -> int:
    """``COPY`` the rows straight into ``green_reading`` (a first import: no reading of
    theirs is stored). The values as the staged path stores them: times from epoch
    seconds, and the value as PostgreSQL turns a ``double precision`` into ``numeric``
    (15 significant digits, ``float8_numeric``), then rounded to the column's 4
    decimals. Raises ``IntegrityError`` when one of them is stored after all."""
    tail = copy_tail(source, run_id)
    times: dict[int, str] = {}
    count = 0
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.copy(COPY_READINGS) as copy,
    ):
        for batch in itertools.batched(rows, _COPY_BLOCK):
            texts = []
            for (meter_id, interval), run in itertools.groupby(
                batch, key=lambda row: (row[0], row[1] is not None)
            ):
                readings = list(run)
                texts.append(
                    copy_text(
                        meter_id,
                        [r[1] for r in readings] if interval else None,  # type: ignore[misc]
                        [r[2] for r in readings],
                        [f"{r[3]:.15g}" for r in readings],
                        tail=tail,
                        times=times,
                    )
                )
            copy.write("".join(texts).encode())
            count += len(batch)
    return count


_FROM_STAGE = (
    "INSERT INTO green_reading (meter_id, start, at, value, source, import_run_id) "
    "SELECT meter_id, to_timestamp(start_epoch), to_timestamp(at_epoch), "
    "value::numeric(18, 4), %s, %s FROM green_reading_stage"
)


def _write_postgresql(
    rows: Iterable[tuple[int, int | None, int, float]],
    *,
    source: str,
    run_id: int | None,
    all_new: bool = False,
) -> int:
    if all_new and iter(rows) is not rows:
        # A first import: straight into the table, no stage and no ``INSERT … SELECT``.
        # Should another writer have stored one of these readings since the check, the
        # savepoint is undone and the staged upsert below does what it always does.
        try:
            with transaction.atomic():
                return _copy_new(rows, source=source, run_id=run_id)
        except IntegrityError as exc:
            if getattr(exc.__cause__, "sqlstate", None) != "23505":  # unique_violation
                raise  # a meter gone since the check (decision 0037): the upsert would be too
            all_new = False
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS green_reading_stage "
            "(meter_id bigint, start_epoch bigint, at_epoch bigint, value double precision) "
            "ON COMMIT DELETE ROWS"
        )
        cursor.execute("TRUNCATE green_reading_stage")
    count = copy_rows("green_reading_stage", ["meter_id", "start_epoch", "at_epoch", "value"], rows)
    if all_new:
        # A first import: a plain insert skips ON CONFLICT's speculative insertion
        # (about a seventh of the insert). Should another writer have stored one of
        # these readings since the check, the savepoint is undone and the upsert below
        # does what it always does.
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(_FROM_STAGE, [source, run_id])
        except IntegrityError:
            pass
        else:
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE green_reading_stage")
            return count
    with connection.cursor() as cursor:
        cursor.execute(
            _FROM_STAGE + " "
            "ON CONFLICT (meter_id, at) DO UPDATE SET value = excluded.value, "
            "start = excluded.start, source = excluded.source, "
            "import_run_id = excluded.import_run_id "
            "WHERE green_reading.value IS DISTINCT FROM excluded.value "
            "OR green_reading.start IS DISTINCT FROM excluded.start",
            [source, run_id],
        )
        cursor.execute("TRUNCATE green_reading_stage")
    return count


# --- energy labels ----------------------------------------------------------------------

LABEL_ALIASES = {
    "bygning": "building",
    "adresse": "building",
    "address": "building",
    "building": "building",
    "energimærke": "label",
    "energimaerke": "label",
    "mærke": "label",
    "maerke": "label",
    "label": "label",
    "energy_label": "label",
    "klasse": "label",
    "udstedt": "issued",
    "udstedelsesdato": "issued",
    "gyldig_fra": "issued",
    "issued": "issued",
    "udløber": "expires",
    "udlober": "expires",
    "udløbsdato": "expires",
    "gyldig_til": "expires",
    "expires": "expires",
    "mærkenummer": "number",
    "maerkenummer": "number",
    "mærkenr": "number",
    "nummer": "number",
    "label_number": "number",
    "afdeling": "estate",
    "afdelingsnummer": "estate",
    "estate": "estate",
}


@dataclass
class LabelsCheck:
    findings: Findings = field(default_factory=Findings)
    rows: int = 0
    # (building id, issued) → (label, number, expires, row)
    labels: dict[tuple[int, dt.date], tuple[str, str, dt.date, int]] = field(default_factory=dict)
    new: int = 0
    changed: int = 0
    unchanged: int = 0

    def summary(self) -> dict[str, int]:
        return {
            "rows_read": self.rows,
            "labels_new": self.new,
            "labels_changed": self.changed,
            "labels_unchanged": self.unchanged,
            "rows_refused": len(self.findings.error_rows),
        }


def _label_class(text: str) -> str | None:
    cleaned = re.sub(r"\s+", "", text).upper()
    return cleaned if cleaned in EnergyLabelClass.values else None


def _table(fileobj: IO[bytes], aliases: dict[str, str], findings: Findings, in_worker: bool) -> Any:
    try:
        return open_table(fileobj, aliases=aliases, in_worker=in_worker)
    except TabularError as exc:
        findings.error(None, "", exc.message)
        raise FileRejected(findings) from exc


def _require(headers: list[str], needed: dict[str, str], findings: Findings) -> None:
    missing = [label for key, label in needed.items() if key not in headers]
    if missing:
        findings.error(
            None,
            "",
            _("Filen mangler disse kolonner: %(columns)s") % {"columns": ", ".join(missing)},
        )
        raise FileRejected(findings)


def check_labels_file(
    fileobj: IO[bytes], *, organisation: Organisation, in_worker: bool = False
) -> LabelsCheck:
    check = LabelsCheck()
    f = check.findings
    table = _table(fileobj, LABEL_ALIASES, f, in_worker)
    _require(
        table.headers,
        {"building": "bygning", "label": "energimærke", "issued": "udstedt", "expires": "udløber"},
        f,
    )
    buildings: dict[str, list[tuple[int, int]]] = {}
    for pk, address, estate_number in Building.objects.filter(
        estate__organisation=organisation
    ).values_list("pk", "address", "estate__number"):
        buildings.setdefault(address.strip().casefold(), []).append((pk, estate_number))
    today = timezone.localdate()
    try:
        for number, row in table.rows:
            check.rows += 1
            errors = f.errors
            address = str(row.get("building") or "").strip()
            estate = str(row.get("estate") or "").strip()
            candidates = buildings.get(address.casefold(), [])
            if estate:
                candidates = [c for c in candidates if str(c[1]) == estate]
            building_id = 0
            if not address:
                f.error(number, "bygning", _("Bygningens adresse mangler."))
            elif not candidates:
                f.error(
                    number,
                    "bygning",
                    _("Bygningen »%(address)s« findes ikke hos boligorganisationen.")
                    % {"address": address[:200]},
                )
            elif len(candidates) > 1:
                f.error(
                    number,
                    "bygning",
                    _("Adressen findes i flere afdelinger; tilføj kolonnen afdeling."),
                )
            else:
                building_id = candidates[0][0]
            label = _label_class(str(row.get("label") or ""))
            if label is None:
                f.error(
                    number,
                    "energimærke",
                    _("Energimærket skal være A2020, A2015, A2010, B, C, D, E, F eller G."),
                )
            dates: dict[str, dt.date] = {}
            for name, column in (("issued", "udstedt"), ("expires", "udløber")):
                try:
                    dates[name] = parse_date(row.get(name))
                except ValueError:
                    f.error(
                        number,
                        column,
                        _("Datoen findes ikke eller har et ukendt format (brug dd-mm-åååå)."),
                    )
            if len(dates) == 2 and dates["expires"] <= dates["issued"]:
                f.error(number, "udløber", _("Udløbsdatoen skal ligge efter udstedelsesdatoen."))
            if "issued" in dates and dates["issued"] > today:
                f.error(number, "udstedt", _("Udstedelsesdatoen ligger i fremtiden."))
            label_number = str(row.get("number") or "").strip()
            if isinstance(row.get("number"), float) and float(row["number"]).is_integer():
                label_number = str(int(row["number"]))
            if len(label_number) > 40:
                f.error(number, "mærkenummer", _("Mærkenummeret er over 40 tegn."))
            if f.errors > errors or label is None:
                continue
            key = (building_id, dates["issued"])
            if key in check.labels:
                f.error(
                    number,
                    "udstedt",
                    _("Bygningen har to energimærker udstedt samme dag (også række %(row)s).")
                    % {"row": check.labels[key][3]},
                )
                continue
            check.labels[key] = (label, label_number, dates["expires"], number)
    except TabularError as exc:
        f.error(None, "", exc.message)
        raise FileRejected(f) from exc
    if not check.rows:
        f.error(None, "", _("Filen har ingen rækker."))
        raise FileRejected(f)
    stored = {
        (b, issued): (label, num, expires)
        for b, issued, label, num, expires in EnergyLabel.objects.filter(
            building_id__in={k[0] for k in check.labels}
        ).values_list("building_id", "issued_on", "label", "number", "expires_on")
    }
    for key, (label, num, expires, row_number) in check.labels.items():
        old = stored.get(key)
        if old is None:
            check.new += 1
        elif old == (label, num, expires):
            check.unchanged += 1
        else:
            check.changed += 1
            f.warning(
                row_number,
                "energimærke",
                _("Overskriver det gemte energimærke %(old)s med %(new)s.")
                % {"old": old[0], "new": label},
            )
    return check


def labels_write(check: LabelsCheck) -> None:
    for (building_id, issued), (label, num, expires, _row) in check.labels.items():
        EnergyLabel.objects.update_or_create(
            building_id=building_id,
            issued_on=issued,
            defaults={"label": label, "number": num, "expires_on": expires},
        )


# --- degree days ------------------------------------------------------------------------

DEGREE_DAY_ALIASES = {
    "måned": "month",
    "maaned": "month",
    "month": "month",
    "dato": "month",
    "periode": "month",
    "graddage": "value",
    "degree_days": "value",
    "gd": "value",
}
_MONTH_ISO = re.compile(r"(\d{4})-(\d{1,2})")
_MONTH_DK = re.compile(r"(\d{1,2})[-./](\d{4})")


def parse_month(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, 1)
    text = str(value or "").strip()
    for pattern, order in ((_MONTH_ISO, (0, 1)), (_MONTH_DK, (1, 0))):
        match = pattern.fullmatch(text)
        if match:
            year, month = int(match.group(order[0] + 1)), int(match.group(order[1] + 1))
            return dt.date(year, month, 1)
    day = parse_date(text)
    return day.replace(day=1)


@dataclass
class DegreeDaysCheck:
    findings: Findings = field(default_factory=Findings)
    rows: int = 0
    months: dict[dt.date, tuple[Decimal, int]] = field(default_factory=dict)
    new: int = 0
    changed: int = 0
    unchanged: int = 0

    def summary(self) -> dict[str, int]:
        return {
            "rows_read": self.rows,
            "months_new": self.new,
            "months_changed": self.changed,
            "months_unchanged": self.unchanged,
            "rows_refused": len(self.findings.error_rows),
        }


def series_owned_elsewhere(*, organisation: Organisation, name: str) -> bool:
    """A series of this name exists and was not made by this organisation's imports
    (a national series, kept by sector staff, or another organisation's)."""
    if not DegreeDaySeries.objects.filter(name=name).exists():
        return False
    return not ImportRun.objects.filter(
        organisation=organisation,
        kind=DEGREE_DAYS,
        status=ImportStatus.COMMITTED,
        summary__options__series=name,
    ).exists()


def check_degree_days_file(
    fileobj: IO[bytes], *, organisation: Organisation, series_name: str, in_worker: bool = False
) -> DegreeDaysCheck:
    check = DegreeDaysCheck()
    f = check.findings
    if series_owned_elsewhere(organisation=organisation, name=series_name):
        f.error(
            None,
            "",
            _(
                "Graddageserien »%(name)s« vedligeholdes af andre. Vælg et nyt navn til "
                "jeres egen serie."
            )
            % {"name": series_name},
        )
        raise FileRejected(f)
    table = _table(fileobj, DEGREE_DAY_ALIASES, f, in_worker)
    _require(table.headers, {"month": "måned", "value": "graddage"}, f)
    today = timezone.localdate()
    try:
        for number, row in table.rows:
            check.rows += 1
            try:
                month = parse_month(row.get("month"))
            except ValueError:
                f.error(number, "måned", _("Måneden skal skrives som åååå-mm eller mm-åååå."))
                continue
            if month > today:
                f.error(number, "måned", _("Måneden ligger i fremtiden."))
                continue
            try:
                value = parse_decimal(row.get("value"))
            except ValueError as exc:
                f.error(
                    number, "graddage", number_error(exc, _("Graddage skal være et tal, fx 412,3."))
                )
                continue
            if not Decimal(0) <= value < Decimal(1000):
                f.error(number, "graddage", _("Graddage for en måned skal være mellem 0 og 999."))
                continue
            try:
                value = value.quantize(Decimal("0.1"))
            except InvalidOperation:
                f.error(number, "graddage", _("Graddage skal være et tal, fx 412,3."))
                continue
            if month in check.months:
                f.error(
                    number,
                    "måned",
                    _("Måneden står to gange (også række %(row)s).")
                    % {"row": check.months[month][1]},
                )
                continue
            check.months[month] = (value, number)
    except TabularError as exc:
        f.error(None, "", exc.message)
        raise FileRejected(f) from exc
    if not check.rows:
        f.error(None, "", _("Filen har ingen rækker."))
        raise FileRejected(f)
    stored = dict(DegreeDay.objects.filter(series__name=series_name).values_list("month", "value"))
    for month, (value, row_number) in check.months.items():
        old = stored.get(month)
        if old is None:
            check.new += 1
        elif old == value:
            check.unchanged += 1
        else:
            check.changed += 1
            f.warning(
                row_number,
                "graddage",
                _("Overskriver de gemte %(old)s graddage for %(month)s med %(new)s.")
                % {"old": old, "month": f"{month:%m-%Y}", "new": value},
            )
    return check


def degree_days_write(check: DegreeDaysCheck, options: dict[str, Any]) -> None:
    series, _created = DegreeDaySeries.objects.get_or_create(
        name=options["series"],
        defaults={
            "source": options.get("source") or options["series"],
            "normal_year": Decimal(str(options.get("normal_year") or "2906")),
        },
    )
    for month, (value, _row) in check.months.items():
        DegreeDay.objects.update_or_create(series=series, month=month, defaults={"value": value})
    # Heat corrected for the weather on the estate pages is read from them.
    from almen.green.pages_selectors import green_data_changed

    green_data_changed()


# --- runs -------------------------------------------------------------------------------


def options_of(run: ImportRun) -> dict[str, Any]:
    return dict(run.summary.get("options", {})) if isinstance(run.summary, dict) else {}


def green_run_create(
    *,
    actor: Any,
    organisation: Organisation,
    uploaded_file: Any,
    kind: str,
    options: dict[str, Any] | None = None,
) -> ImportRun:
    """Store an uploaded file of one of grøn drift's kinds (the register import's own
    checks of size and type)."""
    if kind not in KINDS:
        raise ValidationError(_("Ukendt slags import."), code="kind")
    run = import_services.import_run_create(
        actor=actor, organisation=organisation, uploaded_file=uploaded_file, kind=kind
    )
    run.summary = {"options": options or {}}
    run.save(update_fields=["summary"])
    return run


def check_run(run: ImportRun, *, in_worker: bool, stream: Any = None) -> Any:
    options = options_of(run)
    with run.file.open("rb") as stored:
        # The storage's own file object: Django's File wrapper answers ``closed`` on
        # every line read, a tenth of the time of a big file.
        fileobj = stored
        while getattr(fileobj, "file", None) is not None and fileobj.file is not fileobj:
            fileobj = fileobj.file
        if run.kind == READINGS:
            meter = None
            if options.get("meter"):
                meter = (
                    Meter.objects.filter(pk=options["meter"], estate__organisation=run.organisation)
                    .select_related("estate")
                    .first()
                )
            return check_readings_file(
                fileobj,
                organisation=run.organisation,
                meter=meter,
                run=run,
                in_worker=in_worker,
                stream=stream,
            )
        if run.kind == LABELS:
            return check_labels_file(fileobj, organisation=run.organisation, in_worker=in_worker)
        return check_degree_days_file(
            fileobj,
            organisation=run.organisation,
            series_name=options.get("series", ""),
            in_worker=in_worker,
        )


def _store(run: ImportRun, findings: Findings) -> None:
    run.findings = findings.items
    run.findings_omitted = findings.omitted
    run.error_count = findings.errors
    run.warning_count = findings.warnings


def green_run_validate(*, run: ImportRun, in_worker: bool = False) -> tuple[ImportRun, Any]:
    """Check the file; the run ends ``validated`` or ``rejected``. Returns the check
    (None when the file as a whole was refused), for a commit in the same pass."""
    mark_validating(run)
    try:
        check = check_run(run, in_worker=in_worker)
    except FileRejected as exc:
        mark_file_rejected(run, exc.findings)
        return run, None
    mark_checked(run, check)
    run.save()
    return run, check


def mark_validating(run: ImportRun) -> None:
    run.status = ImportStatus.VALIDATING
    run.processed_rows = 0
    run.save(update_fields=["status", "processed_rows"])


def mark_file_rejected(run: ImportRun, findings: Findings) -> None:
    _store(run, findings)
    run.status = ImportStatus.REJECTED
    run.finished_at = timezone.now()
    run.summary = {"options": options_of(run)}
    run.save()


def mark_checked(run: ImportRun, check: Any) -> None:
    """What the check found, on the run (``validated`` or ``rejected``; not saved)."""
    _store(run, check.findings)
    run.total_rows = run.processed_rows = check.rows
    run.summary = {**check.summary(), "options": options_of(run)}
    run.status = ImportStatus.REJECTED if check.findings.errors else ImportStatus.VALIDATED
    run.finished_at = timezone.now()


def write_checked(*, actor: Any, run: ImportRun, check: Any, written: bool = False) -> None:
    """Write a checked run and mark it committed. ``written``: its readings were
    copied in, and their months refreshed, while it was checked (decision 0038)."""
    options = options_of(run)
    if run.kind == READINGS:
        if not written:
            readings_write(
                rows_to_write(check),
                source=ReadingSource.IMPORT,
                run_id=run.pk,
                all_new=not check.overwritten and not check.skipped,
            )
            footprint.meter_refresh(sorted(check.meters))
    elif run.kind == LABELS:
        labels_write(check)
    else:
        degree_days_write(check, options)
    run.status = ImportStatus.COMMITTED
    run.finished_at = timezone.now()
    if actor is not None and getattr(actor, "is_authenticated", False):
        run.committed_by = actor
    run.save()
    audit_record(
        actor=actor,
        action="import",
        obj=run,
        organisation_id=run.organisation_id,
        after={"kind": run.kind, **run.summary},
    )


def green_run_commit(
    *, actor: Any, run: ImportRun, check: Any = None, in_worker: bool = False
) -> ImportRun:
    """Write a validated run whole or not at all. Without ``check`` (from a
    validation in the same pass) the file is read and checked again: stored data
    may have changed since the preview."""
    if check is None:
        if run.status != ImportStatus.COMMITTING:
            claimed = ImportRun.objects.filter(
                pk=run.pk, status=ImportStatus.VALIDATED, error_count=0
            ).update(status=ImportStatus.COMMITTING, processed_rows=0)
            if not claimed:
                raise ValidationError(_("Importen kan ikke indlæses i sin nuværende status."))
        run.status = ImportStatus.COMMITTING
        from almen.green import imports_stream

        if imports_stream.applies(run):
            return imports_stream.check_and_write(actor=actor, run=run, in_worker=in_worker)
        run, check = green_run_validate(run=run, in_worker=in_worker)
        if check is None or run.status != ImportStatus.VALIDATED:
            return run
    run.status = ImportStatus.COMMITTING
    run.save(update_fields=["status"])
    try:
        with transaction.atomic():
            write_checked(actor=actor, run=run, check=check)
    except Exception:
        logger.exception("Green import %s failed", run.public_id)
        mark_failed(run)
    return run


def mark_failed(run: ImportRun) -> None:
    findings = Findings()
    findings.error(
        None, "", _("Importen fejlede, og intet blev ændret. Prøv igen, eller kontakt support.")
    )
    _store(run, findings)
    run.status = ImportStatus.FAILED
    run.finished_at = timezone.now()
    run.save()


def green_run_check_and_commit(*, actor: Any, run: ImportRun, in_worker: bool = False) -> ImportRun:
    """Check a new run and, when the check finds no error, write it, in one pass: a big
    readings file on PostgreSQL is copied in while it is checked (decision 0038)."""
    from almen.green import imports_stream

    if imports_stream.applies(run):
        return imports_stream.check_and_write(actor=actor, run=run, in_worker=in_worker)
    run, check = green_run_validate(run=run, in_worker=in_worker)
    if run.status == ImportStatus.VALIDATED:
        return green_run_commit(actor=actor, run=run, check=check, in_worker=in_worker)
    return run


def green_run_process(*, run_id: str, commit: bool, in_worker: bool = False) -> ImportRun:
    """What the background task runs for grøn drift's kinds (and small files at once):
    check a new run, and with ``commit`` write it in the same pass."""
    run = ImportRun.objects.select_related("organisation").get(public_id=run_id)
    actor = run.committed_by or run.uploaded_by
    if run.status == ImportStatus.COMMITTING and commit:
        return green_run_commit(actor=actor, run=run, in_worker=in_worker)
    if run.status == ImportStatus.UPLOADED:
        if commit:
            return green_run_check_and_commit(actor=actor, run=run, in_worker=in_worker)
        run, _check_done = green_run_validate(run=run, in_worker=in_worker)
    return run


def green_run_start(*, actor: Any, run: ImportRun, commit: bool) -> ImportRun:
    """Check (and with ``commit`` write) ``run``: at once for small files, in the
    worker for big ones (the register import's rule, ``imports.services.needs_worker``)."""
    if commit and run.status != ImportStatus.UPLOADED:
        claimed = ImportRun.objects.filter(
            pk=run.pk, status=ImportStatus.VALIDATED, error_count=0, dry_run=False
        ).update(status=ImportStatus.COMMITTING, processed_rows=0)
        if not claimed:
            raise ValidationError(_("Importen kan ikke indlæses i sin nuværende status."))
        run.status = ImportStatus.COMMITTING
        if actor is not None and getattr(actor, "is_authenticated", False):
            run.committed_by = actor
            run.save(update_fields=["committed_by"])
    if import_services.needs_worker(run):
        from almen.imports.tasks import import_run_process as task

        run_id = str(run.public_id)
        transaction.on_commit(lambda: task.enqueue(run_id, commit))
        return run
    return green_run_process(run_id=str(run.public_id), commit=commit)


# --- the API feed -----------------------------------------------------------------------

API_MAX_ITEMS = 100_000


def api_rows(items: list[Any]) -> tuple[list[tuple[int, list[Any]]], Findings, bool]:
    """API items as rows [meter, estate, at, start, value, unit] numbered from 1, with
    the findings of items that are not objects."""
    findings = Findings()
    rows: list[tuple[int, list[Any]]] = []
    interval: bool | None = None
    mixed = False
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            findings.error(number, "", _("Hvert element skal være et objekt."))
            continue
        has_start = item.get("start") not in (None, "")
        if interval is None:
            interval = has_start
        elif interval != has_start:
            mixed = True
        value = item.get("value")
        if isinstance(value, bool) or not isinstance(value, str | int | float | type(None)):
            value = "?"
        rows.append(
            (
                number,
                [
                    _scalar(item.get("meter")),
                    _scalar(item.get("estate")),
                    _scalar(item.get("at")),
                    _scalar(item.get("start")),
                    value if value is not None else "",
                    _scalar(item.get("unit")),
                ],
            )
        )
    if mixed:
        findings.error(
            None,
            "start",
            _("Send tællerstande (uden start) og forbrug pr. periode (med start) i hver sit kald."),
        )
    return rows, findings, bool(interval)


def _scalar(value: Any) -> str:
    if value is None or isinstance(value, bool | dict | list):
        return "" if value is None else "?"
    return str(value)[:100]


def readings_ingest(*, organisation: Organisation, items: list[Any]) -> ReadingsCheck:
    """The API's bulk ingest: check every item, and write them all (or, with an
    error, none). Idempotent on meter and time."""
    rows, findings, interval = api_rows(items)
    check = ReadingsCheck(findings=findings)
    if findings.errors:
        return check
    layout = Layout(
        at=2,
        value=4,
        start=3 if interval else -1,
        meter=0,
        estate=1,
        unit=5,
        width=6,
        interval=interval,
        value_column="value",
    )
    lookup = MeterLookup(organisation.pk, check)
    check_rows(rows, layout, check=check, lookup=lookup, now=_epoch_now())
    check_series(check)
    if check.findings.errors:
        return check
    with transaction.atomic():
        readings_write(rows_to_write(check), source=ReadingSource.API, run_id=None)
        footprint.meter_refresh(sorted(check.meters))
        audit_record(
            actor=None,
            action="green.readings_ingest",
            obj=Organisation,
            organisation_id=organisation.pk,
            after=check.summary(),
        )
    return check
