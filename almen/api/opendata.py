"""Open data: everything public in Almen as one zip of CSV and JSON files, with a
README.md that documents every column.

Only published goals (public and not a draft) and what hangs off them are included;
the register part is the public register (no residents, no personal data). The CSV
files are for a spreadsheet in a Danish locale (``;`` and decimal comma, UTF-8 with
BOM); the JSON files are for programs (numbers with a decimal point, text as stored).
See docs/decisions/0008-open-data-format.md.

The zip is cached for a few minutes under the goals picture version, which every
change to a goal, indicator or measurement bumps, so repeated downloads are cheap.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import Router

from almen.goals.models import (
    Action,
    Framework,
    Goal,
    Indicator,
    Measurement,
    Review,
)
from almen.goals.picture import CACHE_VERSION_KEY
from almen.goals.selectors import calculation, with_latest
from almen.lib.csvsafe import neutralise
from almen.register.models import Estate, Municipality, Organisation

router = Router(tags=["åbne data"])

LICENCE = "Data: CC BY 4.0, Almen; rammeværkets tekster: BL – Danmarks Almene Boliger"
CACHE_TTL = 5 * 60
CSV_DELIMITER = ";"
FILENAME = "almen-aabne-data.zip"

TEXT = _("tekst")
INTEGER = _("heltal")
DECIMAL = _("decimaltal")
DATE = _("dato (ÅÅÅÅ-MM-DD)")
UUID = _("id (UUID)")


@dataclass(frozen=True)
class Column:
    name: str
    type: Promise
    meaning: Promise
    unit: Promise | str = ""


@dataclass(frozen=True)
class Table:
    name: str
    meaning: Promise
    columns: tuple[Column, ...]
    rows: Callable[[], Iterable[tuple[Any, ...]]]


# --- the rows ---------------------------------------------------------------------------


def _published() -> QuerySet[Goal]:
    return Goal.objects.published()


def _municipalities() -> Iterator[tuple[Any, ...]]:
    yield from Municipality.objects.order_by("code").values_list("code", "name", "region")


def _organisations() -> Iterator[tuple[Any, ...]]:
    yield from (
        Organisation.objects.order_by("cvr")
        .values_list("cvr", "name", "address", "municipality__code")
        .iterator(chunk_size=2000)
    )


def _estates() -> Iterator[tuple[Any, ...]]:
    yield from (
        Estate.objects.annotate(homes=F("unit_count"))
        .order_by("organisation__cvr", "number")
        .values_list(
            "public_id",
            "organisation__cvr",
            "number",
            "name",
            "municipality__code",
            "address",
            "postal_code",
            "city",
            "homes",
        )
    )


def _framework() -> Iterator[tuple[Any, ...]]:
    for framework in (
        Framework.objects.published()
        .order_by("period_start")
        .prefetch_related("cornerstones__commitments", "prerequisites")
    ):
        for cornerstone in framework.cornerstones.all():
            yield (
                framework.slug,
                "cornerstone",
                str(cornerstone.number),
                cornerstone.number,
                cornerstone.title_da,
                cornerstone.title_en,
            )
            for commitment in sorted(cornerstone.commitments.all(), key=lambda c: c.number):
                yield (
                    framework.slug,
                    "commitment",
                    commitment.code,
                    cornerstone.number,
                    commitment.text_da,
                    commitment.text_en,
                )
        for prerequisite in framework.prerequisites.all():
            yield (
                framework.slug,
                "prerequisite",
                prerequisite.code,
                None,
                prerequisite.text_da,
                prerequisite.text_en,
            )


def _goals() -> Iterator[tuple[Any, ...]]:
    published = dict(_published().values_list("pk", "public_id"))
    rows = (
        _published()
        .order_by("organisation__cvr", "title", "pk")
        .values_list(
            "public_id",
            "framework__slug",
            "organisation__cvr",
            "estate__public_id",
            "estate__municipality__code",
            "organisation__municipality__code",
            "title",
            "local_context",
            "responsible",
            "status",
            "period_start",
            "period_end",
            "adopted_on",
            "decision_reference",
            "review_interval_months",
            "inspired_by_id",
            "inspired_by_label",
            "updated_at",
        )
        .iterator(chunk_size=2000)
    )
    for row in rows:
        (*head, estate_municipality, org_municipality) = row[:6]
        source_id, label, updated_at = row[15], row[16], row[17]
        # The source goal is named only while it is itself published; the credit label
        # survives a deleted source (it was public when copied) but not a withdrawn one.
        source = published.get(source_id) if source_id else None
        if source_id and source is None:
            label = ""
        yield (
            *head,
            estate_municipality or org_municipality,
            *row[6:15],
            source,
            label,
            updated_at,
        )


def _goal_links(through: Any, field: str) -> Iterator[tuple[Any, ...]]:
    yield from (
        through.objects.filter(goal__in=_published())
        .order_by("goal_id", f"{field}__code")
        .values_list("goal__public_id", f"{field}__code")
    )


def _indicators() -> Iterator[tuple[Any, ...]]:
    indicators = with_latest(
        Indicator.objects.filter(goal__in=_published()).annotate(
            goal_public_id=F("goal__public_id")
        )
    ).order_by("goal_id", "title", "pk")
    for indicator in indicators.iterator(chunk_size=2000):
        calc = calculation(indicator)
        yield (
            indicator.public_id,
            indicator.goal_public_id,  # type: ignore[attr-defined]
            indicator.title,
            indicator.unit,
            indicator.direction,
            indicator.baseline_value,
            indicator.baseline_date,
            indicator.target_value,
            indicator.target_date,
            indicator.tolerance,
            indicator.source,
            indicator.metric_key,
            calc.status.value,
            calc.method,
            calc.latest,
            calc.latest_date,
            calc.actual_rate,
            calc.required_rate,
            calc.ratio,
        )


def _measurements() -> Iterator[tuple[Any, ...]]:
    yield from (
        Measurement.objects.filter(indicator__goal__in=_published())
        .order_by("indicator_id", "date")
        .values_list("indicator__public_id", "date", "value", "note", "evidence_url", "source")
        .iterator(chunk_size=5000)
    )


def _actions() -> Iterator[tuple[Any, ...]]:
    yield from (
        Action.objects.filter(goals__in=_published())
        .distinct()
        .order_by("organisation__cvr", "due", "title", "public_id")
        .values_list(
            "public_id",
            "organisation__cvr",
            "estate__public_id",
            "title",
            "responsible",
            "start",
            "due",
            "status",
            "budget_dkk",
        )
    )


def _action_goals() -> Iterator[tuple[Any, ...]]:
    yield from (
        Action.goals.through.objects.filter(goal__in=_published())
        .order_by("action_id", "goal_id")
        .values_list("action__public_id", "goal__public_id")
    )


def _reviews() -> Iterator[tuple[Any, ...]]:
    yield from (
        Review.objects.filter(goal__in=_published())
        .order_by("goal_id", "date", "pk")
        .values_list("goal__public_id", "date", "assessment", "worked", "did_not_work", "change")
        .iterator(chunk_size=2000)
    )


# --- the tables and their documentation -------------------------------------------------

GOAL_ID = Column("goal_id", UUID, _("Målets id (goals.id)."))
INDICATOR_UNIT = _("indikatorens enhed (kolonnen unit)")

TABLES: tuple[Table, ...] = (
    Table(
        "municipalities",
        _("De 98 kommuner."),
        (
            Column("code", TEXT, _("Officiel kommunekode, 4 cifre (fx 0101).")),
            Column("name", TEXT, _("Kommunens navn.")),
            Column("region", TEXT, _("Regionen, fx Region Hovedstaden.")),
        ),
        _municipalities,
    ),
    Table(
        "organisations",
        _("Boligorganisationer."),
        (
            Column("cvr", TEXT, _("CVR-nummer, 8 cifre.")),
            Column("name", TEXT, _("Navn.")),
            Column("address", TEXT, _("Adresse.")),
            Column("municipality_code", TEXT, _("Kommunekode (municipalities.code).")),
        ),
        _organisations,
    ),
    Table(
        "estates",
        _("Afdelinger (offentlige oplysninger og antal boliger)."),
        (
            Column("id", UUID, _("Afdelingens id.")),
            Column("organisation_cvr", TEXT, _("Boligorganisationens CVR-nummer.")),
            Column("number", INTEGER, _("Afdelingsnummer i organisationen.")),
            Column("name", TEXT, _("Navn.")),
            Column("municipality_code", TEXT, _("Kommunekode (municipalities.code).")),
            Column("address", TEXT, _("Adresse.")),
            Column("postal_code", TEXT, _("Postnummer.")),
            Column("city", TEXT, _("By.")),
            Column("homes", INTEGER, _("Antal lejemål i registret."), _("boliger")),
        ),
        _estates,
    ),
    Table(
        "framework",
        _(
            "Rammeværket Almene mål: pejlemærker, »Derfor vil vi«-punkter og "
            "forudsætninger, på dansk og engelsk."
        ),
        (
            Column("framework", TEXT, _("Rammeværkets korte navn (fx 2026-2028).")),
            Column(
                "kind",
                TEXT,
                _("cornerstone (pejlemærke), commitment (punkt) eller prerequisite."),
            ),
            Column("code", TEXT, _("Kode: pejlemærkets nummer, punktets kode (1.1) eller F1.")),
            Column("cornerstone", INTEGER, _("Pejlemærkets nummer (tomt for forudsætninger).")),
            Column("text_da", TEXT, _("Titel eller tekst på dansk.")),
            Column("text_en", TEXT, _("Titel eller tekst på engelsk.")),
        ),
        _framework,
    ),
    Table(
        "goals",
        _("Offentliggjorte lokale mål (offentlige og ikke kladder)."),
        (
            Column("id", UUID, _("Målets id (som i API'et og på /maal/<id>/).")),
            Column("framework", TEXT, _("Rammeværket (framework.framework).")),
            Column("organisation_cvr", TEXT, _("Boligorganisationens CVR-nummer.")),
            Column(
                "estate_id", UUID, _("Afdelingens id (estates.id); tomt for et organisationsmål.")
            ),
            Column(
                "municipality_code",
                TEXT,
                _("Afdelingens kommune; for et organisationsmål organisationens."),
            ),
            Column("title", TEXT, _("Målets titel.")),
            Column("local_context", TEXT, _("Hvorfor målet er vigtigt netop her.")),
            Column("responsible", TEXT, _("Den person eller det organ, der har ansvaret.")),
            Column("status", TEXT, _("adopted (vedtaget) eller ended (afsluttet).")),
            Column("period_start", DATE, _("Periodens start.")),
            Column("period_end", DATE, _("Periodens slutning.")),
            Column("adopted_on", DATE, _("Vedtaget den.")),
            Column("decision_reference", TEXT, _("Henvisning til beslutningen.")),
            Column(
                "review_interval_months", INTEGER, _("Hvor ofte der gøres status."), _("måneder")
            ),
            Column("inspired_by", UUID, _("Det offentliggjorte mål, dette er kopieret fra.")),
            Column("inspired_by_label", TEXT, _("Kildemålets titel og organisation.")),
            Column("updated_at", _("tidspunkt (ISO 8601, UTC)"), _("Senest ændret.")),
        ),
        _goals,
    ),
    Table(
        "goal_commitments",
        _("Hvilke »Derfor vil vi«-punkter hvert mål arbejder med."),
        (GOAL_ID, Column("commitment_code", TEXT, _("Punktets kode (framework.code), fx 1.1."))),
        lambda: _goal_links(Goal.commitments.through, "commitment"),
    ),
    Table(
        "goal_prerequisites",
        _("Hvilke forudsætninger hvert mål arbejder med."),
        (GOAL_ID, Column("prerequisite_code", TEXT, _("Forudsætningens kode, fx F1."))),
        lambda: _goal_links(Goal.prerequisites.through, "prerequisite"),
    ),
    Table(
        "indicators",
        _(
            "Indikatorer for de offentliggjorte mål med beregnet status "
            "(Statistics Canadas metode, som Open SDG)."
        ),
        (
            Column("id", UUID, _("Indikatorens id.")),
            GOAL_ID,
            Column("title", TEXT, _("Navn.")),
            Column("unit", TEXT, _("Enheden for alle indikatorens værdier (fx %, kWh/m², antal).")),
            Column(
                "direction",
                TEXT,
                _("increase (skal stige), decrease (skal falde) eller maintain (skal fastholdes)."),
            ),
            Column("baseline_value", DECIMAL, _("Udgangspunkt."), INDICATOR_UNIT),
            Column("baseline_date", DATE, _("Udgangspunktets dato.")),
            Column("target_value", DECIMAL, _("Mål."), INDICATOR_UNIT),
            Column("target_date", DATE, _("Måldato.")),
            Column(
                "tolerance",
                DECIMAL,
                _("Tilladt udsving for værdier, der skal fastholdes."),
                INDICATOR_UNIT,
            ),
            Column(
                "source",
                TEXT,
                _("manual (indtastet), imported (importeret) eller metric (beregnet af Almen)."),
            ),
            Column("metric_key", TEXT, _("Det tal, Almen beregner (kun for source = metric).")),
            Column(
                "status",
                TEXT,
                _(
                    "Beregnet status: target_achieved, substantial_progress, "
                    "moderate_progress, limited_progress, deterioration eller no_data."
                ),
            ),
            Column(
                "method",
                TEXT,
                _("Beregningsmetode: compound, linear, maintain, achieved eller none."),
            ),
            Column("latest_value", DECIMAL, _("Seneste måling."), INDICATOR_UNIT),
            Column("latest_date", DATE, _("Seneste målings dato.")),
            Column(
                "actual_rate",
                DECIMAL,
                _("Faktisk udvikling pr. år siden udgangspunktet."),
                _("pr. år"),
            ),
            Column(
                "required_rate",
                DECIMAL,
                _("Nødvendig udvikling pr. år for at nå målet."),
                _("pr. år"),
            ),
            Column("ratio", DECIMAL, _("Faktisk ÷ nødvendig udvikling (1 = præcis på sporet).")),
        ),
        _indicators,
    ),
    Table(
        "measurements",
        _("Målinger for indikatorerne."),
        (
            Column("indicator_id", UUID, _("Indikatorens id (indicators.id).")),
            Column("date", DATE, _("Målingens dato.")),
            Column("value", DECIMAL, _("Den målte værdi."), INDICATOR_UNIT),
            Column("note", TEXT, _("Note.")),
            Column("evidence_url", TEXT, _("Link til dokumentation.")),
            Column("source", TEXT, _("manual, imported eller metric.")),
        ),
        _measurements,
    ),
    Table(
        "actions",
        _("Indsatser, der tjener mindst ét offentliggjort mål."),
        (
            Column("id", UUID, _("Indsatsens id.")),
            Column("organisation_cvr", TEXT, _("Boligorganisationens CVR-nummer.")),
            Column("estate_id", UUID, _("Afdelingens id; tomt for en organisationsindsats.")),
            Column("title", TEXT, _("Titel.")),
            Column("responsible", TEXT, _("Ansvarlig (person eller organ), som skrevet.")),
            Column("start", DATE, _("Start.")),
            Column("due", DATE, _("Frist.")),
            Column("status", TEXT, _("planned, in_progress, done eller cancelled.")),
            Column("budget_dkk", DECIMAL, _("Budget."), _("kr.")),
        ),
        _actions,
    ),
    Table(
        "action_goals",
        _("Hvilke offentliggjorte mål hver indsats tjener."),
        (Column("action_id", UUID, _("Indsatsens id (actions.id).")), GOAL_ID),
        _action_goals,
    ),
    Table(
        "reviews",
        _("Status på de offentliggjorte mål: hvad virkede, hvad virkede ikke, hvad ændres."),
        (
            GOAL_ID,
            Column("date", DATE, _("Dato.")),
            Column("assessment", TEXT, _("on_track, at_risk eller off_track.")),
            Column("worked", TEXT, _("Hvad virkede.")),
            Column("did_not_work", TEXT, _("Hvad virkede ikke.")),
            Column("change", TEXT, _("Hvad ændres.")),
        ),
        _reviews,
    ),
)


# --- formatting ------------------------------------------------------------------------


def _decimal_text(value: Decimal) -> str:
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
        return _decimal_text(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return neutralise(str(value))


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
    for table in TABLES:
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
        for table in TABLES:
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
    version = cache.get_or_set(CACHE_VERSION_KEY, 1, None)
    key = f"api:opendata:{translation.get_language()}:{version}"
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
