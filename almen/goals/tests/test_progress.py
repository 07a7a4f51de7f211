"""The progress method, checked against hand calculations."""

import datetime as dt
from decimal import Decimal as D

import pytest

from almen.goals.progress import Direction, Status, compute

B = dt.date(2024, 1, 1)
T = dt.date(2028, 1, 1)


def status(
    direction: str,
    baseline: str,
    latest: str | None,
    target: str,
    latest_date: dt.date = dt.date(2026, 1, 1),
    tolerance: str | None = None,
) -> Status:
    return compute(
        direction=direction,
        baseline=D(baseline),
        baseline_date=B,
        target=D(target),
        target_date=T,
        latest=D(latest) if latest is not None else None,
        latest_date=latest_date if latest is not None else None,
        tolerance=D(tolerance) if tolerance else None,
    ).status


@pytest.mark.parametrize(
    ("direction", "baseline", "latest", "target", "expected"),
    [
        # Halfway in time (2 of 4 years). Compound: required = (200/100)^(1/4) - 1 = 18.9 %/yr.
        (Direction.INCREASE, "100", "200", "200", Status.TARGET_ACHIEVED),
        (Direction.INCREASE, "100", "142", "200", Status.SUBSTANTIAL),  # 19.2 %/yr → ratio 1.01
        (Direction.INCREASE, "100", "125", "200", Status.MODERATE),  # 11.8 %/yr → ratio 0.62
        (Direction.INCREASE, "100", "105", "200", Status.LIMITED),  # 2.5 %/yr → ratio 0.13
        (Direction.INCREASE, "100", "90", "200", Status.DETERIORATION),
        # Decrease: CO2e from 100 to 50.  required = 0.5^(1/4) - 1 = -15.9 %/yr.
        (Direction.DECREASE, "100", "70", "50", Status.SUBSTANTIAL),  # -16.3 %/yr → 1.03
        (Direction.DECREASE, "100", "80", "50", Status.MODERATE),  # -10.6 %/yr → 0.66
        (Direction.DECREASE, "100", "110", "50", Status.DETERIORATION),
        (Direction.DECREASE, "100", "45", "50", Status.TARGET_ACHIEVED),
    ],
)
def test_compound_growth(direction, baseline, latest, target, expected) -> None:
    assert status(direction, baseline, latest, target) == expected


def test_thresholds_exactly() -> None:
    # ratio = ((85/100)^(1/2) - 1) / ((50/100)^(1/4) - 1) = -0.0780 / -0.1591 = 0.490 → limited
    calc = compute(
        direction=Direction.DECREASE,
        baseline=D(100),
        baseline_date=B,
        target=D(50),
        target_date=T,
        latest=D(85),
        latest_date=dt.date(2026, 1, 1),
    )
    assert calc.method == "compound"
    assert calc.ratio == pytest.approx(0.490, abs=0.002)
    assert calc.status == Status.LIMITED


# --- the reference: Open SDG, method 2 -------------------------------------------------
# open-sdg/sdg-build, sdg/ProgressMeasure.py (SeriesProgress.methodology_2,
# growth_calculation, get_progress_status, get_progress_thresholds). Its formulas:
#
#   target' = 0.001 if target == 0;  base' = 0.001 if base == 0
#   target achieved: latest >= target' (positive direction) / latest <= target' (negative),
#                    decided before anything else
#   cagr_o = (latest / base') ** (1 / (t_latest - t_base)) - 1
#   cagr_r = (target' / base') ** (1 / (t_target - t_base)) - 1
#   progress = sign * direction * cagr_o / abs(cagr_r),  sign = -1 if base' < 0 else 1
#   substantial >= 0.95 > moderate >= 0.6 > limited >= 0 > deterioration
#
# The table's expected progress values were worked out by hand (calculator) from these
# formulas, with the baseline in 2024, the latest value in 2028 (t = 4) and the target
# in 2032 (T = 8). These dates are whole years apart *and* multiples of 365.25 days
# (1461 and 2922), so Almen's date-based years equal the reference's whole years.
RB = dt.date(2024, 1, 1)
RL = dt.date(2028, 1, 1)
RT = dt.date(2032, 1, 1)
INC, DEC = Direction.INCREASE, Direction.DECREASE

