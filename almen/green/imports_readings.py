"""Checking meter readings from a file or an API feed, fast and in little memory.

The rows come as lists (a CSV line split by ``csv``, an XLSX row, an API item); each
is checked as it is read and kept per meter in compact arrays (``array('q')`` of epoch
seconds, ``array('d')`` of values, ``array('i')`` of row numbers: about 20 bytes a
reading, so a 10-million-row hourly file stays far below 1 GB). After the last row
every meter's readings are merged, in time order, with those already stored in the
window the file covers, and checked as a series:

* **duplicates**: the same meter and time twice in the file is an error; a reading
  already stored with the same value is skipped (counted), with another value it is
  overwritten (a warning);
* **negative consumption**: a register reading lower than the one before, with no
  meter exchange between, is an error (an interval's negative consumption too);
* **gaps**: for register meters, a time between two readings over 1.5 times the
  meter's usual time between readings (the median); for interval meters, a period
  that does not start where the one before ended;
* **spikes** (the median absolute deviation rule, ``SPIKE_K``): each period's
  consumption per day, compared with the meter's median; a value further from it than
  5 × 1.4826 × MAD (and MAD > 0) is a warning with the numbers. The median and MAD of
  a meter with more than ``SAMPLE`` periods are taken from an even sample of them.

Times: ``dd-mm-yyyy``, ``dd.mm.yyyy`` or ISO dates, with or without a time
(``HH:MM[:SS]``), read as Danish local time; an ISO time with an offset is taken as
written. In October's repeated hour the second of two equal local times is the later
one. A ``til`` date without a time ends the period at the end of that day, unless it
is the same day of the month as ``fra`` (``01-01-2025;01-02-2025`` is January).
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from almen.green.models import Meter, MeterExchange, MeterMode, Reading
from almen.green.units import UnitMismatch, check_unit, parse_unit, unit_label
from almen.imports.findings import Findings
from almen.lib.tabular import number_error, parse_date, parse_decimal

SPIKE_K = 5.0
MAD_SCALE = 1.4826  # MAD × 1.4826 estimates the standard deviation of normal data
GAP_FACTOR = 1.5
MIN_PERIODS_FOR_SPIKES = 6
SAMPLE = 100_000
MAX_VALUE = 1e10  # larger is a typing error (and beyond what 4 decimals hold exactly)
EPSILON = 0.00005  # values are kept with 4 decimals
DAY = 86400
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()

_SIMPLE_NUMBER = re.compile(r"-?\d+(?:,\d+)?", re.ASCII)
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?", re.ASCII)
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")


def dk(value: float, decimals: int = 2) -> str:
    """1234.5 → "1.234,50" (Danish)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def day_text(epoch: int) -> str:
    local = dt.datetime.fromtimestamp(epoch, timezone.get_current_timezone())
    if local.hour or local.minute or local.second:
        return f"{local:%d-%m-%Y %H:%M}"
    return f"{local:%d-%m-%Y}"


class TimeError(ValueError):
    pass


class SkippedTime(TimeError):
    """A local time that does not exist: the clock jumps from 02:00 to 03:00."""


