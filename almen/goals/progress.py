"""Progress status of an indicator, computed — never typed.

The method is Open SDG's "method 2" (a quantitative target), as implemented in its
reference implementation (open-sdg/sdg-build, ``sdg/ProgressMeasure.py``), which follows
Statistics Canada: compare the compound annual growth achieved so far with the growth
needed to reach the target on time.

    target'  = 0.001 if target = 0 else target        (zero is invalid in the reference)
    target achieved  when latest ≥ target' (increase) or latest ≤ target' (decrease);
                     checked first, whatever the rates
    base'    = 0.001 if baseline = 0 else baseline
    actual   = (latest / base') ** (1 / years since the baseline) - 1
    required = (target' / base') ** (1 / years from the baseline to the target date) - 1
    sign     = -1 if base' < 0 else 1;   direction = 1 (increase) or -1 (decrease)
    progress = sign × direction × actual / |required|

    substantial progress  progress ≥ 0.95
    moderate progress     0.6 ≤ progress < 0.95
    limited progress      0 ≤ progress < 0.6
    deterioration         progress < 0

Where we deliberately differ from the reference (decision 0011, and the goal page's
"how status is computed"):

* Time is measured in dates (days / 365.25), not whole calendar years, so a
  measurement less than a year after the baseline already gives a status. With whole
  years apart the two agree exactly.
* Compound growth is undefined when base' and the latest value, or base' and target',
  have opposite signs (the reference answers "not available", or takes a fractional
  power of a negative number). There the linear rates (change per year) are compared
  instead, by the same formula without the sign: direction × actual / |required|.
* When the required growth is zero (target = baseline) the reference divides by zero;
  an indicator that has not reached such a target is moving away from it:
  deterioration.
* With no measurement after the baseline the reference's rule still applies to the
  baseline itself (target achieved if the baseline already meets the target),
  otherwise "no data yet".
* Indicators that should be *maintained* (not in the reference) are "target achieved"
  while the latest value is within the tolerance of the target (default 5 % of it)
  and "deterioration" otherwise.

Every result carries its inputs so a page can show the whole calculation.
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
MODERATE_RATIO = 0.6
# The reference replaces a zero baseline or target by this (sdg-build, ProgressMeasure).
ZERO_SUBSTITUTE = 0.001


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


def _reached(direction: str, latest: float, target: float) -> bool:
    return latest >= target if direction == Direction.INCREASE else latest <= target


def _nonzero(value: Decimal) -> float:
    return ZERO_SUBSTITUTE if value == 0 else float(value)


def _opposite(a: float, b: float) -> bool:
    return (a > 0 and b < 0) or (a < 0 and b > 0)


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
    measured = latest is not None and latest_date is not None and latest_date > baseline_date
    if direction == Direction.MAINTAIN:
        if not measured:
            return base
        assert latest is not None
        band = tolerance if tolerance is not None else abs(target) * Decimal("0.05")
        kept = abs(latest - target) <= band
        return _with(
            base,
            Status.TARGET_ACHIEVED if kept else Status.DETERIORATION,
            "maintain",
            tolerance=band,
        )
    target_value = _nonzero(target)
    if not measured:
        # The reference's "current value" is then the baseline itself.
        if _reached(direction, float(baseline), target_value):
            return _with(base, Status.TARGET_ACHIEVED, "achieved")
        return base
    assert latest is not None and latest_date is not None
    current = float(latest)
    if _reached(direction, current, target_value):
        return _with(base, Status.TARGET_ACHIEVED, "achieved")
    elapsed = _years(baseline_date, latest_date)
    horizon = _years(baseline_date, target_date)
    if horizon <= 0:
        return base  # the database refuses this; nothing to compare with
    heading = 1 if direction == Direction.INCREASE else -1
    base_value = _nonzero(baseline)
    if _opposite(base_value, current) or _opposite(base_value, target_value):
        method = "linear"
        actual = float(latest - baseline) / elapsed
        required = float(target - baseline) / horizon
        sign = 1
    else:
        method = "compound"
        actual = (current / base_value) ** (1 / elapsed) - 1
        required = (target_value / base_value) ** (1 / horizon) - 1
        sign = -1 if base_value < 0 else 1
    if required == 0:
        # Target = baseline, not reached: moving away from it (the reference divides
        # by zero here).
        return _with(base, Status.DETERIORATION, method, actual_rate=actual, required_rate=required)
    ratio = sign * heading * actual / abs(required)
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


# A goal's status on dashboards and in the goal list's filter: the least advanced of
# its measured indicators (a goal is only as far as its slowest indicator), "no data
# yet" when none is measured, and None when it has no indicator. Computed from the
# indicators' statuses every time, never stored (decision 0025).
CONCERN_ORDER = (
    Status.DETERIORATION,
    Status.LIMITED,
    Status.MODERATE,
    Status.SUBSTANTIAL,
    Status.TARGET_ACHIEVED,
)


def goal_status(statuses: list[Status]) -> Status | None:
    for status in CONCERN_ORDER:
        if status in statuses:
            return status
    return Status.NO_DATA if statuses else None
