"""Reading tables that people export from other systems: CSV and XLSX, streamed.

``open_table`` returns the normalised header and an iterator of ``(row_number, dict)``
where ``row_number`` is the line (CSV) or row (XLSX) as the person sees it in the file.
Values are returned as they are (strings for CSV; strings, numbers or dates for XLSX):
the caller validates them with ``parse_decimal``, ``parse_date`` and ``parse_int``.

CSV files are decoded strictly as UTF-8 (with or without BOM), else as Windows-1252,
the two encodings Danish administration systems write; anything else (UTF-16, binary)
is refused with a message the person can act on.

An XLSX file is a ZIP archive. Before openpyxl touches one, ``check_xlsx`` reads the
archive's table of contents (entry count, each entry's unpacked size and how well it
compresses) and refuses a "zip bomb": a 1 MB file holding a 1,000 MB shared string
would otherwise grow the process by gigabytes. Outside the worker (``in_worker=False``,
the default) an XLSX above ``TABULAR_XLSX_INLINE_BYTES`` unpacked is refused too, so a
web request never parses a big sheet. Every row of a sheet is read, whatever the
sheet's ``<dimension>`` claims, and ``Table.rows_read`` counts the data rows handed
out, so that an import can check it accounted for each of them (``check_rows_accounted``).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

CHUNK = 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"
MB = 1024 * 1024


class TabularError(Exception):
    """The file as a whole cannot be read; ``message`` is for the person who sent it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    format: str  # "csv" or "xlsx"
    headers: list[str]  # normalised (aliases applied), in file order
    raw_headers: list[str]
    rows: Iterator[tuple[int, dict[str, Any]]]
    encoding: str = ""
    delimiter: str = ""
    # Data rows handed out by ``rows`` so far (blank lines are not rows).
    rows_read: int = 0

    def rows_or_error(self, report: Callable[[str], None]) -> Iterator[tuple[int, dict[str, Any]]]:
        """``rows``, stopping at a part of the file that cannot be read (a broken
        sheet, a CSV field over the size limit) after passing its message to
        ``report``: for callers that collect findings instead of catching."""
        try:
            yield from self.rows
        except TabularError as exc:
            report(exc.message)


def _counted(table: Table) -> Table:
    inner = table.rows

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for item in inner:
            table.rows_read += 1
            yield item

    table.rows = rows()
    return table


def check_rows_accounted(*, read: int, accounted: int) -> None:
    """Refuse an import that did not account for every row it read (each row read is
    either used or reported): a silently dropped row is a lost household or
    measurement."""
    if read != accounted:
        raise TabularError(
            _(
                "Filen havde %(read)s rækker, men kun %(accounted)s blev behandlet. "
                "Intet er gemt. Kontakt support."
            )
            % {"read": read, "accounted": accounted}
        )


# --- XLSX archives ------------------------------------------------------------------


@dataclass
class XlsxInfo:
    entries: int
    unpacked_bytes: int  # all entries together
    sheet_names: list[str] = field(default_factory=list)