REFERENCE_CASES = [
    # direction, base, latest, target, progress (by hand), status
    # cagr_r = 2 ** (1/8) - 1 = 0.09051
    (INC, "100", "150", "200", 1.1787, Status.SUBSTANTIAL),  # 1.5 ** .25 - 1 = 0.10668
    (INC, "100", "130", "200", 0.7490, Status.MODERATE),  # 0.06779 / 0.09051
    (INC, "100", "125", "200", 0.6339, Status.MODERATE),  # 0.05737 / 0.09051
    # 0.5 ≤ progress < 0.6: limited in the reference (moderate under the old 0.5).
    (INC, "100", "122", "200", 0.5631, Status.LIMITED),  # 0.05097 / 0.09051
    (INC, "100", "100", "200", 0.0, Status.LIMITED),  # no change: 0 is limited
    (INC, "100", "90", "200", -0.2872, Status.DETERIORATION),  # -0.02600 / 0.09051
    (INC, "100", "0", "200", -11.0488, Status.DETERIORATION),  # cagr_o = 0 ** .25 - 1 = -1
    # cagr_r = 0.5 ** (1/8) - 1 = -0.08300; direction -1 turns falling into progress
    (DEC, "100", "60", "50", 1.4445, Status.SUBSTANTIAL),  # -1 * -0.11989 / 0.08300
    (DEC, "100", "80", "50", 0.6537, Status.MODERATE),  # -1 * -0.05426 / 0.08300
    (DEC, "100", "82", "50", 0.5832, Status.LIMITED),  # -1 * -0.04840 / 0.08300
    (DEC, "100", "85", "50", 0.4797, Status.LIMITED),  # -1 * -0.03982 / 0.08300
    (DEC, "100", "110", "50", -0.2905, Status.DETERIORATION),  # -1 * 0.02411 / 0.08300
    # A target on the "wrong" side of the baseline: abs(cagr_r) keeps the direction.
    # cagr_o = 0.7 ** .25 - 1 = -0.085309, cagr_r = 0.8 ** (1/8) - 1 = -0.027508
    (INC, "100", "70", "80", -3.1013, Status.DETERIORATION),
    # Zero baseline: base' = 0.001. cagr_o = 1000 ** .25 - 1 = 4.62341,
    # cagr_r = 100000 ** (1/8) - 1 = 3.21697 (a linear rate would say 0.02: limited)
    (INC, "0", "1", "100", 1.4372, Status.SUBSTANTIAL),
    # Zero target: target' = 0.001. cagr_o = 0.5 ** .25 - 1 = -0.15910,
    # cagr_r = 0.0001 ** (1/8) - 1 = -0.68377 → -1 * -0.15910 / 0.68377
    (DEC, "10", "5", "0", 0.2327, Status.LIMITED),
    # Negative values of one sign: sign = -1. cagr_o = 0.5 ** .25 - 1 = -0.15910,
    # cagr_r = 0.1 ** (1/8) - 1 = -0.25011 → -1 * 1 * -0.15910 / 0.25011
    (INC, "-100", "-50", "-10", 0.6361, Status.MODERATE),
    # cagr_o = 2.5 ** .25 - 1 = 0.25743, cagr_r = 4 ** (1/8) - 1 = 0.18921
    # → -1 * -1 * 0.25743 / 0.18921
    (DEC, "-10", "-25", "-40", 1.3606, Status.SUBSTANTIAL),
]


@pytest.mark.parametrize(
    ("direction", "baseline", "latest", "target", "progress", "expected"), REFERENCE_CASES
)
def test_matches_the_reference(direction, baseline, latest, target, progress, expected) -> None:
    calc = compute(
        direction=direction,
        baseline=D(baseline),
        baseline_date=RB,
        target=D(target),
        target_date=RT,
        latest=D(latest),
        latest_date=RL,
    )
    assert calc.method == "compound"
    assert calc.ratio == pytest.approx(progress, abs=0.0005)
    assert calc.status == expected


@pytest.mark.parametrize(
    ("direction", "baseline", "latest", "target"),
    [
        (INC, "100", "200", "200"),
        (INC, "100", "250", "200"),
        (DEC, "100", "50", "50"),
        (DEC, "100", "40", "50"),
        # target' = 0.001: reaching zero is reaching it when falling...
        (DEC, "10", "0", "0"),
    ],
)
def test_target_achieved_is_decided_first(direction, baseline, latest, target) -> None:
    calc = compute(
        direction=direction,
        baseline=D(baseline),
        baseline_date=RB,
        target=D(target),
        target_date=RT,
        latest=D(latest),
        latest_date=RL,
    )
    assert (calc.status, calc.method, calc.ratio) == (Status.TARGET_ACHIEVED, "achieved", None)


