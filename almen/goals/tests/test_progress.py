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


def test_linear_when_values_are_zero_or_negative() -> None:
    # From 0 to 10 events a year: after 2 of 4 years, 5 is exactly on track.
    calc = compute(
        direction=Direction.INCREASE,
        baseline=D(0),
        baseline_date=B,
        target=D(10),
        target_date=T,
        latest=D(5),
        latest_date=dt.date(2026, 1, 1),
    )
    assert calc.method == "linear"
    assert calc.ratio == pytest.approx(1.0, abs=0.01)
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