class Clock:
    """Local times to epoch seconds, with each date parsed once."""

    def __init__(self) -> None:
        self.tz = timezone.get_current_timezone()
        # date text → (epoch of local midnight, whether the day is 23 or 25 hours, date)
        self.days: dict[str, tuple[int, bool, dt.date]] = {}
        self.utc_days: dict[str, int] = {}  # ISO date text → epoch of its UTC midnight
        # Time text → what ``parse`` made of it: an hourly file of many meters repeats
        # each of its times once per meter (8,760 texts for 10 million rows).
        self.seen: dict[str, tuple[int, bool, bool]] = {}

    def day(self, text: str) -> tuple[int, bool, dt.date]:
        found = self.days.get(text)
        if found is None:
            try:
                date = parse_date(text)
            except ValueError:
                raise TimeError(text) from None
            midnight = dt.datetime(date.year, date.month, date.day, tzinfo=self.tz)
            following = midnight + dt.timedelta(days=1)
            start = int(midnight.timestamp())
            found = (start, int(following.timestamp()) - start != DAY, date)
            if len(self.days) < 100_000:
                self.days[text] = found
        return found

    def local(self, date: dt.date, h: int, m: int, s: int, fold: int = 0) -> int:
        """Epoch seconds of a Danish local time; a time the clock skips (02:30 on the
        last Sunday of March) does not exist and raises ``SkippedTime``."""
        moment = dt.datetime(date.year, date.month, date.day, h, m, s, fold=fold, tzinfo=self.tz)
        epoch = int(moment.timestamp())
        back = dt.datetime.fromtimestamp(epoch, self.tz)
        if (back.hour, back.minute, back.second) != (h, m, s):
            raise SkippedTime(f"{date} {h:02d}:{m:02d}")
        return epoch

    def parse(self, value: Any) -> tuple[int, bool, bool]:
        """(epoch, on a day with a clock change, had a time of day). A text seen before
        is answered from ``seen``; a time that does not exist raises every time."""
        if type(value) is not str:
            return self._parse_text(value)
        found = self.seen.get(value)
        if found is None:
            found = self._parse_text(value)
            if len(self.seen) < 100_000:
                self.seen[value] = found
        return found

    def _parse_text(self, value: Any) -> tuple[int, bool, bool]:
        """The usual "2025-01-31 13:00" and "31-01-2025 13:00" are read without a
        pattern."""
        if type(value) is str and value.isascii():
            n = len(value)
            if (
                (n == 16 or (n == 19 and value[16] == ":"))
                and value[13] == ":"
                and value[10] in " T"
            ):
                day = self.days.get(value[:10]) or self.day(value[:10])
                if not day[1]:
                    h, m = value[11:13], value[14:16]
                    sec = value[17:19] if n == 19 else "00"
                    if h.isdigit() and m.isdigit() and sec.isdigit():
                        hh, mm, ss = int(h), int(m), int(sec)
                        if hh < 24 and mm < 60 and ss < 60:
                            return day[0] + hh * 3600 + mm * 60 + ss, False, True
            elif n == 10:
                day = self.days.get(value) or self.day(value)
                return day[0], day[1], False
            elif (
                (n == 22 or (n == 25 and value[16] == ":"))
                and value[n - 3] == ":"
                and value[13] == ":"
                and value[10] in " T"
            ):
                # "2025-01-31T13:00+01:00" (a supplier's export with its offset): the
                # same epoch as ``datetime.fromisoformat`` gives, without building one.
                sign = value[n - 6]
                base = self.utc_days.get(value[:10])
                if base is None:
                    base = self._utc_day(value[:10])
                if base is not None and (sign == "+" or sign == "-"):
                    h, m = value[11:13], value[14:16]
                    sec = value[17:19] if n == 25 else "00"
                    oh, om = value[n - 5 : n - 3], value[n - 2 :]
                    if (
                        h.isdigit()
                        and m.isdigit()
                        and sec.isdigit()
                        and oh.isdigit()
                        and om.isdigit()
                    ):
                        hh, mm, ss, ohh, omm = int(h), int(m), int(sec), int(oh), int(om)
                        if hh < 24 and mm < 60 and ss < 60 and ohh < 24 and omm < 60:
                            offset = ohh * 3600 + omm * 60
                            return (
                                base
                                + hh * 3600
                                + mm * 60
                                + ss
                                - (offset if sign == "+" else -offset),
                                False,
                                True,
                            )
        return self._parse(value)

    def _utc_day(self, text: str) -> int | None:
        """Epoch seconds of UTC midnight of an ISO date (None: not one)."""
        try:
            date = dt.date.fromisoformat(text)
        except ValueError:
            return None
        base = (date.toordinal() - _EPOCH_ORDINAL) * DAY
        if len(self.utc_days) < 100_000:
            self.utc_days[text] = base
        return base

    def _parse(self, value: Any) -> tuple[int, bool, bool]:
        if isinstance(value, dt.datetime):
            aware = value if timezone.is_aware(value) else timezone.make_aware(value, self.tz)
            return int(aware.timestamp()), False, True
        if isinstance(value, dt.date):
            start, dst, _date = self.day(value.isoformat())
            return start, dst, False
        text = str(value or "").strip()
        if len(text) <= 10:
            start, dst, _date = self.day(text)
            return start, dst, False
        cut = text.find(" ")
        if cut < 0:
            cut = text.find("T")
        if cut < 0:
            raise TimeError(text)
        clock = text[cut + 1 :].strip()
        if _OFFSET.search(clock):
            try:
                parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                raise TimeError(text) from None
            return self.parse(parsed)
        start, dst, date = self.day(text[:cut])
        match = _TIME.fullmatch(clock)
        if match is None:
            raise TimeError(text)
        h, m = int(match.group(1)), int(match.group(2))
        s = int(match.group(3) or 0)
        if h > 23 or m > 59 or s > 59:
            if h == 24 and m == 0 and s == 0:  # "24:00" is the next midnight
                return start + (self.local(date, 0, 0, 0) - start) + DAY, dst, True
            raise TimeError(text)
        if dst:
            return self.local(date, h, m, s), True, True
        return start + h * 3600 + m * 60 + s, False, True