def check_xlsx(fileobj: IO[bytes]) -> XlsxInfo:
    """Look at an XLSX archive's table of contents (nothing is unpacked) and refuse it
    when it has too many entries, an entry or the whole unpacks to too much, or an
    entry compresses suspiciously well (a zip bomb). Limits: ``TABULAR_XLSX_*``."""
    max_entries = settings.TABULAR_XLSX_MAX_ENTRIES
    max_entry = settings.TABULAR_XLSX_MAX_ENTRY_BYTES
    max_total = settings.TABULAR_XLSX_MAX_TOTAL_BYTES
    max_strings = settings.TABULAR_XLSX_MAX_SHARED_STRINGS_BYTES
    max_ratio = settings.TABULAR_XLSX_MAX_RATIO
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise TabularError(_("Filen kunne ikke læses som et XLSX-regneark.")) from exc
    finally:
        fileobj.seek(0)
    refused = _("Regnearket er afvist: %(reason)s Gem det igen fra Excel, eller gem det som CSV.")
    if len(infos) > max_entries:
        raise TabularError(
            refused
            % {
                "reason": _("det består af %(n)s dele (højst %(max)s).")
                % {"n": len(infos), "max": max_entries}
            }
        )
    total = 0
    sheets = []
    for info in infos:
        size = info.file_size
        total += size
        name = info.filename
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            sheets.append(name)
        limit = max_strings if name.lower().endswith("sharedstrings.xml") else max_entry
        if size > limit:
            raise TabularError(
                refused
                % {
                    "reason": _("delen %(name)s fylder %(size)s MB udpakket (højst %(max)s MB).")
                    % {"name": name, "size": round(size / MB), "max": round(limit / MB)}
                }
            )
        # Small entries (a few kB of repeated XML) may compress very well; only a big
        # one that does is a bomb.
        if size > MB and size > max_ratio * max(info.compress_size, 1):
            raise TabularError(
                refused
                % {
                    "reason": _(
                        "delen %(name)s pakkes ud til %(ratio)s gange sin størrelse "
                        "(højst %(max)s gange)."
                    )
                    % {
                        "name": name,
                        "ratio": size // max(info.compress_size, 1),
                        "max": max_ratio,
                    }
                }
            )
    if total > max_total:
        raise TabularError(
            refused
            % {
                "reason": _("det fylder %(size)s MB udpakket (højst %(max)s MB).")
                % {"size": round(total / MB), "max": round(max_total / MB)}
            }
        )
    return XlsxInfo(entries=len(infos), unpacked_bytes=total, sheet_names=sheets)


def xlsx_needs_worker(info: XlsxInfo) -> bool:
    """Whether the sheet is too big to be parsed inside a web request."""
    return info.unpacked_bytes > settings.TABULAR_XLSX_INLINE_BYTES


_HEADER_NOISE = re.compile(r"\(.*?\)")
_HEADER_SEP = re.compile(r"[\s\-_.]+")


def normalise_header(header: object, aliases: Mapping[str, str] | None = None) -> str:
    """``" Areal (m²) "`` → ``"areal"``; ``"Beboer E-mail"`` → ``"beboer_e_mail"``,
    then mapped through ``aliases`` (keys normalised the same way)."""
    text = unicodedata.normalize("NFC", str(header or "")).replace("\ufeff", "")
    text = _HEADER_NOISE.sub("", text).strip().lower()
    text = _HEADER_SEP.sub("_", text).strip("_")
    if aliases:
        return aliases.get(text, text)
    return text


def detect_format(fileobj: IO[bytes]) -> str:
    fileobj.seek(0)
    head = fileobj.read(4)
    fileobj.seek(0)
    return "xlsx" if head == XLSX_MAGIC else "csv"


def detect_encoding(fileobj: IO[bytes]) -> tuple[str, int]:
    """The encoding of a CSV file and its number of lines (for a progress bar)."""
    fileobj.seek(0)
    head = fileobj.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise TabularError(
            _("Filen er gemt som UTF-16. Gem den som CSV (UTF-8) eller CSV (semikolonsepareret).")
        )
    bom = head.startswith(codecs.BOM_UTF8)
    for encoding in ("utf-8", "cp1252"):
        fileobj.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        lines = 0
        try:
            while chunk := fileobj.read(CHUNK):
                if b"\x00" in chunk:
                    raise TabularError(
                        _(
                            "Filen indeholder binære data (måske UTF-16 eller et regneark). "
                            "Gem den som CSV (UTF-8)."
                        )
                    )
                decoder.decode(chunk)
                lines += chunk.count(b"\n")
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        fileobj.seek(0)
        if encoding == "utf-8" and bom:
            return "utf-8-sig", lines
        return encoding, lines
    raise TabularError(
        _("Filens tegnsæt kunne ikke genkendes. Gem den som CSV (UTF-8) og prøv igen.")
    )


