"""Reading tables that people export from other systems: CSV and XLSX, streamed.

``open_table`` returns the normalised header and an iterator of ``(row_number, dict)``
where ``row_number`` is the line (CSV) or row (XLSX) as the person sees it in the file.
Values are returned as they are (strings for CSV; strings, numbers or dates for XLSX):
the caller validates them with ``parse_decimal``, ``parse_date`` and ``parse_int``.

CSV files are decoded strictly as UTF-8 (with or without BOM), else as Windows-1252,
the two encodings Danish administration systems write; anything else (UTF-16, binary)
is refused with a message the person can act on.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.utils.translation import gettext as _

CHUNK = 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"


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
        try:
            for record in reader:
                if _blank(record):
                    continue
                yield reader.line_num, dict(zip(headers, record, strict=False))
        except csv.Error as exc:
            raise TabularError(
                _("Linje %(line)s kunne ikke læses: %(error)s")
                % {"line": reader.line_num, "error": exc}
            ) from exc

    return Table("csv", headers, raw_headers, rows(), encoding=encoding, delimiter=delimiter)


def _read_xlsx(fileobj: IO[bytes], aliases: Mapping[str, str] | None) -> Table:
    from openpyxl import load_workbook  # imported here: only XLSX files need it

    try:
        # data_only=False: a formula comes back as its text ("=…"), which the caller
        # refuses, instead of a cached value nobody can check.
        workbook = load_workbook(fileobj, read_only=True, data_only=False)
    except Exception as exc:  # zipfile, XML and openpyxl's own errors
        raise TabularError(_("Filen kunne ikke læses som et XLSX-regneark.")) from exc
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    number = 0
    header_row: list[Any] = []
    for values in iterator:
        number += 1
        if not _blank(list(values)):
            header_row = list(values)
            break
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
        finally:
            workbook.close()

    return Table("xlsx", headers, raw_headers, rows())


def open_table(fileobj: IO[bytes], *, aliases: Mapping[str, str] | None = None) -> Table:
    """Open a CSV or XLSX file (recognised by its content, not its name)."""
    if detect_format(fileobj) == "xlsx":
        return _read_xlsx(fileobj, aliases)
    return _read_csv(fileobj, aliases)


def count_rows(fileobj: IO[bytes]) -> int:
    """About how many data rows the file has (for deciding on background work and for
    the progress bar). Cheap: one pass over the bytes, or the sheet's dimension."""
    if detect_format(fileobj) == "xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(fileobj, read_only=True)
            rows = workbook.worksheets[0].max_row or 0
            workbook.close()
        except Exception:  # an unreadable file is reported when it is read properly
            rows = 0
        fileobj.seek(0)
        return max(rows - 1, 0)
    try:
        _encoding, lines = detect_encoding(fileobj)
    except TabularError:
        lines = 0
    fileobj.seek(0)
    return max(lines - 1, 0)


# --- values -----------------------------------------------------------------------

_DECIMAL_COMMA = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$|^-?\d+(,\d+)?$")
_DECIMAL_POINT = re.compile(r"^-?\d+(\.\d+)?$")


def parse_decimal(value: Any) -> Decimal:
    """``72,5``, ``1.234,5``, ``72.5`` (as XLSX and some systems write) or a number."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = str(value or "").strip().replace(" ", "").replace("\u00a0", "")
    if _DECIMAL_COMMA.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif not _DECIMAL_POINT.match(text):
        raise ValueError(value)
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(value) from exc


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
