"""Reads for the styringsdialog: the agreements with their goals' computed status, and
everything the organisation's pack for the meeting needs (``dialogue_pack_data``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from almen.dialogue.access import goals_for_agreement
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


def shared_goals(dialogue: Dialogue) -> list[dict[str, Any]]:
    """The organisation's goals the municipality may see, each with its indicators'
    computed status (two queries)."""
    goals = goals_for_agreement(dialogue).prefetch_related(_indicator_prefetch(""))
    return [{"goal": g, "indicators": _statuses(g)} for g in goals]


def _period(year: int, today: dt.date) -> Period:
    """The dialogue's year, up to today if the year is not over (households are
    counted at the period's end)."""
    start = dt.date(year, 1, 1)
    end = max(start, min(dt.date(year, 12, 31), today))
    return Period(start, end)


def _metric(key: str, estate: Estate, period: Period) -> Decimal | None:
    try:
        return metrics.get(key).value("estate", estate.pk, period)
    except metrics.UnknownMetric:
        return None


def key_figures(dialogue: Dialogue, today: dt.date | None = None) -> dict[str, Any]:
    """Homes and households in the organisation's estates in the dialogue's
    municipality, per estate and in total, from the metric registry (the same numbers
    an indicator bound to ``register.homes``/``register.households`` would get)."""
    period = _period(dialogue.year, today or timezone.localdate())
    estates = Estate.objects.filter(
        organisation_id=dialogue.organisation_id, municipality_id=dialogue.municipality_id
    ).order_by("number")
    rows = []
    totals: dict[str, Decimal | None] = {"homes": Decimal(0), "households": Decimal(0)}
    for estate in estates:
        row: dict[str, Any] = {"estate": estate}
        for name, key in (("homes", "register.homes"), ("households", "register.households")):
            value = _metric(key, estate, period)
            row[name] = value
            total = totals[name]
            totals[name] = None if value is None or total is None else total + value
        rows.append(row)
    return {"period": period, "estates": rows, "estate_count": len(rows), **totals}


def dialogue_pack_data(dialogue: Dialogue, today: dt.date | None = None) -> dict[str, Any]:
    """Everything the organisation's pack for the meeting shows (PDF/DOCX/XLSX):

    - ``dialogue``, ``organisation``, ``municipality``, ``year``;
    - ``participants``: rows with ``name``, ``role``, ``side``;
    - ``agreements``: ``AgreementRow`` (agreement, overdue, indicators with calculation);
    - ``goals``: the organisation's goals shared with the municipality, each
      ``{"goal", "indicators"}``;
    - ``key_figures``: ``homes``, ``households``, ``estate_count``, ``period`` and
      per-estate ``estates`` rows, for the organisation's estates in the municipality;
    - ``today``: the date the numbers were computed.

    Callers must have authorised the reader for ``dialogue`` (``dialogue_for_view``).
    """
    today = today or timezone.localdate()
    return {
        "dialogue": dialogue,
        "organisation": dialogue.organisation,
        "municipality": dialogue.municipality,
        "year": dialogue.year,
        "participants": dialogue.participant_rows(),
        "agreements": agreement_rows(dialogue, today),
        "goals": shared_goals(dialogue),
        "key_figures": key_figures(dialogue, today),
        "today": today,
    }
