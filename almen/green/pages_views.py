"""Grøn drift's pages: an estate's year (what the driftschef opens every month), the
organisation's, a municipality's and the country's roll-ups, each chart followed by its
data as a table and as CSV (authorised like its page). Access is decided in
``access.py``: the estate page for ``can_read_green``, the organisation page for
``can_read_organisation_green``, the municipality page for its officers and sector
staff; the national page is public, by region and by municipality only (a
municipality where fewer than ``PUBLIC_MIN_ORGANISATIONS`` organisations contribute is
shown only to sector staff)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from almen.access.policy import principal
from almen.green import access
from almen.green import pages_selectors as sel
from almen.lib.charts import (
    LineChart,
    Point,
    bar_chart_svg,
    column_chart_svg,
    line_chart_svg,
)
from almen.lib.csvexport import csv_response
from almen.register.models import Estate, Organisation

YEAR_MIN, YEAR_MAX = 1990, 2100
T = "green/pages/"


class BadYear(Exception):
    pass


def _year(request: HttpRequest) -> int | None:
    """``?aar=`` (a year 1990–2100), or None for the default."""
    text = request.GET.get("aar", "").strip()
    if not text:
        return None
    if not text.isdigit() or not YEAR_MIN <= int(text) <= YEAR_MAX:
        raise BadYear
    return int(text)


def _bad_year(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        T + "bad_year.html",
        {"low": YEAR_MIN, "high": YEAR_MAX, "given": request.GET.get("aar", "")[:20]},
        status=400,
    )


def _f(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


# --- charts -------------------------------------------------------------------------


def month_chart(kind: sel.KindFigures, year: int) -> str:
    factor = Decimal(1000) if kind.is_heat else Decimal(1)
    this = [_f(kind.months[m] / factor) if m in kind.months else None for m in sel.MONTHS]
    last = [_f(kind.last_year[m] / factor) if m in kind.last_year else None for m in sel.MONTHS]
    series: list[tuple[str, list[float | None]]] = [(str(year), this)]
    if any(v is not None for v in last):
        series.append((str(year - 1), last))
    return column_chart_svg(
        title=_("%(kind)s pr. måned, %(year)s og %(last)s")
        % {"kind": kind.label, "year": year, "last": year - 1},
        description=_(
            "Forbruget i %(unit)s pr. måned i %(year)s, med året før ved siden af. Tallene "
            "står i tabellen under grafen."
        )
        % {"unit": kind.shown_unit, "year": year},
        categories=[str(MONTHS_3[m]) for m in sel.MONTHS],
        series=series,
        unit=kind.shown_unit,
    )


def trend_chart(trend: list[tuple[int, Decimal]], title: str) -> str:
    points = [Point(dt.date(y, 7, 1), kg / 1000) for y, kg in trend]
    if not points:
        return ""
    return line_chart_svg(
        LineChart(
            title=title,
            description=_("Ton CO2e pr. år. Tallene står i tabellen under grafen."),
            unit="t",
            points=points,
        )
    )


def benchmark_rows(b: sel.EstateBenchmark) -> list[tuple[str, Decimal]]:
    return [
        (_("Denne afdeling"), b.value),
        (_("Laveste i gruppen"), b.lowest),
        (_("Bedste fjerdedel"), b.quartile),
        (_("Gruppens median"), b.median),
        (_("Højeste i gruppen"), b.highest),
    ]


def benchmark_chart(b: sel.EstateBenchmark) -> str:
    return bar_chart_svg(
        title=_("Varme pr. m² sammenlignet med lignende afdelinger"),
        description=_(
            "Afdelingens varmeforbrug pr. m² ved siden af gruppens laveste, bedste fjerdedel, "
            "median og højeste. Lavere er bedre. Tallene står i tabellen under grafen."
        ),
        bars=[(label, float(v)) for label, v in benchmark_rows(b)],
        unit=" " + b.unit,
    )


def estates_chart(rows: list[sel.RollupRow]) -> str:
    bars = [(f"{r.key} {r.name}"[:18], float(r.kg_per_m2)) for r in rows if r.kg_per_m2]
    if not bars:
        return ""
    return bar_chart_svg(
        title=_("kg CO2e pr. m² pr. afdeling"),
        description=_("Hver afdelings CO2e pr. m² i året. Tallene står i tabellen under grafen."),
        bars=bars,
        unit=" kg/m²",
    )


# --- the estate page ----------------------------------------------------------------------


def _estate_year(request: HttpRequest, cvr: str, number: int) -> sel.EstateYear:
    estate = access.estate_for_reader(request, cvr, number)
    return sel.estate_year_cached(estate, _year(request), timezone.localdate())


def estate_body(estate: Estate, year: int | None, today: dt.date) -> SafeString:
    """The estate page's content (everything inside the layout): its figures, tables,
    six charts and the "Hvad indgår i tallet?" explanations. Nothing in it depends on
    who reads it, so it is rendered once per estate, year asked for (or the default
    year, which depends on today's year), language, the register's figures it shows
    (names, area, households, dwellings) and green data version
    (``sel.cached_on_green``: every change of footprints, degree days or buildings'
    heated areas bumps it). Who may read it is decided per request, before this is
    looked up (``access.estate_for_reader``)."""
    organisation = estate.organisation
    key = ":".join(
        str(part)
        for part in (
            "estate-page",
            estate.pk,
            year or "",
            today.year,
            get_language(),
            organisation.cvr,
            organisation.name,
            estate.number,
            estate.name,
            estate.area_m2,
            estate.household_count,
            estate.unit_count,
        )
    )
    return sel.cached_on_green(key, partial(_render_estate_body, estate, year, today))


def _render_estate_body(estate: Estate, year: int | None, today: dt.date) -> SafeString:
    ey = sel.estate_year_cached(estate, year, today)
    charts = {k.kind: month_chart(k, ey.year) for k in ey.kinds}
    html = render_to_string(
        T + "_estate_body.html",
        {
            "ey": ey,
            "estate": ey.estate,
            "organisation": ey.estate.organisation,
            "month_charts": [(k, charts[k.kind]) for k in ey.kinds],
            "month_names": MONTHS,
            "trend_chart": trend_chart(ey.trend, _("CO2e over årene")),
            "benchmark_chart": benchmark_chart(ey.benchmark) if ey.benchmark else "",
            "benchmark_rows": benchmark_rows(ey.benchmark) if ey.benchmark else [],
            "min_peers": sel.MIN_PEERS,
            "periods": sel.PERIODS,
            "sizes": sel.SIZES,
        },
    )
    return SafeString(html)


@require_GET
def estate_green(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    estate = access.estate_for_reader(request, cvr, number)
    try:
        year = _year(request)
    except BadYear:
        return _bad_year(request)
    return render(
        request,
        T + "estate.html",
        {
            "estate": estate,
            "organisation": estate.organisation,
            "body": estate_body(estate, year, timezone.localdate()),
        },
    )


def _estate_name(ey: sel.EstateYear) -> str:
    return f"{ey.estate.organisation.cvr}-{ey.estate.number}-{ey.year}"


def _dec(value: Decimal | None, places: int = 4) -> Decimal | None:
    return sel.round_half_up(value, places) if value is not None else None


@require_GET
def estate_months_csv(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    try:
        ey = _estate_year(request, cvr, number)
    except BadYear:
        return _bad_year(request)
    rows = []
    for k in ey.kinds:
        for month, _name, this, last in k.month_rows:
            rows.append(
                [k.label, month, sel.unit_text(k.unit), _dec(this), _dec(last)],
            )
    return csv_response(
        f"groen-drift-maaneder-{_estate_name(ey)}.csv",
        [
            _("Forsyningsart"),
            _("Måned"),
            _("Enhed"),
            str(ey.year),
            str(ey.year - 1),
        ],
        rows,
    )


@require_GET
def estate_co2e_csv(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    try:
        ey = _estate_year(request, cvr, number)
    except BadYear:
        return _bad_year(request)
    return csv_response(
        f"groen-drift-co2e-{ey.estate.organisation.cvr}-{ey.estate.number}.csv",
        [_("År"), _("kg CO2e")],
        [[y, _dec(kg)] for y, kg in ey.trend],
    )


@require_GET
def estate_benchmark_csv(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    try:
        ey = _estate_year(request, cvr, number)
    except BadYear:
        return _bad_year(request)
    b = ey.benchmark
    rows: list[list[Any]] = (
        [[label, _dec(v), b.unit] for label, v in benchmark_rows(b)] if b else []
    )
    if b:
        rows.append([_("Afdelinger i gruppen"), b.size, ""])
        rows.append([_("Percentil"), b.percentile, ""])
    return csv_response(
        f"groen-drift-sammenligning-{_estate_name(ey)}.csv",
        [_("Række"), _("Værdi"), _("Enhed")],
        rows,
    )


def _common(data: dict[str, Any]) -> dict[str, Any]:
    """The year selector's years, the year as text and the trend in tons."""
    return {
        "years": sorted({y for y, _kg in data["trend"]} | {data["year"]}, reverse=True),
        "year_text": str(data["year"]),
        "trend_rows": [(y, kg / 1000) for y, kg in data["trend"]],
    }


# --- the organisation page ------------------------------------------------------------------


def _organisation_year(request: HttpRequest, cvr: str) -> dict[str, Any]:
    organisation = access.organisation_for_reader(request, cvr)
    return sel.organisation_year_cached(
        organisation,
        _year(request),
        timezone.localdate(),
        sel.estates_signature(organisation.pk),
    )


def organisation_body(
    organisation: Organisation, year: int | None, today: dt.date, signature: str
) -> SafeString:
    """The organisation page's content, the same for every reader: rendered once per
    organisation, year asked for, today's year, language, the register's rows of its
    estates (``signature``: names, numbers, areas, households) and green data
    version. Who may read it is decided per request, before this is looked up."""
    key = ":".join(
        str(part)
        for part in (
            "organisation-page",
            organisation.pk,
            year or "",
            today.year,
            get_language(),
            organisation.cvr,
            organisation.name,
            signature,
        )
    )
    return sel.cached_on_green(
        key, partial(_render_organisation_body, organisation, year, today, signature)
    )


def _render_organisation_body(
    organisation: Organisation, year: int | None, today: dt.date, signature: str
) -> SafeString:
    data = sel.organisation_year_cached(organisation, year, today, signature)
    # Per m² over the estates that have months in the year, not every estate.
    area = sum((r.area or Decimal(0) for r in data["rows"] if r.consumption), Decimal(0))
    total = data["totals"].kg_co2e
    html = render_to_string(
        T + "_organisation_body.html",
        {
            **data,
            **_common(data),
            "kg_per_m2": sel.per(total, area),
            "trend_chart": trend_chart(data["trend"], _("CO2e over årene, alle afdelinger")),
            "estates_chart": estates_chart(data["rows"]),
        },
    )
    return SafeString(html)


@require_GET
def organisation_green(request: HttpRequest, cvr: str) -> HttpResponse:
    organisation = access.organisation_for_reader(request, cvr)
    try:
        year = _year(request)
    except BadYear:
        return _bad_year(request)
    body = organisation_body(
        organisation, year, timezone.localdate(), sel.estates_signature(organisation.pk)
    )
    return render(request, T + "organisation.html", {"organisation": organisation, "body": body})


ROLLUP_HEADER = [
    gettext_lazy("kg CO2e"),
    gettext_lazy("Fjernvarme (kWh)"),
    gettext_lazy("El (kWh)"),
    gettext_lazy("Vand (m³)"),
]


def _rollup_cells(r: sel.RollupRow) -> list[Any]:
    from almen.green.models import EnergyKind

    return [
        _dec(r.kg_co2e),
        _dec(r.consumption.get(EnergyKind.DISTRICT_HEATING)),
        _dec(r.consumption.get(EnergyKind.ELECTRICITY)),
        _dec(r.consumption.get(EnergyKind.WATER)),
    ]


@require_GET
def organisation_estates_csv(request: HttpRequest, cvr: str) -> HttpResponse:
    try:
        data = _organisation_year(request, cvr)
    except BadYear:
        return _bad_year(request)
    rows = [
        [r.key, r.name, *_rollup_cells(r), _dec(r.area, 2), _dec(r.kg_per_m2), r.incomplete]
        for r in data["rows"]
    ]
    return csv_response(
        f"groen-drift-afdelinger-{data['organisation'].cvr}-{data['year']}.csv",
        [
            _("Afdeling"),
            _("Navn"),
            *ROLLUP_HEADER,
            _("Areal (m²)"),
            _("kg CO2e pr. m²"),
            _("Manglende eller delvise målermåneder"),
        ],
        rows,
    )


@require_GET
def organisation_co2e_csv(request: HttpRequest, cvr: str) -> HttpResponse:
    try:
        data = _organisation_year(request, cvr)
    except BadYear:
        return _bad_year(request)
    return csv_response(
        f"groen-drift-co2e-{data['organisation'].cvr}.csv",
        [_("År"), _("kg CO2e")],
        [[y, _dec(kg)] for y, kg in data["trend"]],
    )


# --- the municipality page --------------------------------------------------------------------


def _municipality_year(request: HttpRequest, code: str) -> dict[str, Any]:
    municipality = access.municipality_for_reader(request, code)
    scope = Q(municipality_id=municipality.pk)
    year = _year(request) or sel.latest_year(scope, timezone.localdate())
    return {
        "municipality": municipality,
        "year": year,
        "rows": sel.municipality_rollup(municipality.pk, year),
        "totals": sel.kind_totals(scope, year),
        "trend": sel.trend_for(scope),
    }


@require_GET
def municipality_green(request: HttpRequest, municipality_code: str) -> HttpResponse:
    try:
        data = _municipality_year(request, municipality_code)
    except BadYear:
        return _bad_year(request)
    return render(
        request,
        T + "municipality.html",
        {
            **data,
            **_common(data),
            "trend_csv": reverse("green:municipality_co2e_csv", args=[data["municipality"].code]),
            "trend_chart": trend_chart(
                data["trend"], _("CO2e over årene i %(name)s") % {"name": data["municipality"].name}
            ),
        },
    )


@require_GET
def my_municipality(request: HttpRequest) -> HttpResponse:
    """The menu's "Grøn drift" for municipality officers: on to their municipality's
    roll-up (the first by name); 404 for everyone else."""
    code = access.own_municipality_code(request)
    return redirect("green:municipality", municipality_code=code)


@require_GET
def municipality_co2e_csv(request: HttpRequest, municipality_code: str) -> HttpResponse:
    try:
        data = _municipality_year(request, municipality_code)
    except BadYear:
        return _bad_year(request)
    return csv_response(
        f"groen-drift-co2e-kommune-{data['municipality'].code}.csv",
        [_("År"), _("kg CO2e")],
        [[y, _dec(kg)] for y, kg in data["trend"]],
    )


@require_GET
def municipality_csv(request: HttpRequest, municipality_code: str) -> HttpResponse:
    try:
        data = _municipality_year(request, municipality_code)
    except BadYear:
        return _bad_year(request)
    rows = [[r.extra.get("cvr", ""), r.name, r.estates, *_rollup_cells(r)] for r in data["rows"]]
    return csv_response(
        f"groen-drift-kommune-{data['municipality'].code}-{data['year']}.csv",
        [_("CVR"), _("Boligorganisation"), _("Afdelinger med data"), *ROLLUP_HEADER],
        rows,
    )


# --- the national page ------------------------------------------------------------------------


def _national(request: HttpRequest) -> dict[str, Any]:
    year = _year(request) or sel.latest_year(Q(), timezone.localdate())
    rollup = sel.national_rollup_cached(year)
    everything = access.sees_every_municipality(principal(request))
    shown = [
        r
        for r in rollup.municipalities
        if everything or r.organisations >= sel.PUBLIC_MIN_ORGANISATIONS
    ]
    known = sel.cached_on_green("national-years", lambda: sel.years_with_data(Q()))
    return {
        "year": year,
        "year_text": str(year),
        "years": sorted({*known, year}, reverse=True),
        "rollup": rollup,
        "municipalities": shown,
        "hidden": len(rollup.municipalities) - len(shown),
        "everything": everything,
        "min_organisations": sel.PUBLIC_MIN_ORGANISATIONS,
    }


@require_GET
def national_green(request: HttpRequest) -> HttpResponse:
    try:
        data = _national(request)
    except BadYear:
        return _bad_year(request)
    rollup = data["rollup"]
    bars = [(r.name.removeprefix("Region "), float(r.tons)) for r in rollup.regions]
    chart = (
        bar_chart_svg(
            title=_("Ton CO2e pr. region"),
            description=_("Ton CO2e pr. region i året. Tallene står i tabellen under grafen."),
            bars=bars,
            unit=" t",
        )
        if bars
        else ""
    )
    return render(request, T + "national.html", {**data, "chart": chart})


@require_GET
def national_csv(request: HttpRequest, table: str) -> HttpResponse:
    try:
        data = _national(request)
    except BadYear:
        return _bad_year(request)
    rows: list[list[Any]]
    header: list[Any]
    if table == "regioner":
        rows = [[r.name, r.estates, *_rollup_cells(r)] for r in data["rollup"].regions]
        header = [_("Region"), _("Afdelinger med data"), *ROLLUP_HEADER]
    else:
        rows = [
            [r.extra.get("code", ""), r.name, r.estates, *_rollup_cells(r)]
            for r in data["municipalities"]
        ]
        header = [_("Kommunekode"), _("Kommune"), _("Afdelinger med data"), *ROLLUP_HEADER]
    return csv_response(f"groen-drift-{table}-{data['year']}.csv", header, rows)
