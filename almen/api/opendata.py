"""Open data: everything public in Almen as one zip of CSV and JSON files, with a
README.md that documents every column.

The tables come from the open-data registry (``almen/lib/opendata.py``): each module
registers what it publishes from its ``AppConfig.ready()`` (the register its public
part, no residents and no personal data; goals the framework and the published goals,
public and not a draft, with what hangs off them). This module imports none of them.
The CSV files are for a spreadsheet in a Danish locale (``;`` and decimal comma, UTF-8
with BOM); the JSON files are for programs (numbers with a decimal point, text as
stored). See docs/decisions/0008-open-data-format.md.

The zip is cached for a few minutes under the registered data versions (the goals
picture version, which every change to a goal, indicator or measurement bumps), so
repeated downloads are cheap.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
import zipfile
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from ninja import Router

from almen.lib import opendata
from almen.lib.csvexport import CSV_DELIMITER, csv_cell

router = Router(tags=["åbne data"])

LICENCE = "Data: CC BY 4.0, Almen; rammeværkets tekster: BL – Danmarks Almene Boliger"
CACHE_TTL = 5 * 60
FILENAME = "almen-aabne-data.zip"


# --- formatting ------------------------------------------------------------------------
# The CSV dialect is the one every CSV of Almen uses (lib/csvexport.py).


def json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def readme(generated_at: dt.datetime) -> str:
    lines = [
        "# " + str(_("Almen – åbne data")),
        "",
        str(_("Genereret: %(time)s (UTC).")) % {"time": generated_at.isoformat(timespec="seconds")},
        "",
        LICENCE,
        "",
        "## " + str(_("Format")),
        "",
        str(
            _(
                "Hver tabel findes som CSV og som JSON med de samme rækker og kolonner. "
                "CSV-filerne er til regneark med dansk opsætning: kolonnerne er adskilt af "
                "semikolon (;), decimaltal har decimalkomma (72,5), datoer skrives "
                "ÅÅÅÅ-MM-DD, og filerne er UTF-8 med BOM, så Excel læser æ, ø og å rigtigt. "
                "En tekstcelle, der begynder med =, +, -, @ eller et tabulatortegn, har fået "
                "en apostrof (') foran, så et regneark ikke udfører den som en formel. "
                "JSON-filerne er til programmer: en liste af objekter, tal med "
                "decimalpunktum, tekst præcis som gemt (uden apostrof). En tom celle (CSV) "
                "eller null (JSON) betyder, at værdien ikke findes."
            )
        ),
        "",
        str(
            _(
                "Kun offentliggjorte mål (offentlige og ikke kladder) og det, der hører "
                "til dem, er med. Registeret indeholder ingen personoplysninger."
            )
        ),
        "",
    ]
    for table in opendata.tables():
        lines += [
            f"## {table.name}.csv / {table.name}.json",
            "",
            str(table.meaning),
            "",
            "| "
            + " | ".join(str(h) for h in (_("Kolonne"), _("Type"), _("Betydning"), _("Enhed")))
            + " |",
            "|---|---|---|---|",
        ]
        for column in table.columns:
            lines.append(
                f"| `{column.name}` | {column.type} | {column.meaning} | {column.unit or '–'} |"
            )
        lines.append("")
    return "\n".join(lines)


def build_zip(generated_at: dt.datetime | None = None) -> bytes:
    """The open-data zip, built now (uncached)."""
    generated_at = (generated_at or timezone.now()).astimezone(dt.UTC)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.md", readme(generated_at))
        for table in opendata.tables():
            names = [c.name for c in table.columns]
            rows = list(table.rows())
            with archive.open(f"{table.name}.csv", "w") as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                writer = csv.writer(text, delimiter=CSV_DELIMITER, lineterminator="\r\n")
                writer.writerow(names)
                writer.writerows([csv_cell(v) for v in row] for row in rows)
                text.flush()
                text.detach()
            with archive.open(f"{table.name}.json", "w") as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
                text.write("[")
                for number, row in enumerate(rows):
                    record = {n: json_value(v) for n, v in zip(names, row, strict=True)}
                    text.write(
                        ("," if number else "") + "\n" + json.dumps(record, ensure_ascii=False)
                    )
                text.write("\n]\n")
                text.flush()
                text.detach()
    return buffer.getvalue()


def open_data_zip() -> bytes:
    """The zip, from the cache when nothing changed in the last few minutes."""
    key = f"api:opendata:{translation.get_language()}:{opendata.version()}"
    content = cache.get(key)
    if content is None:
        content = build_zip()
        cache.set(key, content, CACHE_TTL)
    return content


@router.get(
    "/open-data.zip",
    summary="Åbne data: alt offentligt som CSV og JSON i én zip-fil",
    description="Kommuner, boligorganisationer, afdelinger, rammeværket og de "
    "offentliggjorte mål med indikatorer, målinger, indsatser og status. README.md i "
    "filen beskriver hver kolonne. Licens: " + LICENCE + ".",
    openapi_extra={
        "responses": {
            200: {
                "description": "Zip-fil",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def open_data(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(open_data_zip(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{FILENAME}"'
    response["Cache-Control"] = f"public, max-age={CACHE_TTL}"
    return response
