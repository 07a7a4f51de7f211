"""CSV files for Danish spreadsheets: the one format every CSV Almen writes uses.

The open-data zip and every "Hent som CSV" link beside a chart or table write the same
dialect (decision 0008, and 0027 for the downloads beside charts and tables): ``;`` as
separator, decimal comma (``72,5``), dates ``YYYY-MM-DD``, times ISO 8601 in UTC, UTF-8
with BOM so Excel reads æ, ø and å, CRLF line ends, and every text cell neutralised
against formula injection (``lib.csvsafe``). Read it back with
``csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";")``, or in pandas with
``pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig")``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.functional import Promise

from almen.lib.csvsafe import neutralise

CSV_DELIMITER = ";"
CONTENT_TYPE = "text/csv; charset=utf-8"


def decimal_text(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def csv_cell(value: Any) -> str:
    """One CSV cell: decimal comma, ISO dates, text neutralised against formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        value = Decimal(str(round(value, 6)))
    if isinstance(value, Decimal):
        return decimal_text(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return neutralise(str(value))


def write_csv(
    stream: io.TextIOBase | Any, header: Sequence[str | Promise], rows: Iterable[Sequence[Any]]
) -> None:
    """Write ``header`` and ``rows`` to a text stream in the house dialect."""
    writer = csv.writer(stream, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([csv_cell(str(h)) for h in header])
    writer.writerows([csv_cell(v) for v in row] for row in rows)


def csv_bytes(header: Sequence[str | Promise], rows: Iterable[Sequence[Any]]) -> bytes:
    """The whole file, BOM first."""
    text = io.StringIO()
    write_csv(text, header, rows)
    return text.getvalue().encode("utf-8-sig")


def csv_response(
    filename: str, header: Sequence[str | Promise], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """A download: ``filename`` should be plain ASCII (a slug and ``.csv``)."""
    response = HttpResponse(csv_bytes(header, rows), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
