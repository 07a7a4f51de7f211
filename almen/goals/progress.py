"""Progress status of an indicator, computed — never typed.

The method is Statistics Canada's, as used by Open SDG for the UN Sustainable
Development Goals ("progress status"): compare the growth achieved so far with the
growth needed to reach the target on time.

    actual   = (latest / baseline) ** (1 / years since baseline) - 1
    required = (target / baseline) ** (1 / years from baseline to target date) - 1
    ratio    = actual / required

    target achieved       latest has reached the target (in the indicator's direction)
    substantial progress  ratio ≥ 0.95
    moderate progress     0.5 ≤ ratio < 0.95
    limited progress      0 ≤ ratio < 0.5
    deterioration         ratio < 0 (moving away from the target)

Compound growth needs positive values; when the baseline, latest value or target is
zero or negative the linear rates (change per year) are compared instead. An
indicator that should be *maintained* is "target achieved" while its latest value is
within the tolerance of the target and "deterioration" otherwise. Every result carries
its inputs so a page can show the whole calculation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    INCREASE = "increase", _("Skal stige")
    DECREASE = "decrease", _("Skal falde")
    MAINTAIN = "maintain", _("Skal fastholdes")


class Status(models.TextChoices):
    TARGET_ACHIEVED = "target_achieved", _("Målet er nået")
    SUBSTANTIAL = "substantial_progress", _("Godt på vej")
    MODERATE = "moderate_progress", _("Nogen fremgang")
    LIMITED = "limited_progress", _("Begrænset fremgang")
    DETERIORATION = "deterioration", _("Går den forkerte vej")
    NO_DATA = "no_data", _("Ingen måling efter udgangspunktet endnu")


SUBSTANTIAL_RATIO = 0.95
MODERATE_RATIO = 0.5


@dataclass(frozen=True)
class Calculation:
    status: Status
    method: str  # "compound", "linear", "maintain", "achieved" or "none"
    baseline: Decimal
    baseline_date: dt.date
    target: Decimal
    target_date: dt.date
    latest: Decimal | None = None
    latest_date: dt.date | None = None
    actual_rate: float | None = None
    required_rate: float | None = None
    ratio: float | None = None
    tolerance: Decimal | None = None


def _years(start: dt.date, end: dt.date) -> float:
    return (end - start).days / 365.25


def _reached(direction: str, latest: Decimal, target: Decimal) -> bool:
    return latest >= target if direction == Direction.INCREASE else latest <= target


def compute(
    *,
    direction: str,
    baseline: Decimal,
    baseline_date: dt.date,
    target: Decimal,
    target_date: dt.date,
    latest: Decimal | None,
    latest_date: dt.date | None,
    tolerance: Decimal | None = None,
) -> Calculation:
    """The status of one indicator from its baseline, latest value and target."""
    base = Calculation(
        status=Status.NO_DATA,
        method="none",
        baseline=baseline,
        baseline_date=baseline_date,
        target=target,
        target_date=target_date,
        latest=latest,
        latest_date=latest_date,
        tolerance=tolerance,
    )
    if latest is None or latest_date is None or latest_date <= baseline_date:
        return base
    if direction == Direction.MAINTAIN:
        band = tolerance if tolerance is not None else abs(target) * Decimal("0.05")
        kept = abs(latest - target) <= band
        return _with(
            base,
            Status.TARGET_ACHIEVED if kept else Status.DETERIORATION,
            "maintain",
            tolerance=band,
        )
    if _reached(direction, latest, target):
        return _with(base, Status.TARGET_ACHIEVED, "achieved")
    elapsed = _years(baseline_date, latest_date)
    horizon = _years(baseline_date, target_date)
    if min(baseline, latest, target) > 0:
        method = "compound"
        actual = (float(latest) / float(baseline)) ** (1 / elapsed) - 1
        required = (float(target) / float(baseline)) ** (1 / horizon) - 1
    else:
        method = "linear"
        actual = float(latest - baseline) / elapsed
        required = float(target - baseline) / horizon
    ratio = actual / required
    if ratio >= SUBSTANTIAL_RATIO:
        status = Status.SUBSTANTIAL
    elif ratio >= MODERATE_RATIO:
        status = Status.MODERATE
    elif ratio >= 0:
        status = Status.LIMITED
    else:
        status = Status.DETERIORATION
    return _with(base, status, method, actual_rate=actual, required_rate=required, ratio=ratio)


def _with(base: Calculation, status: Status, method: str, **changes: object) -> Calculation:
    from dataclasses import replace

    return replace(base, status=status, method=method, **changes)  # type: ignore[arg-type]