def parse_value(value: Any) -> float:
    """A number in the Danish or international format (``tabular.parse_decimal``),
    with a fast path for the plain "1234,5" and "1234"."""
    if isinstance(value, str) and _SIMPLE_NUMBER.fullmatch(value):
        return float(value.replace(",", "."))
    return _parse_other(value)


def value_and_text(value: Any) -> tuple[float, str]:
    """``parse_value``'s number, and the same number as ``COPY`` text for
    ``green_reading.value``: the file's own digits when they are a plain number of at
    most 15 significant digits — which a ``double precision`` holds exactly, so that
    the column stores the same as from the number (``imports_services.copy_text``) —
    else the number with 15 significant digits, as PostgreSQL turns a ``double
    precision`` into ``numeric``. Formatting a float costs more than reading it: ~0.7 µs
    a row, 7 s of a 10-million-row file."""
    if isinstance(value, str) and _SIMPLE_NUMBER.fullmatch(value):
        text = value.replace(",", ".")
        number = float(text)
        return number, text if len(text) <= 16 else f"{number:.15g}"
    number = _parse_other(value)
    return number, f"{number:.15g}"


def _parse_other(value: Any) -> float:
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(value)
        return value
    return float(parse_decimal(value.strip() if isinstance(value, str) else value))


@dataclass(slots=True, eq=False)
class MeterState:
    """One meter's readings from the file, and what its checks found."""

    meter_id: int
    number: str
    estate_number: int
    kind: str
    unit: str
    interval: bool
    ts: array = field(default_factory=lambda: array("q"))
    val: array = field(default_factory=lambda: array("d"))
    row: array = field(default_factory=lambda: array("i"))
    start: array = field(default_factory=lambda: array("q"))
    # The values as COPY text since the last hand-over (``ReadingsCheck.copy_texts``).
    texts: list[str] = field(default_factory=list)
    last: int = -(2**62)
    ordered: bool = True
    skip: bytearray = field(default_factory=bytearray)  # 1: stored already, same value
    units: dict[str, str | None] = field(default_factory=dict)  # unit text → error

    @classmethod
    def of(cls, meter: Meter, estate_number: int) -> MeterState:
        return cls(
            meter_id=meter.pk,
            number=meter.number,
            estate_number=estate_number,
            kind=meter.kind,
            unit=meter.unit,
            interval=meter.mode == MeterMode.INTERVAL,
        )

    def unit_error(self, text: str) -> str | None:
        """The error for a row whose unit is ``text`` (None: it is the meter's)."""
        if text in self.units:
            return self.units[text]
        unit = parse_unit(text)
        error: str | None = None
        if unit is None:
            error = _("Enheden »%(unit)s« kendes ikke (brug fx kWh, MWh, GJ eller m³).") % {
                "unit": text[:20]
            }
        elif unit != self.unit:
            names = {
                "unit": unit_label(unit),
                "meter": self.number,
                "meter_unit": unit_label(self.unit),
            }
            try:
                check_unit(self.kind, unit)
            except UnitMismatch as exc:
                error = (
                    exc.message
                    + " "
                    + _("Måler %(meter)s måler i %(meter_unit)s; filen har %(unit)s.") % names
                )
            else:
                error = (
                    _(
                        "Enheden er %(unit)s, men måler %(meter)s måler i %(meter_unit)s. "
                        "Omregn værdierne til %(meter_unit)s, eller ret målerens enhed."
                    )
                    % names
                )
        self.units[text] = error
        return error

    def sort(self) -> None:
        if self.ordered:
            return
        order = sorted(range(len(self.ts)), key=self.ts.__getitem__)
        self.ts = array("q", (self.ts[i] for i in order))
        self.val = array("d", (self.val[i] for i in order))
        self.row = array("i", (self.row[i] for i in order))
        if self.interval:
            self.start = array("q", (self.start[i] for i in order))
        self.ordered = True


