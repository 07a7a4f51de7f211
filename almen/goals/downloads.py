"""CSV downloads beside every chart and table of goals' pages (Open SDG's "download
CSV" beside each chart).

Each download is authorised exactly like the page it sits on (the same
fetch-and-authorise call of ``goals/access.py``: an outsider gets 404 for a goal's CSV
as for its page) and holds the same rows as the table beside it, in the house CSV
dialect (``lib/csvexport.py``: ``;``, decimal comma, UTF-8 with BOM, text cells
neutralised against formulas; decision 0027).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from almen.goals import access, selectors
from almen.goals.library import LibraryQuery, library_search
from almen.goals.models import Goal, Indicator, IndicatorSource
from almen.goals.picture import Picture
from almen.goals.progress import Status
from almen.goals.views import national_filtered
from almen.lib.csvexport import csv_response

NATIONAL_TABLES = ("punkter", "sammenlagt", "regioner", "kommuner")


def _filename(*parts: str) -> str:
    return "-".join(slugify(p) for p in parts if p) + ".csv"


# --- a goal's indicators and measurements --------------------------------------------


@require_GET
def measurements_csv(request: HttpRequest, public_id: UUID, indicator_id: UUID) -> HttpResponse:
    """The indicator's data table: baseline, every measurement, target."""
    goal = access.goal_for_view(request, public_id)
    indicator = access.indicator_for_view(goal, indicator_id)
    rows: list[Sequence[Any]] = [
        (indicator.baseline_date, indicator.baseline_value, _("Udgangspunkt"), "", "", "")
    ]
    sources = dict(IndicatorSource.choices)
    for m in indicator.measurements.order_by("date"):
        rows.append(
            (m.date, m.value, _("Måling"), m.note, m.evidence_url, str(sources.get(m.source, "")))
        )
    rows.append((indicator.target_date, indicator.target_value, _("Mål"), "", "", ""))
    header = [
        _("Dato"),
        _("Værdi (%(unit)s)") % {"unit": indicator.unit},
        _("Type"),
        _("Note"),
        _("Dokumentation"),
        _("Kilde"),
    ]
    return csv_response(_filename("maalinger", indicator.title), header, rows)