def test_thresholds_are_the_references() -> None:
    from almen.goals.progress import MODERATE_RATIO, SUBSTANTIAL_RATIO

    assert (SUBSTANTIAL_RATIO, MODERATE_RATIO) == (0.95, 0.6)


def test_baseline_that_already_meets_the_target_is_achieved_without_a_measurement() -> None:
    # The reference's current value is the baseline when there is nothing later.
    assert status(Direction.DECREASE, "40", None, "50") == Status.TARGET_ACHIEVED
    assert status(Direction.DECREASE, "60", None, "50") == Status.NO_DATA


# --- where Almen deliberately differs (decision 0011) -----------------------------------


@pytest.mark.parametrize(
    ("direction", "baseline", "latest", "target", "progress", "expected"),
    [
        # Baseline and latest of opposite signs: the reference answers "not available".
        # Linear: actual = 15 / 4 = 3.75 a year, required = 30 / 8 = 3.75 a year.
        (INC, "-10", "5", "20", 1.0, Status.SUBSTANTIAL),
        # Baseline and target of opposite signs: the reference takes a fractional power
        # of a negative number. Linear: actual = 4 / 4 = 1, required = 20 / 8 = 2.5.
        (INC, "-10", "-6", "10", 0.4, Status.LIMITED),
        # Zero baseline (base' = 0.001 > 0) with a negative latest value: opposite
        # signs again. Linear: -1 * (-4 / 4) / |-8 / 8| = 1.
        (DEC, "0", "-4", "-8", 1.0, Status.SUBSTANTIAL),
        # Rising to a zero target from below: 0 < target' = 0.001, so not yet reached,
        # and target' and the baseline have opposite signs.
        # Linear: actual = 5 / 4 = 1.25, required = 5 / 8 = 0.625.
        (INC, "-5", "0", "0", 2.0, Status.SUBSTANTIAL),
    ],
)
def test_linear_where_compound_growth_is_undefined(
    direction, baseline, latest, target, progress, expected
) -> None:
    calc = compute(
        direction=direction,
        baseline=D(baseline),
        baseline_date=RB,
        target=D(target),
        target_date=RT,
        latest=D(latest),
        latest_date=RL,
    )
    assert calc.method == "linear"
    assert calc.ratio == pytest.approx(progress, abs=0.0005)
    assert calc.status == expected


def test_target_equal_to_baseline_not_reached_is_deterioration() -> None:
    # The reference divides by zero here (cagr_r = 0).
    assert status(Direction.INCREASE, "100", "90", "100") == Status.DETERIORATION


def test_dates_not_whole_years() -> None:
    # Half a year after the baseline the reference has no status yet (it needs a later
    # calendar year); Almen measures in days: t = 182 / 365.25 = 0.4983,
    # cagr_o = 1.1 ** (1 / 0.4983) - 1 = 0.2107, cagr_r = 2 ** (1/8) - 1 = 0.09051.
    calc = compute(
        direction=Direction.INCREASE,
        baseline=D(100),
        baseline_date=RB,
        target=D(200),
        target_date=RT,
        latest=D(110),
        latest_date=dt.date(2024, 7, 1),
    )
    assert calc.ratio == pytest.approx(2.329, abs=0.002)
    assert calc.status == Status.SUBSTANTIAL


def test_maintain_within_tolerance() -> None:
    assert status(Direction.MAINTAIN, "90", "88", "90", tolerance="3") == Status.TARGET_ACHIEVED
    assert status(Direction.MAINTAIN, "90", "85", "90", tolerance="3") == Status.DETERIORATION
    # default tolerance: 5 % of the target
    assert status(Direction.MAINTAIN, "90", "86", "90") == Status.TARGET_ACHIEVED


def test_no_data_until_a_measurement_after_the_baseline() -> None:
    assert status(Direction.INCREASE, "100", None, "200") == Status.NO_DATA
    assert status(Direction.INCREASE, "100", "150", "200", latest_date=B) == Status.NO_DATA


def test_inputs_are_carried_for_display() -> None:
    calc = compute(
        direction=Direction.INCREASE,
        baseline=D(100),
        baseline_date=B,
        target=D(200),
        target_date=T,
        latest=D(125),
        latest_date=dt.date(2026, 1, 1),
    )
    assert (calc.baseline, calc.latest, calc.target) == (D(100), D(125), D(200))
    assert calc.actual_rate == pytest.approx(0.1180, abs=0.0005)
    assert calc.required_rate == pytest.approx(0.1892, abs=0.0005)