@dataclass
class ReadingsCheck:
    """What a file (or an API call) holds, checked."""

    findings: Findings = field(default_factory=Findings)
    rows: int = 0
    meters: dict[int, MeterState] = field(default_factory=dict)
    skipped: int = 0  # already stored with the same value
    overwritten: int = 0
    new: int = 0
    # Keep each meter's values as COPY text too (``MeterState.texts``), for a writer
    # that copies them in while the file is read (``imports_stream``).
    copy_texts: bool = False
    # Meter id → (its rows then, what its series' check counted, and found):
    # ``check_series_early``.
    early: dict[int, tuple[int, ReadingsCheck, list[tuple[str, int | None, str, str]]]] = field(
        default_factory=dict
    )

    def summary(self) -> dict[str, int]:
        return {
            "rows_read": self.rows,
            "readings_new": self.new,
            "readings_overwritten": self.overwritten,
            "readings_unchanged": self.skipped,
            "meters": len(self.meters),
            "rows_refused": len(self.findings.error_rows),
        }


class MeterLookup:
    """Meter numbers (and estate numbers) of one organisation's meters → their state."""

    def __init__(self, organisation_id: int, check: ReadingsCheck) -> None:
        self.check = check
        self.by_number: dict[str, list[tuple[Meter, int]]] = {}
        for meter in Meter.objects.filter(estate__organisation_id=organisation_id).select_related(
            "estate"
        ):
            self.by_number.setdefault(meter.number.strip().lower(), []).append(
                (meter, meter.estate.number)
            )
        self.cache: dict[tuple[str, str], MeterState | str] = {}
        self.simple: dict[str, MeterState | str] = {}  # the cell as it is → the answer

    def state_for(self, meter: Meter, estate_number: int) -> MeterState:
        state = self.check.meters.get(meter.pk)
        if state is None:
            state = self.check.meters[meter.pk] = MeterState.of(meter, estate_number)
        return state

    def find(self, number: str, estate: str = "") -> MeterState | str:
        """The meter's state, or the error to report."""
        key = (number, estate)
        found = self.cache.get(key)
        if found is not None:
            return found
        candidates = self.by_number.get(number.strip().lower(), [])
        if estate:
            try:
                estate_number = int(str(estate).strip())
            except ValueError:
                estate_number = -1
            candidates = [c for c in candidates if c[1] == estate_number]
        if not number.strip():
            result: MeterState | str = _("Målernummeret mangler.")
        elif not candidates:
            result = (
                (
                    _("Måleren %(number)s findes ikke i afdeling %(estate)s.")
                    % {"number": number[:60], "estate": str(estate)[:10]}
                    if estate
                    else _("Måleren %(number)s findes ikke hos boligorganisationen.")
                    % {"number": number[:60]}
                )
                + " "
                + _("Opret måleren først, eller ret nummeret.")
            )
        elif len(candidates) > 1:
            result = _(
                "Målernummeret %(number)s findes i flere afdelinger (%(estates)s). Tilføj "
                "kolonnen afdeling."
            ) % {"number": number[:60], "estates": ", ".join(str(c[1]) for c in candidates)}
        else:
            result = self.state_for(*candidates[0])
        if len(self.cache) < 100_000:
            self.cache[key] = result
        return result


# --- the row loop ---------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Where each value is in a row (-1: absent)."""

    at: int
    value: int
    start: int = -1
    meter: int = -1
    estate: int = -1
    unit: int = -1
    width: int = 0
    interval: bool = False
    value_column: str = "aflæsning"
    header_unit: str | None = None  # "Forbrug (kWh)"