def detect_delimiter(header_line: str) -> str:
    """``;`` (Danish Excel's default) or ``,``, whichever the header line has more of."""
    semicolons, commas = header_line.count(";"), header_line.count(",")
    if not semicolons and not commas:
        raise TabularError(_("Kolonnerne skal være adskilt af semikolon (;) eller komma (,)."))
    return ";" if semicolons >= commas else ","


def _blank(values: list[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _header(raw: list[Any], aliases: Mapping[str, str] | None) -> tuple[list[str], list[str]]:
    raw_headers = [str(h or "").replace("\ufeff", "").strip() for h in raw]
    return [normalise_header(h, aliases) for h in raw_headers], raw_headers


def csv_records(text: IO[str], reader: Any, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """The records after the last one ``reader`` (a ``csv.reader`` over ``text``) read,
    each with its line number, empty ones left out; a line the csv module cannot read
    raises ``TabularError`` with its number.

    A stretch of text without quotes, NUL bytes, carriage returns other than in
    ``\r\n`` or lines longer than the csv module's field limit holds no record the
    csv module would read differently from ``str.split``, which is about twice as fast:
    the text is read a chunk at a time and split, until a chunk with one of those,
    from where the csv module reads the rest."""
    number = reader.line_num
    limit = csv.field_size_limit()
    rest = ""
    while True:
        chunk = text.read(CHUNK)
        data = raw = rest + chunk
        final = not chunk
        if not data:
            return
        plain = '"' not in data and "\x00" not in data
        if plain and "\r" in data:
            data = data.replace("\r\n", "\n")
            cr = data.find("\r")
            plain = cr < 0 or (cr == len(data) - 1 and not final)  # "\r" | "\n" next
        if plain:
            lines = data.split("\n")
            rest = "" if final else lines.pop()
            plain = max(map(len, lines), default=0) <= limit
        if not plain:
            yield from _csv_module_records(
                # Whole lines: the csv module counts each string it is given as one.
                itertools.chain(io.StringIO(raw + text.readline(), newline=""), text),
                delimiter,
                number,
            )
            return
        for line in lines:
            number += 1
            record = line.split(delimiter)
            if any(record):
                yield number, record
        if final:
            return


def _csv_module_records(
    lines: Iterator[str], delimiter: str, before: int
) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        for record in reader:
            if any(record):
                yield before + reader.line_num, record
    except csv.Error as exc:
        raise TabularError(
            _("Linje %(line)s kunne ikke læses: %(error)s")
            % {"line": before + reader.line_num, "error": exc}
        ) from exc


def _read_csv(fileobj: IO[bytes], aliases: Mapping[str, str] | None) -> Table:
    encoding, _lines = detect_encoding(fileobj)
    text = io.TextIOWrapper(fileobj, encoding=encoding, newline="")
    first = ""
    while line := text.readline():
        if line.strip():
            first = line
            break
    if not first:
        raise TabularError(_("Filen er tom."))
    delimiter = detect_delimiter(first)
    header_row = next(csv.reader([first], delimiter=delimiter))
    headers, raw_headers = _header(header_row, aliases)
    # The header was the first non-empty line: count lines up to it for row numbers.
    text.seek(0)
    reader = csv.reader(text, delimiter=delimiter)
    for record in reader:
        if not _blank(record):
            break

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for number, record in csv_records(text, reader, delimiter):
            if not _blank(record):
                yield number, dict(zip(headers, record, strict=False))

    return Table("csv", headers, raw_headers, rows(), encoding=encoding, delimiter=delimiter)


def _read_xlsx(fileobj: IO[bytes], aliases: Mapping[str, str] | None, in_worker: bool) -> Table:
    info = check_xlsx(fileobj)
    if not in_worker and xlsx_needs_worker(info):
        raise TabularError(
            _(
                "Regnearket fylder %(size)s MB udpakket; her kan højst %(max)s MB læses. "
                "Gem det som CSV, eller del det op i flere filer."
            )
            % {
                "size": round(info.unpacked_bytes / MB),
                "max": round(settings.TABULAR_XLSX_INLINE_BYTES / MB),
            }
        )
    from openpyxl import load_workbook  # imported here: only XLSX files need it

    try:
        # data_only=False: a formula comes back as its text ("=…"), which the caller
        # refuses, instead of a cached value nobody can check.
        workbook = load_workbook(fileobj, read_only=True, data_only=False)
    except Exception as exc:  # zipfile, XML and openpyxl's own errors
        raise TabularError(_("Filen kunne ikke læses som et XLSX-regneark.")) from exc
    sheet = workbook.worksheets[0]
    # Read-only mode trusts the sheet's <dimension ref="A1:J2">, and stops at its last
    # row: a file that understates it would lose every row after. Read them all.
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()
    iterator = sheet.iter_rows(values_only=True)
    number = 0
    header_row: list[Any] = []
    try:
        for values in iterator:
            number += 1
            if not _blank(list(values)):
                header_row = list(values)
                break
    except Exception as exc:
        workbook.close()
        raise TabularError(_("Filen kunne ikke læses som et XLSX-regneark.")) from exc
    if not header_row:
        workbook.close()
        raise TabularError(_("Regnearket er tomt."))
    headers, raw_headers = _header(header_row, aliases)
    start = number

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            for offset, values in enumerate(iterator, start=start + 1):
                cells = list(values)
                if _blank(cells):
                    continue
                yield offset, dict(zip(headers, cells, strict=False))
        except (zipfile.BadZipFile, OSError, SyntaxError, ValueError, KeyError) as exc:
            # A damaged sheet part (XML errors are SyntaxError subclasses).
            raise TabularError(
                _("Regnearket kunne ikke læses efter række %(row)s.") % {"row": start}
            ) from exc
        finally:
            workbook.close()

    return Table("xlsx", headers, raw_headers, rows())


def open_table(
    fileobj: IO[bytes], *, aliases: Mapping[str, str] | None = None, in_worker: bool = False
) -> Table:
    """Open a CSV or XLSX file (recognised by its content, not its name). An XLSX
    too big to parse in a web request is refused unless ``in_worker``."""
    if detect_format(fileobj) == "xlsx":
        return _counted(_read_xlsx(fileobj, aliases, in_worker))
    return _counted(_read_csv(fileobj, aliases))


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


def count_rows(fileobj: IO[bytes]) -> int:
    """About how many data rows the file has (for the progress bar and, for CSV, for
    deciding on background work). Cheap: one pass over the bytes. For XLSX the first
    sheet's ``<row>`` elements are counted in the unpacked XML (after ``check_xlsx``),
    never trusting its ``<dimension>``."""
    if detect_format(fileobj) == "xlsx":
        rows = 0
        try:
            info = check_xlsx(fileobj)
            with zipfile.ZipFile(fileobj) as archive:
                rows = _count_sheet_rows(archive, info)
        except (TabularError, zipfile.BadZipFile, OSError, KeyError, ValueError):
            rows = 0  # an unreadable file is reported when it is read properly
        fileobj.seek(0)
        return max(rows - 1, 0)
    try:
        _encoding, lines = detect_encoding(fileobj)
    except TabularError:
        lines = 0
    fileobj.seek(0)
    return max(lines - 1, 0)


_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\s[^>]*>")
_REL_ID = re.compile(rb'\s\w+:id="([^"]+)"')
_RELATIONSHIP_TAG = re.compile(rb"<(?:\w+:)?Relationship\s[^>]*>")
_ATTRIBUTE = re.compile(rb'\s(Id|Target)="([^"]*)"')


def _first_sheet(archive: zipfile.ZipFile, info: XlsxInfo) -> str:
    """The archive path of the workbook's first sheet (the one ``open_table`` reads).
    Found with patterns, not an XML parser, in the first megabyte of two small parts:
    this runs in the request, on a file nobody has checked yet."""
    fallback = sorted(info.sheet_names)[0] if info.sheet_names else ""
    try:
        with archive.open("xl/workbook.xml") as part:
            workbook = part.read(MB)
        with archive.open("xl/_rels/workbook.xml.rels") as part:
            rels = part.read(MB)
    except KeyError:
        return fallback
    sheet = _SHEET_TAG.search(workbook)
    rel_id = _REL_ID.search(sheet.group(0)) if sheet else None
    if rel_id is None:
        return fallback
    for tag in _RELATIONSHIP_TAG.findall(rels):
        attributes = dict(_ATTRIBUTE.findall(tag))
        if attributes.get(b"Id") == rel_id.group(1):
            target = attributes.get(b"Target", b"").decode("utf-8", "replace").lstrip("/")
            return target if target.startswith("xl/") else f"xl/{target}"
    return fallback


def _count_sheet_rows(archive: zipfile.ZipFile, info: XlsxInfo) -> int:
    path = _first_sheet(archive, info)
    if not path:
        return 0
    rows = 0
    tail = b""
    with archive.open(path) as sheet:
        while chunk := sheet.read(CHUNK):
            data = tail + chunk
            rows += len(_ROW_TAG.findall(data))
            # Keep the last bytes for a tag split over two chunks, minus any tag
            # already counted in them.
            tail = data[-16:]
            rows -= len(_ROW_TAG.findall(tail))
    return rows + len(_ROW_TAG.findall(tail))


# --- values -----------------------------------------------------------------------


class AmbiguousNumber(ValueError):
    """A number that reads as two different values (``12.500``: 12500 or 12.5).
    ``message`` tells the person how to write it."""

    def __init__(self, value: str, readings: tuple[str, str]) -> None:
        super().__init__(value)
        self.value = value
        self.message = _(
            "»%(value)s« kan læses både som %(thousands)s og %(decimal)s. Skriv tallet "
            "uden tusindtalspunktum (%(thousands)s) eller med komma som decimaltegn "
            "(%(decimal)s)."
        ) % {"value": value, "thousands": readings[0], "decimal": readings[1].replace(".", ",")}


# Thousands separators in the Danish format: a dot, or a (no-break/thin) space.
_SPACES = "\u0020\u00a0\u2009\u202f"
_SPACE_TO_ASCII = str.maketrans(dict.fromkeys(_SPACES[1:], " "))
# Matched whole (fullmatch), ASCII digits only.
_PLAIN = re.compile(r"\d+", re.ASCII)
_GROUPED = {  # integer part with thousands: first group 1–3 digits (no leading 0)
    sep: re.compile(rf"[1-9]\d{{0,2}}(?:{re.escape(sep)}\d{{3}})+", re.ASCII) for sep in (".", " ")
}
_FRACTION = _PLAIN


def parse_decimal(value: Any) -> Decimal:
    """A number written in the Danish or the international format, or a number cell.

    See docs/decisions/0015-number-formats.md. Accepted (``s`` an optional sign,
    ``+``, ``-`` or ``−``):

    * Danish: decimal comma, thousands in groups of exactly three separated by dots
      or spaces (also no-break and thin spaces): ``1.234.567,89``, ``1 234,5``,
      ``72,5``, ``1.234.567`` (two or more dots: always thousands), ``0,125``;
    * international: decimal dot, no thousands separators: ``1234567.89``,
      ``72.5``, ``0.125``, ``1234.567``;
    * space thousands with a decimal dot: ``1 234.5``;
    * numbers (``int``, ``float``, ``Decimal``), as XLSX cells hold them.

    Refused with ``AmbiguousNumber`` (a ``ValueError`` whose ``message`` says what to
    write): one dot followed by exactly three digits after a part that could be a
    thousands group (1–3 digits, not starting with 0), ``12.500`` or ``1.234``, which
    is 12500 in Danish and 12.5 internationally. ``0.125`` is not ambiguous (a
    thousands group never follows a lone 0): it is 0.125.

    Refused with ``ValueError``: anything else, e.g. ``1,234.5`` (English thousands),
    ``12.34,5`` (a group that is not three digits), ``1.2.3``, ``1e3``, ``NaN``,
    ``inf``, ``True``, an empty string.
    """
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float | Decimal):
        number = Decimal(str(value)) if isinstance(value, float) else value
        if not number.is_finite():
            raise ValueError(value)
        return number
    text = str(value if value is not None else "").strip()  # also no-break spaces
    if text and text[0] in "+-\u2212":
        sign, body = text[0], text[1:]
    else:
        sign, body = "", text
    if not body.isascii():  # no-break and thin spaces are thousands separators too
        body = body.translate(_SPACE_TO_ASCII)
    digits = _number_body(text, body)
    negative = sign in ("-", "\u2212")
    try:
        number = Decimal(digits)
    except InvalidOperation as exc:  # pragma: no cover - the grammar admits digits only
        raise ValueError(value) from exc
    return -number if negative else number


def _number_body(text: str, body: str) -> str:
    """The unsigned body as ``Decimal`` digits ("1234.5"), or ``ValueError``."""
    if body.count(",") > 1:
        raise ValueError(text)
    if "," in body:  # Danish: decimal comma
        whole, fraction = body.split(",")
        if not _FRACTION.fullmatch(fraction):
            raise ValueError(text)
        if _PLAIN.fullmatch(whole):
            return f"{whole}.{fraction}"
        for sep, pattern in _GROUPED.items():
            if pattern.fullmatch(whole):
                return f"{whole.replace(sep, '')}.{fraction}"
        raise ValueError(text)
    if " " in body:  # space thousands, perhaps with a decimal dot
        whole, dot, fraction = body.partition(".")
        if not _GROUPED[" "].fullmatch(whole) or (dot and not _FRACTION.fullmatch(fraction)):
            raise ValueError(text)
        return whole.replace(" ", "") + (f".{fraction}" if dot else "")
    dots = body.count(".")
    if dots == 0:
        if not _PLAIN.fullmatch(body):
            raise ValueError(text)
        return body
    if dots >= 2:  # Danish thousands, no decimals
        if not _GROUPED["."].fullmatch(body):
            raise ValueError(text)
        return body.replace(".", "")
    whole, fraction = body.split(".")
    if not _PLAIN.fullmatch(whole) or not _FRACTION.fullmatch(fraction):
        raise ValueError(text)
    if len(fraction) == 3 and _GROUPED["."].fullmatch(body):
        decimal = f"{Decimal(f'{whole}.{fraction}').normalize():f}"
        raise AmbiguousNumber(text, (str(int(whole + fraction)), decimal))
    return f"{whole}.{fraction}"


def number_error(exc: ValueError, fallback: str) -> str:
    """The message for a value ``parse_decimal`` refused: the ambiguity explained,
    or ``fallback``."""
    return exc.message if isinstance(exc, AmbiguousNumber) else fallback


def parse_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value or "").strip()
    if not re.fullmatch(r"\d+", text):
        raise ValueError(value)
    return int(text)


_DATE_FORMATS = [
    (re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
]


def parse_date(value: Any) -> dt.date:
    """``dd-mm-yyyy``, ``dd.mm.yyyy``, ``yyyy-mm-dd`` or an XLSX date cell; an
    impossible date (31-02-2025) raises ``ValueError``."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    for pattern, order in _DATE_FORMATS:
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            return dt.date(parts["y"], parts["m"], parts["d"])
    raise ValueError(value)
