"""Participation statistics pages: an estate's and an organisation's afdelingsmøder
over the years, as a chart with the same data as a table, and as CSV. Access is
``access.estate_for_reader`` (the estate's residents, its board, the organisation's
staff and board) and ``access.organisation_for_reader`` (staff and board)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from almen.democracy import access, ballots_stats, stats_selectors
from almen.democracy.opendata import cached_on_democracy
from almen.democracy.stats_selectors import MeetingFigures, YearFigures
from almen.lib.charts import LineChart, Point, line_chart_svg
from almen.lib.csvexport import csv_response

ESTATES_PER_PAGE = 50


def _year_chart(title: str, years: Sequence[YearFigures]) -> str:
    points = [Point(dt.date(y.year, 7, 1), y.turnout) for y in years if y.turnout is not None]
    if not points:
        return ""
    return line_chart_svg(
        LineChart(
            title=title,
            description=_(
                "Husstande til stede (også ved fuldmagt) i procent af husstandene på "
                "listen over stemmeberettigede, pr. år. Tallene står i tabellen under "
                "grafen."
            ),
            unit="%",
            points=points,
        )
    )


def _meeting_chart(title: str, figures: Sequence[MeetingFigures]) -> str:
    points = [Point(f.meeting.meeting_on, f.turnout) for f in figures if f.turnout is not None]
    if not points:
        return ""
    return line_chart_svg(
        LineChart(
            title=title,
            description=_(
                "Husstande til stede (også ved fuldmagt) i procent af husstandene på "
                "listen over stemmeberettigede, pr. møde. Tallene står i tabellen under "
                "grafen."
            ),
            unit="%",
            points=points,
        )
    )


@require_GET
def estate_participation(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    estate = access.estate_for_reader(request, cvr, number)
    figures = stats_selectors.estate_participation(estate.pk)
    years = stats_selectors.by_year(figures)
    return render(
        request,
        "democracy/stats/estate.html",
        {
            "estate": estate,
            "organisation": estate.organisation,
            "figures": list(reversed(figures)),
            "years": years,
            "chart": _meeting_chart(_("Fremmøde på afdelingsmøderne"), figures),
            "min_group": stats_selectors.MIN_GROUP,
            # The secret ballots' turnout (issue 9): every counted ballot, newest first.
            "ballots": ballots_stats.estate_ballots(estate.pk),
        },
    )


@require_GET
def estate_participation_csv(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    estate = access.estate_for_reader(request, cvr, number)
    figures = stats_selectors.estate_participation(estate.pk)
    return csv_response(
        f"deltagelse-{estate.organisation.cvr}-{estate.number}.csv",
        stats_selectors.CSV_HEADER,
        stats_selectors.csv_rows(figures),
    )


def _organisation_figures(organisation_id: int) -> list[MeetingFigures]:
    """Every held afdelingsmøde's figures for an organisation: ~100 ms of SQL for 200
    estates, the same for every reader until a meeting changes (held, its minutes: the
    democracy's data version; attendance is final once a meeting is held)."""
    return list(
        cached_on_democracy(
            f"democracy:participation:{organisation_id}",
            lambda: stats_selectors.organisation_participation(organisation_id),
        )
    )


@require_GET
def organisation_participation(request: HttpRequest, cvr: str) -> HttpResponse:
    organisation = access.organisation_for_reader(request, cvr)
    figures = _organisation_figures(organisation.pk)
    years = stats_selectors.by_year(figures)
    latest = sorted(
        stats_selectors.latest_ordinary(figures).values(),
        key=lambda f: f.meeting.estate.number if f.meeting.estate else 0,
    )
    page = Paginator(latest, ESTATES_PER_PAGE).get_page(request.GET.get("side"))
    ballots = cached_on_democracy(
        f"democracy:ballot-participation:{organisation.pk}",
        lambda: ballots_stats.organisation_ballots(organisation.pk),
    )
    return render(
        request,
        "democracy/stats/organisation.html",
        {
            "organisation": organisation,
            "years": years,
            "page": page,
            "chart": _year_chart(_("Fremmøde på afdelingsmøderne i alle afdelinger"), years),
            "min_group": stats_selectors.MIN_GROUP,
            # The urafstemninger's turnout and the voters under 35 per year (issue 9).
            "ballot_years": ballots_stats.year_rows(ballots),
        },
    )


@require_GET
def organisation_participation_csv(request: HttpRequest, cvr: str) -> HttpResponse:
    organisation = access.organisation_for_reader(request, cvr)
    figures = _organisation_figures(organisation.pk)
    return csv_response(
        f"deltagelse-{organisation.cvr}.csv",
        stats_selectors.CSV_HEADER,
        stats_selectors.csv_rows(figures),
    )