def check_rows(
    records: Iterable[tuple[int, list[Any]]],
    layout: Layout,
    *,
    check: ReadingsCheck,
    lookup: MeterLookup,
    fixed: MeterState | None = None,
    now: int,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 50_000,
) -> None:
    """Read every row into its meter's arrays, or record why it cannot be used."""
    f = check.findings
    clock = Clock()
    i_at, i_value, i_start = layout.at, layout.value, layout.start
    i_meter, i_estate, i_unit = layout.meter, layout.estate, layout.unit
    width = layout.width
    at_column = "til" if layout.interval else "dato"
    value_column = layout.value_column
    header_unit = layout.header_unit
    bad_time = _(
        "Tidspunktet findes ikke eller har et ukendt format (brug dd-mm-åååå, "
        "dd.mm.åååå eller åååå-mm-dd, evt. med tt:mm)."
    )
    skipped_time = _(
        "Klokkeslættet findes ikke i dansk tid: uret springer fra 02:00 til 03:00, når "
        "sommertiden begynder. Angiv tiden i UTC (fx 2025-03-30T01:30Z) eller med "
        "tidszone (+01:00)."
    )
    copy_texts = check.copy_texts
    rows = 0
    for number, rec in records:
        rows += 1
        if progress is not None and rows % progress_every == 0:
            progress(rows)
            copy_texts = check.copy_texts  # a stream that gave up wants no more
        if len(rec) < width:
            rec = [*rec, *([""] * (width - len(rec)))]
        # The meter.
        if i_meter >= 0:
            raw = rec[i_meter]
            found = lookup.simple.get(raw) if i_estate < 0 else None
            if found is None:
                found = lookup.find(
                    str(raw if raw is not None else "").strip(),
                    str(rec[i_estate] or "").strip() if i_estate >= 0 else "",
                )
                if i_estate < 0 and isinstance(raw, str) and len(lookup.simple) < 100_000:
                    lookup.simple[raw] = found
            if isinstance(found, str):
                f.error(number, "målernummer", found)
                continue
            state = found
        elif fixed is not None:
            state = fixed
        else:  # pragma: no cover - the layout says so first
            f.error(number, "målernummer", _("Vælg måleren, filen er fra."))
            continue
        if state.interval != layout.interval:
            f.error(
                number,
                value_column,
                _(
                    "Måler %(number)s aflæses som tællerstand; filen har forbrug pr. "
                    "periode (fra;til;forbrug)."
                )
                % {"number": state.number}
                if not state.interval
                else _(
                    "Måler %(number)s aflæses som forbrug pr. periode; filen har "
                    "tællerstande (dato;aflæsning)."
                )
                % {"number": state.number},
            )
            continue
        # The unit.
        unit_text = rec[i_unit] if i_unit >= 0 else header_unit
        if unit_text:
            unit_text = str(unit_text).strip()
            if unit_text:
                problem = state.unit_error(unit_text)
                if problem is not None:
                    f.error(number, "enhed", problem)
                    continue
        # The time.
        try:
            ts, dst, timed = clock.parse(rec[i_at])
        except SkippedTime:
            f.error(number, at_column, skipped_time)
            continue
        except TimeError:
            f.error(number, at_column, bad_time)
            continue
        start = 0
        if layout.interval:
            try:
                start, _dst, start_timed = clock.parse(rec[i_start])
            except SkippedTime:
                f.error(number, "fra", skipped_time)
                continue
            except TimeError:
                f.error(number, "fra", bad_time)
                continue
            # A "til" date: the end of that day, unless it is the same day of the
            # month as "fra" (01-01 → 01-02 is January).
            if not timed and not start_timed and not _same_day_of_month(start, ts, clock):
                ts = _next_midnight(ts, clock)
            if start >= ts:
                f.error(number, "fra", _("Perioden skal slutte efter, den begynder."))
                continue
        if ts > now:
            f.error(
                number,
                at_column,
                _("Tidspunktet %(at)s ligger i fremtiden.") % {"at": day_text(ts)},
            )
            continue
        # The value.
        raw_value = rec[i_value]
        try:
            if copy_texts:
                value, text = value_and_text(raw_value)
            else:
                value = parse_value(raw_value)
        except ValueError as exc:
            f.error(
                number, value_column, number_error(exc, _("Værdien skal være et tal, fx 1234,5."))
            )
            continue
        except ArithmeticError:
            f.error(number, value_column, _("Værdien skal være et tal, fx 1234,5."))
            continue
        if not -MAX_VALUE < value < MAX_VALUE:
            f.error(number, value_column, _("Værdien er urimeligt stor."))
            continue
        if value < 0:
            f.error(
                number,
                value_column,
                _("Negativt forbrug – er måleren udskiftet? Registrér udskiftningen.")
                if layout.interval
                else _("En tællerstand kan ikke være negativ."),
            )
            continue
        if ts <= state.last:
            if dst:
                # October's repeated hour: the second 02:30 is an hour later.
                later = _fold(ts, clock)
                if later > state.last:
                    ts = later
            if ts <= state.last:
                state.ordered = False
        state.last = max(state.last, ts)
        state.ts.append(ts)
        state.val.append(value)
        state.row.append(number)
        if layout.interval:
            state.start.append(start)
        if copy_texts:
            state.texts.append(text)
    check.rows += rows
    if progress is not None:
        progress(rows)


