import datetime as dt
from decimal import Decimal

import pytest

from almen.lib import metrics
from almen.lib.metrics import Metric, Period, UnknownMetric
from almen.register.models import Estate, Household, Unit

PERIOD = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))


@pytest.mark.django_db
def test_register_metrics_count_what_the_register_holds(cast) -> None:
    estate = Estate.objects.get(organisation__cvr="29190909", number=1)
    homes = Unit.objects.filter(estate=estate).count()
    living = Household.objects.active(on=PERIOD.end).filter(unit__estate=estate).count()
    assert metrics.get("register.homes").value("estate", estate.pk, PERIOD) == homes
    assert metrics.get("register.households").value("estate", estate.pk, PERIOD) == living
    occupancy = metrics.get("register.occupancy").value("estate", estate.pk, PERIOD)
    assert occupancy == (Decimal(living) * 100 / homes).quantize(Decimal("0.1"))
    shares = [
        metrics.get(f"register.share_{kind}").value("organisation", estate.organisation_id, PERIOD)
        for kind in ("family", "elderly", "youth")
    ]
    assert sum(s for s in shares if s is not None) == pytest.approx(100, abs=0.2)


@pytest.mark.django_db
def test_a_move_out_changes_the_households_metric(cast) -> None:
    estate = Estate.objects.get(organisation__cvr="29190909", number=1)
    before = metrics.get("register.households").value("estate", estate.pk, PERIOD)
    assert before is not None
    household = Household.objects.active(on=PERIOD.end).filter(unit__estate=estate).first()
    assert household is not None
    household.moved_out = dt.date(2026, 6, 30)
    household.save(update_fields=["moved_out"])
    assert metrics.get("register.households").value("estate", estate.pk, PERIOD) == before - 1


def test_unknown_metric_and_unsupported_scope() -> None:
    with pytest.raises(UnknownMetric):
        metrics.get("green.co2e_per_m2_not_registered")
    metric = Metric("test.only_estates", "x", "x", frozenset({"estate"}), lambda s, i, p: None)
    metrics.register(metric)
    try:
        with pytest.raises(UnknownMetric):
            metric.value("sector", None, PERIOD)
    finally:
        metrics.unregister("test.only_estates")


def test_period_must_be_ordered() -> None:
    with pytest.raises(ValueError, match="period end before start"):
        Period(dt.date(2026, 2, 1), dt.date(2026, 1, 1))
