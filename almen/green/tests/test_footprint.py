"""Hand-computed cases for the core of grøn drift: units, factors, meter exchanges,
sub-meters, spreading over months and degree-day normalisation. Every expected
number is worked out in the comment beside it, not by the code under test."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from almen.green import footprint, units
from almen.green.models import (
    DegreeDay,
    DegreeDaySeries,
    EmissionFactor,
    EnergyKind,
    Meter,
    MeterExchange,
    MeterMode,
    MeterUnit,
    MonthlyFootprint,
    PriceArea,
    Reading,
    ReadingSource,
    Supplier,
)
from almen.green.testing import aware, monthly_readings
from almen.register.models import Estate, Region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _without_shipped_factors(db: None) -> None:
    """These cases build their own factors: the default national table (migration
    0002_factors_default) and the matrix's factors would answer them otherwise. Only
    factors no footprint month names are removed (the matrix meter's stay)."""
    used = MonthlyFootprint.objects.exclude(factor=None).values("factor_id")
    EmissionFactor.objects.exclude(pk__in=used).delete()
    Supplier.objects.filter(organisation=None, name="Fjernvarme Fyn").delete()


def _estate() -> Estate:
    return Estate.objects.get(organisation__cvr="29190909", number=2)


def _meter(**kw) -> Meter:  # type: ignore[no-untyped-def,unused-ignore]
    defaults = {
        "estate": _estate(),
        "number": "T-1",
        "kind": EnergyKind.DISTRICT_HEATING,
        "unit": MeterUnit.KWH,
        "mode": MeterMode.CUMULATIVE,
    }
    defaults.update(kw)
    return Meter.objects.create(**defaults)


def _read(meter: Meter, day: dt.date, value: str) -> None:
    Reading.objects.create(
        meter=meter, at=aware(day), value=Decimal(value), source=ReadingSource.MANUAL
    )


# --- units ----------------------------------------------------------------------------


def test_mwh_and_gj_to_kwh() -> None:
    heat = EnergyKind.DISTRICT_HEATING
    assert units.to_base(heat, MeterUnit.MWH, Decimal("1.5")) == Decimal("1500")
    # 3.6 GJ = 3.6e9 J = 1,000 kWh (1 kWh = 3.6e6 J).
    assert units.to_base(heat, MeterUnit.GJ, Decimal("3.6")) == Decimal("1000")
    # 1 GJ = 277.78 kWh (rounded).
    assert units.to_base(heat, MeterUnit.GJ, Decimal(1)).quantize(Decimal("0.01")) == Decimal(
        "277.78"
    )
    assert units.convert(heat, Decimal("500"), MeterUnit.KWH, MeterUnit.MWH) == Decimal("0.5")


def test_litres_to_cubic_metres_and_gas_stays_in_nm3() -> None:
    assert units.to_base(EnergyKind.WATER, MeterUnit.LITRE, Decimal("2500")) == Decimal("2.5")
    assert units.to_base(EnergyKind.NATURAL_GAS, MeterUnit.NM3, Decimal("10")) == Decimal("10")


def test_a_unit_of_another_kind_is_refused() -> None:
    with pytest.raises(units.UnitMismatch) as exc:
        units.to_base(EnergyKind.WATER, MeterUnit.GJ, Decimal(1))
    assert "GJ" in exc.value.message and "vand" in exc.value.message
    with pytest.raises(units.UnitMismatch):
        units.check_unit(EnergyKind.ELECTRICITY, MeterUnit.M3)
    assert units.parse_unit(" Nm³ ") == MeterUnit.NM3
    assert units.parse_unit("MWH") == MeterUnit.MWH
    assert units.parse_unit("tons") is None


def test_price_area_from_region() -> None:
    assert footprint.price_area_for_region(Region.SYDDANMARK) == PriceArea.DK1  # Funen
    assert footprint.price_area_for_region(Region.NORDJYLLAND) == PriceArea.DK1
    assert footprint.price_area_for_region(Region.HOVEDSTADEN) == PriceArea.DK2  # incl. Bornholm
    assert footprint.price_area_for_region(Region.SJAELLAND) == PriceArea.DK2


# --- consumption ----------------------------------------------------------------------


def test_a_reading_mid_month_is_spread_by_time() -> None:
    # 15 March 00:00 → 15 April 00:00 is 31 days: 17 in March (15th–31st), 14 in April.
    # 310 kWh over 31 days = 10 kWh a day: March 170, April 140.
    series = footprint.cumulative_series(
        [(aware(dt.date(2024, 3, 15)), Decimal(0)), (aware(dt.date(2024, 4, 15)), Decimal(310))]
    )
    assert series.consumption[dt.date(2024, 3, 1)] == Decimal(170)
    assert series.consumption[dt.date(2024, 4, 1)] == Decimal(140)
    # March is covered from the 15th: 17 of 31 days.
    assert series.coverage(dt.date(2024, 3, 1)) == Decimal("0.5484")


def test_a_replaced_meter_continues_the_series() -> None:
    meter = _meter(unit=MeterUnit.MWH)
    _read(meter, dt.date(2024, 1, 1), "1000")
    _read(meter, dt.date(2024, 2, 1), "1100")
    # Replaced on 15 February: the old meter ended at 1150, the new one starts at 0.
    MeterExchange.objects.create(
        meter=meter,
        on=aware(dt.date(2024, 2, 15)),
        old_end=Decimal("1150"),
        new_start=Decimal("0"),
        old_number="T-1",
        new_number="T-2",
    )
    _read(meter, dt.date(2024, 3, 1), "60")
    series = footprint.meter_series(meter)
    # January: 1100 − 1000 = 100 MWh. February: old 1150 − 1100 = 50, new 60 − 0 = 60.
    assert series.consumption[dt.date(2024, 1, 1)] == Decimal(100)
    assert series.consumption[dt.date(2024, 2, 1)] == Decimal(110)
    assert series.rejected == 0


def test_a_negative_difference_without_exchange_is_left_out_and_counted() -> None:
    series = footprint.cumulative_series(
        [
            (aware(dt.date(2024, 1, 1)), Decimal(500)),
            (aware(dt.date(2024, 2, 1)), Decimal(400)),  # a rollover or a silent swap
            (aware(dt.date(2024, 3, 1)), Decimal(450)),
        ]
    )
    assert dt.date(2024, 1, 1) not in series.consumption
    assert series.consumption[dt.date(2024, 2, 1)] == Decimal(50)
    assert series.rejected == 1


def test_interval_readings_are_consumption() -> None:
    series = footprint.interval_series(
        [
            (aware(dt.date(2024, 1, 1)), aware(dt.date(2024, 2, 1)), Decimal(30)),
            (aware(dt.date(2024, 2, 1)), aware(dt.date(2024, 3, 1)), Decimal(25)),
        ]
    )
    assert series.consumption == {dt.date(2024, 1, 1): 30, dt.date(2024, 2, 1): 25}
    assert series.coverage(dt.date(2024, 2, 1)) == Decimal(1)


# --- CO2e -----------------------------------------------------------------------------


def test_district_heating_uses_the_plant_declaration() -> None:
    plant = Supplier.objects.create(name="Fjernvarme Fyn", kind=EnergyKind.DISTRICT_HEATING)
    # Fjernvarme Fyn 2023: 56.95 kg CO2e/MWh = 0.05695 kg/kWh. A national average of
    # another value must not be used when the plant has one.
    EmissionFactor.objects.create(
        year=2023,
        kind=EnergyKind.DISTRICT_HEATING,
        supplier=plant,
        kg_co2e_per_unit=Decimal("0.05695"),
        source="Fjernvarme Fyn, deklaration 2023",
    )
    EmissionFactor.objects.create(
        year=2023,
        kind=EnergyKind.DISTRICT_HEATING,
        kg_co2e_per_unit=Decimal("0.100"),
        source="national test value",
    )
    meter = _meter(unit=MeterUnit.MWH, supplier=plant)
    monthly_readings(meter, 2023, Decimal(0), Decimal(10))  # 10 MWh a month
    footprint.meter_refresh([meter.pk])
    [heat] = footprint.totals_by_kind("estate", meter.estate_id, 2023)
    # 120 MWh = 120,000 kWh × 0.05695 kg/kWh = 6,834 kg CO2e.
    assert heat.consumption == Decimal(120000)
    assert heat.kg_co2e == Decimal("6834")
    month = MonthlyFootprint.objects.filter(meter=meter).first()
    assert month is not None and month.factor is not None
    assert month.factor.supplier_id == plant.pk and month.factor.version == 1


def test_natural_gas_in_nm3() -> None:
    # Evida/Energinet 2023: 2.2627 kg CO2/Nm³. 1,000 Nm³ → 2,262.7 kg.
    EmissionFactor.objects.create(
        year=2023,
        kind=EnergyKind.NATURAL_GAS,
        kg_co2e_per_unit=Decimal("2.2627"),
        source="Evida 2023",
    )
    meter = _meter(kind=EnergyKind.NATURAL_GAS, unit=MeterUnit.NM3, number="GAS-1")
    _read(meter, dt.date(2023, 1, 1), "5000")
    _read(meter, dt.date(2023, 2, 1), "6000")
    footprint.meter_refresh([meter.pk])
    [gas] = footprint.totals_by_kind("estate", meter.estate_id, 2023)
    assert gas.consumption == Decimal(1000) and gas.unit == MeterUnit.NM3
    assert gas.kg_co2e == Decimal("2262.7")


def test_electricity_uses_its_price_area_and_an_earlier_year_when_the_year_has_none() -> None:
    EmissionFactor.objects.create(
        year=2023,
        kind=EnergyKind.ELECTRICITY,
        price_area=PriceArea.DK1,
        kg_co2e_per_unit=Decimal("0.100"),
        source="DK1 test",
    )
    EmissionFactor.objects.create(
        year=2023,
        kind=EnergyKind.ELECTRICITY,
        price_area=PriceArea.DK2,
        kg_co2e_per_unit=Decimal("0.200"),
        source="DK2 test",
    )
    meter = _meter(
        kind=EnergyKind.ELECTRICITY, unit=MeterUnit.KWH, number="EL-1", price_area=PriceArea.DK2
    )
    _read(meter, dt.date(2024, 1, 1), "0")
    _read(meter, dt.date(2024, 2, 1), "1000")
    footprint.meter_refresh([meter.pk])
    # 2024 has no factor: 2023's DK2 factor, 1,000 kWh × 0.2 = 200 kg.
    [el] = footprint.totals_by_kind("estate", meter.estate_id, 2024)
    assert el.kg_co2e == Decimal(200)


def test_a_sub_meter_is_not_counted_twice() -> None:
    main = _meter(number="MAIN", kind=EnergyKind.WATER, unit=MeterUnit.M3)
    sub = _meter(number="SUB", kind=EnergyKind.WATER, unit=MeterUnit.M3, parent=main)
    monthly_readings(main, 2024, Decimal(0), Decimal(100))  # 1,200 m³ a year
    monthly_readings(sub, 2024, Decimal(0), Decimal(40))  # part of the 1,200
    footprint.meter_refresh([main.pk, sub.pk])
    [water] = footprint.totals_by_kind("estate", main.estate_id, 2024)
    assert water.consumption == Decimal(1200)  # not 1,680
    assert MonthlyFootprint.objects.filter(meter=sub, is_sub_meter=True).count() == 12


def test_a_new_factor_version_is_used_after_refresh() -> None:
    meter = _meter(kind=EnergyKind.NATURAL_GAS, unit=MeterUnit.NM3, number="GAS-2")
    _read(meter, dt.date(2022, 1, 1), "0")
    _read(meter, dt.date(2022, 2, 1), "100")
    old = EmissionFactor.objects.create(
        year=2022,
        kind=EnergyKind.NATURAL_GAS,
        kg_co2e_per_unit=Decimal("2.0"),
        source="first",
    )
    footprint.meter_refresh([meter.pk])
    assert footprint.totals_by_kind("estate", meter.estate_id, 2022)[0].kg_co2e == Decimal(200)
    from django.utils import timezone

    old.superseded_at = timezone.now()
    old.save()
    EmissionFactor.objects.create(
        year=2022,
        kind=EnergyKind.NATURAL_GAS,
        version=2,
        kg_co2e_per_unit=Decimal("2.2326"),
        source="Evida 2022",
    )
    footprint.meter_refresh([meter.pk])
    # 100 Nm³ × 2.2326 = 223.26 kg, and the month names version 2.
    assert footprint.totals_by_kind("estate", meter.estate_id, 2022)[0].kg_co2e == Decimal("223.26")
    assert MonthlyFootprint.objects.get(meter=meter).factor.version == 2  # type: ignore[union-attr]


def test_water_without_a_factor_is_not_a_missing_factor() -> None:
    meter = _meter(kind=EnergyKind.WATER, unit=MeterUnit.M3, number="W-1")
    _read(meter, dt.date(2024, 1, 1), "0")
    _read(meter, dt.date(2024, 2, 1), "80")
    footprint.meter_refresh([meter.pk])
    [water] = footprint.totals_by_kind("estate", meter.estate_id, 2024)
    assert water.kg_co2e == 0 and water.months_without_factor == 0


# --- degree days ----------------------------------------------------------------------


def test_degree_day_normalisation() -> None:
    series = DegreeDaySeries.objects.create(name="Test", source="test", normal_year=Decimal("2906"))
    # A mild year: 12 months adding up to 2,500 degree days (200 × 11 + 300).
    for m in range(1, 13):
        DegreeDay.objects.create(
            series=series, month=dt.date(2024, m, 1), value=Decimal(300 if m == 1 else 200)
        )
    # 100,000 kWh × (0.25 + 0.75 × 2906 / 2500) = 100,000 × (0.25 + 0.8718) = 112,180 kWh.
    result = footprint.normalised_heat(Decimal(100000), 2024, series)
    assert result is not None
    assert result.quantize(Decimal(1)) == Decimal(112180)
    # With a month missing there is no normalisation, rather than a wrong one.
    DegreeDay.objects.filter(series=series, month=dt.date(2024, 12, 1)).delete()
    assert footprint.normalised_heat(Decimal(100000), 2024, series) is None