def _same_day_of_month(start: int, end: int, clock: Clock) -> bool:
    a = dt.datetime.fromtimestamp(start, clock.tz)
    b = dt.datetime.fromtimestamp(end, clock.tz)
    return a.day == b.day


def _next_midnight(ts: int, clock: Clock) -> int:
    day = dt.datetime.fromtimestamp(ts, clock.tz).date() + dt.timedelta(days=1)
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=clock.tz).timestamp())


def _fold(ts: int, clock: Clock) -> int:
    local = dt.datetime.fromtimestamp(ts, clock.tz).replace(tzinfo=None)
    return int(local.replace(fold=1, tzinfo=clock.tz).timestamp())


# --- the series checks ----------------------------------------------------------------


def _aware(epoch: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.UTC)


def _stored(state: MeterState) -> Iterator[tuple[int, float, int]]:
    """The stored readings from just before the file's first to just after its last,
    in time order: (epoch, value, start epoch or 0)."""
    first, last = _aware(state.ts[0]), _aware(state.ts[-1])
    readings = Reading.objects.filter(meter_id=state.meter_id)
    before = (
        readings.filter(at__lt=first).order_by("-at").values_list("at", "value", "start").first()
    )
    after = readings.filter(at__gt=last).order_by("at").values_list("at", "value", "start").first()
    if before is not None:
        yield _row(before)
    for item in (
        readings.filter(at__gte=first, at__lte=last)
        .order_by("at")
        .values_list("at", "value", "start")
        .iterator(chunk_size=20_000)
    ):
        yield _row(item)
    if after is not None:
        yield _row(after)


def _row(item: tuple[dt.datetime, Any, dt.datetime | None]) -> tuple[int, float, int]:
    at, value, start = item
    return int(at.timestamp()), float(value), int(start.timestamp()) if start else 0


