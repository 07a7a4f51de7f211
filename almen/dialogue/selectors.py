"""Reads for the styringsdialog: the agreements with their goals' computed status, and
the key figures the organisation's pack for the meeting shows (the report pack in
``almen.reports`` reads them from here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from almen.dialogue.models import Agreement, Dialogue
from almen.goals.models import Goal, Indicator
from almen.goals.progress import Calculation
from almen.goals.selectors import calculation, with_latest
from almen.lib import metrics
from almen.lib.metrics import Period
from almen.register.models import Estate


@dataclass(frozen=True)
class IndicatorStatus:
    indicator: Indicator
    calculation: Calculation


@dataclass(frozen=True)
class AgreementRow:
    agreement: Agreement
    overdue: bool
    indicators: list[IndicatorStatus] = field(default_factory=list)


def _indicator_prefetch(prefix: str) -> Prefetch:
    return Prefetch(
        f"{prefix}indicators",
        queryset=with_latest(Indicator.objects.order_by("title")),
    )


def _statuses(goal: Goal | None) -> list[IndicatorStatus]:
    if goal is None:
        return []
    return [IndicatorStatus(i, calculation(i)) for i in goal.indicators.all()]


def agreement_rows(dialogue: Dialogue, today: dt.date | None = None) -> list[AgreementRow]:
    """The dialogue's agreements with their goals and each indicator's computed status
    (two queries, however many agreements and indicators)."""
    today = today or timezone.localdate()
    agreements = (
        dialogue.agreements.select_related("goal__organisation", "goal__estate")
        .prefetch_related(_indicator_prefetch("goal__"))
        .order_by("due", "title")
    )
    return [AgreementRow(a, a.is_overdue(today), _statuses(a.goal)) for a in agreements]


def year_period(year: int, today: dt.date) -> Period:
    """A dialogue year, up to today if the year is not over (households are counted at
    the period's end); a future year gives today's figures."""
    start = dt.date(year, 1, 1)
    if start > today:
        return Period(today, today)
    return Period(start, min(dt.date(year, 12, 31), today))


def _metric(key: str, scope: str, scope_id: int, period: Period) -> Decimal | None:
    try:
        return metrics.get(key).value(scope, scope_id, period)
    except metrics.UnknownMetric:
        return None  # the register module is not installed: leave the figure out


def municipal_key_figures(
    organisation_id: int, municipality_id: int, year: int, today: dt.date | None = None
) -> dict[str, Any]:
    """Homes and households for the styringsdialog, from the metric registry (the same
    numbers an indicator bound to ``register.homes``/``register.households`` gets): the
    whole organisation, and per estate and in total for its estates in the municipality.
    A total is None when any estate's figure is unknown."""
    period = year_period(year, today or timezone.localdate())
    estates = Estate.objects.filter(
        organisation_id=organisation_id, municipality_id=municipality_id
    ).order_by("number")
    rows = []
    totals: dict[str, Decimal | None] = {"homes": Decimal(0), "households": Decimal(0)}
    for estate in estates:
        row: dict[str, Any] = {"estate": estate}
        for name, key in (("homes", "register.homes"), ("households", "register.households")):
            value = _metric(key, "estate", estate.pk, period)
            row[name] = value
            total = totals[name]
            totals[name] = None if value is None or total is None else total + value
        rows.append(row)
    return {
        "period": period,
        "estates": rows,
        "estate_count": len(rows),
        "organisation_homes": _metric("register.homes", "organisation", organisation_id, period),
        "organisation_households": _metric(
            "register.households", "organisation", organisation_id, period
        ),
        **totals,
    }
