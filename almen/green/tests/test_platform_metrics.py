"""Grøn drift's metrics, hand-computed on an organisation of their own (in Odense,
where no other test data lives), and a goal indicator bound to ``green.co2e_per_m2``
whose status is computed from the readings.

The estate (``green``, below) for 2024:

- buildings: B1 with a heated area of 1,000 m² and 4 homes; B2 without a heated area
  and 2 homes of 60 and 40 m²: 1,000 + 100 = 1,100 m²;
- 5 households (the sixth home is empty);
- a district-heating meter (MWh, 10 MWh a month = 120,000 kWh a year, the plant's
  factor 0.05 kg/kWh: 6,000 kg), a sub-meter below it (1 MWh a month, not counted),
- an electricity meter (500 kWh a month = 6,000 kWh, its supplier's 0.06: 360 kg),
- a water meter (10 m³ a month = 120 m³, no factor).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from almen.goals import services as goal_services
from almen.goals.models import Commitment, Framework, IndicatorSource
from almen.goals.progress import Direction, Status
from almen.goals.selectors import calculation
from almen.green import footprint
from almen.green.models import (
    DegreeDay,
    DegreeDaySeries,
    EmissionFactor,
    EnergyKind,
    EnergyLabel,
    GreenMeasure,
    MeasureKind,
    Meter,
    MeterUnit,
    MonthlyFootprint,
    Supplier,
)
from almen.green.testing import monthly_readings
from almen.lib import metrics
from almen.lib.metrics import Period
from almen.register.models import Building, Estate, Household, Municipality, Organisation, Unit

pytestmark = pytest.mark.django_db

YEAR_2024 = Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def _value(key: str, scope: str, scope_id: int | None, period: Period = YEAR_2024):
    return metrics.get(key).value(scope, scope_id, period)


def _supplier(name: str, kind: str, year: int, factor: str) -> Supplier:
    supplier = Supplier.objects.create(name=name, kind=kind)
    EmissionFactor.objects.create(
        year=year,
        kind=kind,
        supplier=supplier,
        kg_co2e_per_unit=Decimal(factor),
        source="Test",
    )
    return supplier


def _estate(organisation: Organisation, number: int) -> Estate:
    return Estate.objects.create(
        organisation=organisation,
        number=number,
        name=f"Grøn {number}",
        municipality=organisation.municipality,
    )


@pytest.fixture
def green(db: None) -> Estate:
    odense = Municipality.objects.get(code="0461")
    organisation = Organisation.objects.create(
        cvr="12345674", name="Grøn Bolig", municipality=odense
    )
    estate = _estate(organisation, 1)
    b1 = Building.objects.create(estate=estate, address="Engvej 1", heated_area_m2=Decimal(1000))
    b2 = Building.objects.create(estate=estate, address="Engvej 3")
    homes = [
        Unit.objects.create(
            estate=estate, building=b1, number=f"1-{n}", address="x", rooms=2, area_m2=Decimal(50)
        )
        for n in range(4)
    ]
    homes += [
        Unit.objects.create(
            estate=estate, building=b2, number=f"2-{n}", address="y", rooms=2, area_m2=Decimal(area)
        )
        for n, area in enumerate([60, 40])
    ]
    for home in homes[:5]:
        Household.objects.create(unit=home, moved_in=dt.date(2020, 1, 1))
    heat_supplier = _supplier("Test Fjernvarme", EnergyKind.DISTRICT_HEATING, 2024, "0.05")
    el_supplier = _supplier("Test El", EnergyKind.ELECTRICITY, 2024, "0.06")
    heat = Meter.objects.create(
        estate=estate,
        number="FV",
        kind=EnergyKind.DISTRICT_HEATING,
        unit=MeterUnit.MWH,
        supplier=heat_supplier,
    )
    sub = Meter.objects.create(
        estate=estate,
        number="FV-B",
        kind=EnergyKind.DISTRICT_HEATING,
        unit=MeterUnit.MWH,
        supplier=heat_supplier,
        parent=heat,
    )
    el = Meter.objects.create(
        estate=estate,
        number="EL",
        kind=EnergyKind.ELECTRICITY,
        unit=MeterUnit.KWH,
        supplier=el_supplier,
    )
    water = Meter.objects.create(
        estate=estate, number="V", kind=EnergyKind.WATER, unit=MeterUnit.M3
    )
    monthly_readings(heat, 2024, Decimal(100), Decimal(10))
    monthly_readings(sub, 2024, Decimal(5), Decimal(1))
    monthly_readings(el, 2024, Decimal(1000), Decimal(500))
    monthly_readings(water, 2024, Decimal(0), Decimal(10))
    footprint.meter_refresh([heat.pk, sub.pk, el.pk, water.pk])
    return estate


SCOPES = ["estate", "organisation", "municipality"]


def _ids(estate: Estate) -> dict[str, int]:
    return {
        "estate": estate.pk,
        "organisation": estate.organisation_id,
        "municipality": estate.municipality_id,
    }


@pytest.mark.parametrize("scope", SCOPES)
def test_co2e_total_and_per_m2(green: Estate, scope: str) -> None:
    scope_id = _ids(green)[scope]
    # 6,000 kg heat + 360 kg electricity; the sub-meter's 600 kg are not counted.
    assert _value("green.co2e_total", scope, scope_id) == Decimal("6.360")
    # 6,360 kg / 1,100 m² = 5.7818… kg/m².
    assert _value("green.co2e_per_m2", scope, scope_id) == Decimal("5.78")


def test_sector_includes_the_estate(green: Estate) -> None:
    total = MonthlyFootprint.objects.filter(
        month__year=2024, is_sub_meter=False, kg_co2e__isnull=False
    ).aggregate(kg=Sum("kg_co2e"))["kg"]
    assert _value("green.co2e_total", "sector", None) == (total / 1000).quantize(Decimal("0.001"))
    assert _value("green.co2e_total", "sector", None) >= Decimal("6.360")


def test_a_month_counts_when_its_first_day_is_in_the_period(green: Estate) -> None:
    # 15 January – 1 March: February and March (1 January is before the start).
    period = Period(dt.date(2024, 1, 15), dt.date(2024, 3, 1))
    # 2 × (10,000 kWh × 0.05 + 500 kWh × 0.06) = 2 × 530 = 1,060 kg.
    assert _value("green.co2e_total", "estate", green.pk, period) == Decimal("1.060")


def test_heat_per_m2_raw_without_a_whole_year_of_degree_days(green: Estate) -> None:
    DegreeDaySeries.objects.all().delete()
    # 120,000 kWh / 1,100 m² = 109.09 kWh/m².
    assert _value("green.heat_kwh_per_m2", "estate", green.pk) == Decimal("109.1")
    series = DegreeDaySeries.objects.create(name="Test", source="Test", normal_year=3000)
    DegreeDay.objects.bulk_create(
        [DegreeDay(series=series, month=dt.date(2024, m, 1), value=200) for m in range(1, 12)]
    )
    # Eleven months only: not normalised.
    assert _value("green.heat_kwh_per_m2", "estate", green.pk) == Decimal("109.1")


def test_heat_per_m2_normalised_by_degree_days(green: Estate) -> None:
    DegreeDaySeries.objects.all().delete()
    series = DegreeDaySeries.objects.create(name="Test", source="Test", normal_year=3000)
    # 11 × 200 + 300 = 2,500 degree days in 2024 against 3,000 in a normal year.
    values = [200] * 11 + [300]
    DegreeDay.objects.bulk_create(
        [
            DegreeDay(series=series, month=dt.date(2024, m, 1), value=v)
            for m, v in zip(range(1, 13), values, strict=True)
        ]
    )
    # 120,000 × (0.25 + 0.75 × 3,000 / 2,500) = 120,000 × 1.15 = 138,000 kWh;
    # / 1,100 m² = 125.45 kWh/m².
    assert _value("green.heat_kwh_per_m2", "estate", green.pk) == Decimal("125.5")
    # Half a year is not normalised: 60,000 kWh / 1,100 m² = 54.5.
    half = Period(dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    assert _value("green.heat_kwh_per_m2", "estate", green.pk, half) == Decimal("54.5")


@pytest.mark.parametrize("scope", SCOPES)
def test_per_household(green: Estate, scope: str) -> None:
    scope_id = _ids(green)[scope]
    # 120 m³ / 5 households; 6,000 kWh / 5 households.
    assert _value("green.water_m3_per_household", scope, scope_id) == Decimal("24.00")
    assert _value("green.electricity_kwh_per_household", scope, scope_id) == Decimal("1200")


@pytest.mark.parametrize("scope", SCOPES)
def test_label_c_or_better_share(green: Estate, scope: str) -> None:
    scope_id = _ids(green)[scope]
    b1, b2 = green.buildings.order_by("address")
    assert _value("green.label_c_or_better_share", scope, scope_id) is None  # no labels
    EnergyLabel.objects.create(
        building=b1, label="C", issued_on=dt.date(2020, 1, 1), expires_on=dt.date(2030, 1, 1)
    )
    EnergyLabel.objects.create(
        building=b2, label="B", issued_on=dt.date(2010, 1, 1), expires_on=dt.date(2020, 1, 1)
    )
    # B2's B has expired: 4 of 6 homes = 66.7 %.
    assert _value("green.label_c_or_better_share", scope, scope_id) == Decimal("66.7")
    EnergyLabel.objects.create(
        building=b2, label="D", issued_on=dt.date(2021, 1, 1), expires_on=dt.date(2031, 1, 1)
    )
    assert _value("green.label_c_or_better_share", scope, scope_id) == Decimal("66.7")
    EnergyLabel.objects.create(
        building=b1, label="E", issued_on=dt.date(2024, 6, 1), expires_on=dt.date(2034, 6, 1)
    )
    # B1's newest label (E) is the current one: 0 of 6 homes.
    assert _value("green.label_c_or_better_share", scope, scope_id) == Decimal("0.0")
    # At the end of 2023, B1's C still held.
    y2023 = Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert _value("green.label_c_or_better_share", scope, scope_id, y2023) == Decimal("66.7")


def test_biodiversity_and_measure_count(green: Estate) -> None:
    assert _value("green.biodiversity_m2", "estate", green.pk) is None
    assert _value("green.measure_count", "estate", green.pk) is None
    for kind, area, day in [
        (MeasureKind.WILDFLOWER_MEADOW, Decimal(200), dt.date(2024, 5, 1)),
        (MeasureKind.NEST_BOXES, None, dt.date(2024, 6, 1)),
        (MeasureKind.SOLAR_PANELS, Decimal(50), dt.date(2024, 7, 1)),  # not biodiversity
        (MeasureKind.GREEN_ROOF, Decimal(80), dt.date(2025, 3, 1)),  # after the period
    ]:
        GreenMeasure.objects.create(
            estate=green, kind=kind, title=str(kind), area_m2=area, done_on=day
        )
    assert _value("green.biodiversity_m2", "estate", green.pk) == Decimal("200.00")
    assert _value("green.measure_count", "organisation", green.organisation_id) == Decimal(3)
    may = Period(dt.date(2024, 1, 1), dt.date(2024, 5, 15))
    assert _value("green.measure_count", "estate", green.pk, may) == Decimal(1)
    april = Period(dt.date(2024, 1, 1), dt.date(2024, 4, 30))
    assert _value("green.biodiversity_m2", "estate", green.pk, april) is None


def test_no_data_is_none_not_zero(green: Estate) -> None:
    empty = _estate(green.organisation, 2)
    for metric in metrics.all_metrics():
        if metric.key.startswith("green."):
            assert metric.value("estate", empty.pk, YEAR_2024) is None, metric.key
    # Months without a factor (water only) give no CO2e either.
    Meter.objects.filter(estate=green, parent__isnull=False).delete()
    Meter.objects.filter(estate=green).exclude(kind=EnergyKind.WATER).delete()
    assert _value("green.co2e_total", "estate", green.pk) is None
    assert _value("green.water_m3_per_household", "estate", green.pk) == Decimal("24.00")


def test_metrics_are_registered_with_metadata() -> None:
    keys = [m.key for m in metrics.all_metrics() if m.key.startswith("green.")]
    assert sorted(keys) == sorted(
        [
            "green.co2e_total",
            "green.co2e_per_m2",
            "green.heat_kwh_per_m2",
            "green.water_m3_per_household",
            "green.electricity_kwh_per_household",
            "green.label_c_or_better_share",
            "green.biodiversity_m2",
            "green.measure_count",
        ]
    )
    for key in keys:
        metric = metrics.get(key)
        assert metric.scopes == {"estate", "organisation", "municipality", "sector"}
        assert str(metric.description) and str(metric.source) and str(metric.method)
    assert "graddage" in str(metrics.get("green.heat_kwh_per_m2").method)


def test_each_metric_is_a_bounded_number_of_queries(
    green: Estate, django_assert_max_num_queries
) -> None:
    for metric in metrics.all_metrics():
        if metric.key.startswith("green."):
            with django_assert_max_num_queries(3):
                metric.value("organisation", green.organisation_id, YEAR_2024)


def test_an_indicator_bound_to_co2e_per_m2_gets_its_status_from_the_readings(
    green: Estate,
) -> None:
    framework = Framework.objects.current()
    commitment = Commitment.objects.filter(cornerstone__framework=framework).first()
    assert framework is not None and commitment is not None
    goal = goal_services.goal_create(
        actor=None,
        organisation=green.organisation,
        estate=green,
        framework=framework,
        title="Mindre CO2e",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2028, 12, 31),
        commitments=[commitment],
    )
    indicator = goal_services.indicator_create(
        actor=None,
        goal=goal,
        title="CO2e pr. m²",
        unit="kg CO2e/m²",
        direction=Direction.DECREASE,
        baseline_value=Decimal("6.50"),
        baseline_date=dt.date(2023, 12, 31),
        target_value=Decimal("4.00"),
        target_date=dt.date(2027, 12, 31),
        source=IndicatorSource.METRIC,
        metric_key="green.co2e_per_m2",
    )
    measurement = goal_services.indicator_refresh_from_metric(
        actor=None, indicator=indicator, on=dt.date(2024, 12, 31)
    )
    assert measurement.value == Decimal("5.78")  # 6,360 kg / 1,100 m²
    calc = calculation(indicator)
    # One year (366 days / 365.25) from 6.50 to 5.78: actual = 5.78 / 6.50 − 1 = −0.1108;
    # required over 4 years (1,461 days / 365.25): (4 / 6.5)^(1/4) − 1 = −0.1144;
    # progress = −1 × −0.1108 / 0.1144 ≈ 0.97 ≥ 0.95: substantial progress.
    assert calc.method == "compound"
    assert calc.ratio is not None and 0.95 < calc.ratio < 0.98
    assert calc.status == Status.SUBSTANTIAL