@require_GET
def goal_indicators_csv(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """One row per indicator of the goal: the inputs of its status, the status, and its
    metadata."""
    goal = access.goal_for_view(request, public_id)
    indicators = selectors.with_latest(goal.indicators.order_by("title"))
    header = [
        _("Indikator"),
        _("Enhed"),
        _("Retning"),
        _("Udgangspunkt"),
        _("Udgangspunkt, dato"),
        _("Seneste måling"),
        _("Seneste måling, dato"),
        _("Mål"),
        _("Mål, dato"),
        _("Status"),
        _("Definition"),
        _("Datakilde"),
        _("Metode"),
        _("Hvem måler"),
        _("Hvor ofte"),
    ]
    return csv_response(
        _filename("indikatorer", goal.title), header, (_indicator_row(i) for i in indicators)
    )


def _indicator_row(indicator: Indicator) -> list[Any]:
    calc = selectors.calculation(indicator)
    meta = selectors.indicator_metadata(indicator)
    return [
        indicator.title,
        indicator.unit,
        indicator.get_direction_display(),
        indicator.baseline_value,
        indicator.baseline_date,
        calc.latest,
        calc.latest_date,
        indicator.target_value,
        indicator.target_date,
        str(calc.status.label),
        meta.definition,
        meta.source,
        meta.method,
        meta.measured_by,
        meta.frequency,
    ]


# --- the national picture -------------------------------------------------------------


@require_GET
def national_csv(request: HttpRequest, table: str) -> HttpResponse:
    """One of the national picture's tables, with the page's filters (same GET
    parameters); a filter that does not exist is a 400, as on the page."""
    form, result = national_filtered(request)
    if form.errors:
        return HttpResponse(
            " ".join(str(e) for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    header, rows = NATIONAL[table](result)
    name = _filename("almene-maal", table, result.region, result.commitment)
    return csv_response(name, header, rows)


def _commitments(result: Picture) -> tuple[list[str], Iterable[Sequence[Any]]]:
    statuses = list(Status)
    header = [
        _("Punkt"),
        _("Tekst"),
        _("Organisationer"),
        _("Afdelinger"),
        _("Boliger omfattet"),
        _("Andel af boliger (%)"),
        *[_("Indikatorer: %(status)s") % {"status": s.label} for s in statuses],
    ]
    rows = [
        [
            row["commitment"].code,
            row["commitment"].tr("text"),
            row["adoption"].organisations,
            row["adoption"].estates,
            row["adoption"].homes,
            row["share"],
            *[row["statuses"].get(s.value, 0) for s in statuses],
        ]
        for row in result.commitments
    ]
    return header, rows


def _rollups(result: Picture) -> tuple[list[str], Iterable[Sequence[Any]]]:
    header = [
        _("Punkt"),
        _("Enhed"),
        _("Indikatorer"),
        _("Udgangspunkt"),
        _("Seneste"),
        _("Opgjort som"),
    ]
    kinds = {"sum": _("sum"), "median": _("median")}
    rows = [
        [row["commitment"].code, r.unit, r.indicators, r.baseline, r.latest, kinds[r.kind]]
        for row in result.commitments
        for r in row["rollups"]
    ]
    return header, rows


def _regions(result: Picture) -> tuple[list[str], Iterable[Sequence[Any]]]:
    header = [
        _("Region"),
        _("Organisationer med delte mål"),
        _("Boliger"),
        _("Boliger omfattet"),
        _("Andel (%)"),
    ]
    rows = [
        [r["region"], r["organisations"], r["homes"], r["covered"], r["share"]]
        for r in result.regions
    ]
    return header, rows


def _municipalities(result: Picture) -> tuple[list[str], Iterable[Sequence[Any]]]:
    header = [
        _("Kommune"),
        _("Kommunekode"),
        _("Region"),
        _("Organisationer med delte mål"),
        _("Boliger"),
        _("Boliger omfattet"),
        _("Andel omfattet (%)"),
    ]
    rows = [
        [
            m["municipality"].name,
            m["municipality"].code,
            m["municipality"].region,
            m["organisations"],
            m["homes"],
            m["covered"],
            m["share"],
        ]
        for m in result.municipalities
        if m["homes"]  # as on the page: municipalities without homes in Almen are left out
    ]
    return header, rows


NATIONAL = {
    "punkter": _commitments,
    "sammenlagt": _rollups,
    "regioner": _regions,
    "kommuner": _municipalities,
}


# --- lists of goals -------------------------------------------------------------------


def _goal_rows(request: HttpRequest, goals: Iterable[Goal]) -> Iterable[list[Any]]:
    for goal in goals:
        municipality = (goal.estate or goal.organisation).municipality
        yield [
            goal.title,
            goal.organisation.name,
            goal.estate.name if goal.estate else "",
            municipality.name if municipality else "",
            ", ".join(c.code for c in goal.commitments.all()),
            goal.get_visibility_display(),
            request.build_absolute_uri(reverse("goals:goal_detail", args=[goal.public_id])),
        ]


def _goal_header() -> list[str]:
    return [
        _("Mål"),
        _("Boligorganisation"),
        _("Afdeling"),
        _("Kommune"),
        _("Punkter"),
        _("Delt med"),
        _("Link"),
    ]


@require_GET
def commitment_goals_csv(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Every published goal working with the commitment (the page shows the first 20)."""
    commitment = access.commitment_for_view(request, slug, code)
    goals = (
        library_search(LibraryQuery(commitment=commitment.code))
        .prefetch_related("commitments")
        .iterator(chunk_size=2000)
    )
    return csv_response(
        _filename("maal-punkt", commitment.code), _goal_header(), _goal_rows(request, goals)
    )


@require_GET
def municipality_goals_csv(request: HttpRequest) -> HttpResponse:
    """The municipality overview's table of shared goals, all pages."""
    goals = (
        access.goals_shared_with_municipalities(request)
        .select_related("organisation__municipality", "estate__municipality")
        .iterator(chunk_size=2000)
    )
    return csv_response(
        _filename("kommunens-delte-maal"), _goal_header(), _goal_rows(request, goals)
    )