def _median(values: array) -> float:
    step = max(1, len(values) // SAMPLE)
    return float(statistics.median(values[::step]))


def check_series(check: ReadingsCheck) -> None:
    """Duplicates, stored values, negative consumption, gaps and spikes, per meter. A
    meter checked early (``check_series_early``) and without rows since adds what that
    check found, in the same place: the findings are the same, in the same order."""
    for state in check.meters.values():
        if not len(state.ts):
            continue
        early = check.early.pop(state.meter_id, None)
        if early is not None and early[0] == len(state.ts):
            _rows, part, found = early
            for finding in found:
                check.findings.add(*finding)
            check.new += part.new
            check.skipped += part.skipped
            check.overwritten += part.overwritten
        else:
            _check_meter(check, state)


class _EveryFinding(Findings):
    """One meter's findings, all of them, for ``check_series`` to add in its turn."""

    def __init__(self) -> None:
        super().__init__()
        self.all: list[tuple[str, int | None, str, str]] = []

    def add(self, level: str, row: int | None, column: str, message: str) -> None:
        self.all.append((level, row, column, message))


def check_series_early(check: ReadingsCheck, state: MeterState) -> None:
    """Check ``state``'s series now, while the file is still read (its rows seem to
    have ended: ``imports_stream``); ``check_series`` takes the result unless the meter
    had rows after it."""
    found = _EveryFinding()
    part = ReadingsCheck(findings=found)
    _check_meter(part, state)
    check.early[state.meter_id] = (len(state.ts), part, found.all)


def _negative(state: MeterState, new: float, at: int, old: float, before: int, unit: str) -> str:
    return _(
        "Negativt forbrug – er måleren udskiftet? Registrér udskiftningen. "
        "Måler %(number)s: %(new)s %(unit)s den %(at)s er lavere end "
        "%(old)s %(unit)s den %(before)s."
    ) % {
        "number": state.number,
        "new": dk(new, 4),
        "old": dk(old, 4),
        "unit": unit,
        "at": day_text(at),
        "before": day_text(before),
    }


def _check_meter(check: ReadingsCheck, state: MeterState) -> None:
    f = check.findings
    state.sort()
    ts, val, rows, starts = state.ts, state.val, state.row, state.start
    n = len(ts)
    state.skip = bytearray(n)
    # Duplicates inside the file.
    duplicate = bytearray(n)
    for i in range(1, n):
        if ts[i] == ts[i - 1]:
            duplicate[i] = 1
            f.error(
                rows[i],
                "dato",
                _("Måler %(number)s har to aflæsninger for %(at)s (også række %(row)s).")
                % {"number": state.number, "at": day_text(ts[i]), "row": rows[i - 1]},
            )
    exchanges = sorted(
        (int(on.timestamp()), float(old), float(new))
        for on, old, new in MeterExchange.objects.filter(meter_id=state.meter_id).values_list(
            "on", "old_end", "new_start"
        )
    )
    # The merged series: (epoch, value, start, index in the file or -1).
    periods_rate = array("d")
    periods_len = array("d")
    periods_ref = array("i")
    periods_at = array("q")
    stored = _stored(state)
    pending = next(stored, None)
    prev_ts = 0
    prev_val = 0.0
    prev_ref = -1
    have_prev = False
    e = 0
    unit = unit_label(state.unit)
    i = 0
    if (
        pending is None
        and not any(duplicate)
        and not (exchanges and exchanges[-1][0] > ts[0] and exchanges[0][0] < ts[-1])
    ):
        # Nothing stored near the file's readings, no exchange among them and no
        # duplicate (a meter's first import): the same checks, in a tighter loop.
        check.new += n
        i = n
        if state.interval:
            prev_end = starts[0]
            for k in range(n):
                t, v, b = ts[k], val[k], starts[k]
                if k:
                    if b < prev_end:
                        f.error(
                            rows[k],
                            "fra",
                            _("Perioden overlapper den forrige, som slutter %(at)s.")
                            % {"at": day_text(prev_end)},
                        )
                    elif b > prev_end:
                        f.warning(
                            rows[k],
                            "fra",
                            _(
                                "Hul i målingerne: intet forbrug for måler %(number)s fra "
                                "%(from)s til %(to)s."
                            )
                            % {
                                "number": state.number,
                                "from": day_text(prev_end),
                                "to": day_text(b),
                            },
                        )
                length = (t - b) / DAY
                periods_rate.append(v / length)
                periods_len.append(length)
                periods_ref.append(k)
                periods_at.append(t)
                prev_end = t
        else:
            prev_t, prev_v = ts[0], val[0]
            for k in range(1, n):
                t, v = ts[k], val[k]
                delta = v - prev_v
                if delta < -EPSILON:
                    f.error(rows[k], "aflæsning", _negative(state, v, t, prev_v, prev_t, unit))
                else:
                    length = (t - prev_t) / DAY
                    periods_rate.append(delta / length)
                    periods_len.append(length)
                    periods_ref.append(k)
                    periods_at.append(t)
                prev_t, prev_v = t, v
    while i < n or pending is not None:
        if i < n and duplicate[i]:
            i += 1
            continue
        if pending is not None and (i >= n or pending[0] < ts[i]):
            cur_ts, cur_val, cur_start = pending
            ref = -1
            pending = next(stored, None)
        else:
            cur_ts, cur_val, cur_start = ts[i], val[i], starts[i] if state.interval else 0
            ref = i
            i += 1
            if pending is not None and pending[0] == cur_ts:
                if abs(pending[1] - cur_val) < EPSILON and (
                    not state.interval or pending[2] == cur_start
                ):
                    state.skip[ref] = 1
                    check.skipped += 1
                else:
                    check.overwritten += 1
                    f.warning(
                        rows[ref],
                        "aflæsning" if not state.interval else "forbrug",
                        _(
                            "Overskriver den gemte værdi %(old)s %(unit)s for måler %(number)s "
                            "den %(at)s med %(new)s %(unit)s."
                        )
                        % {
                            "old": dk(pending[1], 4),
                            "new": dk(cur_val, 4),
                            "unit": unit,
                            "number": state.number,
                            "at": day_text(cur_ts),
                        },
                    )
                pending = next(stored, None)
            else:
                check.new += 1
        if state.interval:
            if have_prev and ref >= 0:
                if cur_start < prev_ts:
                    f.error(
                        rows[ref],
                        "fra",
                        _("Perioden overlapper den forrige, som slutter %(at)s.")
                        % {"at": day_text(prev_ts)},
                    )
                elif cur_start > prev_ts:
                    f.warning(
                        rows[ref],
                        "fra",
                        _(
                            "Hul i målingerne: intet forbrug for måler %(number)s fra "
                            "%(from)s til %(to)s."
                        )
                        % {
                            "number": state.number,
                            "from": day_text(prev_ts),
                            "to": day_text(cur_start),
                        },
                    )
            length = (cur_ts - cur_start) / DAY
            periods_rate.append(cur_val / length)
            periods_len.append(length)
            periods_ref.append(ref)
            periods_at.append(cur_ts)
        elif have_prev:
            while e < len(exchanges) and exchanges[e][0] <= prev_ts:
                e += 1
            value = prev_val
            delta = 0.0
            negative = False
            k = e
            while k < len(exchanges) and exchanges[k][0] < cur_ts:
                piece = exchanges[k][1] - value
                negative = negative or piece < -EPSILON
                delta += piece
                value = exchanges[k][2]
                k += 1
            piece = cur_val - value
            negative = negative or piece < -EPSILON
            delta += piece
            if negative:
                where = ref if ref >= 0 else prev_ref
                if where >= 0:
                    f.error(
                        rows[where],
                        "aflæsning",
                        _negative(state, cur_val, cur_ts, prev_val, prev_ts, unit),
                    )
            else:
                length = (cur_ts - prev_ts) / DAY
                periods_rate.append(delta / length)
                periods_len.append(length)
                periods_ref.append(ref)
                periods_at.append(cur_ts)
        have_prev = True
        prev_ts, prev_val, prev_ref = cur_ts, cur_val, ref
    count = len(periods_rate)
    if not count:
        return
    if not state.interval and count >= 2:
        usual = _median(periods_len)
        hours = usual < 1
        for k in range(count):
            if periods_ref[k] >= 0 and periods_len[k] > GAP_FACTOR * usual:
                names = {
                    "days": dk(periods_len[k] * (24 if hours else 1), 1),
                    "number": state.number,
                    "usual": dk(usual * (24 if hours else 1), 1),
                }
                f.warning(
                    rows[periods_ref[k]],
                    "dato",
                    (
                        _(
                            "Hul i aflæsningerne: %(days)s timer siden den forrige aflæsning "
                            "af måler %(number)s (normalt %(usual)s timer)."
                        )
                        if hours
                        else _(
                            "Hul i aflæsningerne: %(days)s dage siden den forrige aflæsning "
                            "af måler %(number)s (normalt %(usual)s dage)."
                        )
                    )
                    % names,
                )
    if count < MIN_PERIODS_FOR_SPIKES:
        return
    median = _median(periods_rate)
    deviations = array("d", (abs(x - median) for x in periods_rate[:: max(1, count // SAMPLE)]))
    mad = float(statistics.median(deviations))
    if mad <= 0:
        return
    limit = SPIKE_K * MAD_SCALE * mad
    for k in range(count):
        x = periods_rate[k]
        if periods_ref[k] >= 0 and abs(x - median) > limit:
            f.warning(
                rows[periods_ref[k]],
                "forbrug" if state.interval else "aflæsning",
                _(
                    "Usædvanligt forbrug: %(rate)s %(unit)s pr. døgn i perioden til %(at)s, "
                    "mens måler %(number)s typisk bruger %(median)s (medianen). Afvigelsen "
                    "%(deviation)s er over grænsen %(limit)s = 5 × 1,4826 × MAD %(mad)s. "
                    "Tjek aflæsningen."
                )
                % {
                    "rate": dk(x, 3),
                    "unit": unit,
                    "at": day_text(periods_at[k]),
                    "number": state.number,
                    "median": dk(median, 3),
                    "deviation": dk(abs(x - median), 3),
                    "limit": dk(limit, 3),
                    "mad": dk(mad, 3),
                },
            )


class RowsToWrite:
    """(meter id, start epoch or None, at epoch, value) of every reading that is new or
    changed; iterable more than once (a first import's write may have to start over,
    ``imports_services.readings_write``)."""

    def __init__(self, check: ReadingsCheck) -> None:
        self.check = check

    def __iter__(self) -> Iterator[tuple[int, int | None, int, float]]:
        return _rows_to_write(self.check)


def rows_to_write(check: ReadingsCheck) -> RowsToWrite:
    return RowsToWrite(check)


def _rows_to_write(check: ReadingsCheck) -> Iterator[tuple[int, int | None, int, float]]:
    for state in check.meters.values():
        skip = state.skip
        interval = state.interval
        for i in range(len(state.ts)):
            if skip[i]:
                continue
            yield (
                state.meter_id,
                state.start[i] if interval else None,
                state.ts[i],
                state.val[i],
            )
