"""The estate's green page, hand-computed. Every expected number is worked out in the
comment beside it, not by the code under test.

The test estate (its own organisation, so other parts' matrix data never changes the
sums) has, in 2025:

- a district-heating meter H in MWh, 10 MWh a month: 120 MWh = 120,000 kWh, with the
  plant's factor 0.05695 kg CO2e/kWh → 6,834 kg = 6.8 t CO2e;
- a sub-meter of H (1,000 kWh a month), which is not counted again;
- an "other" meter O in kWh without any factor, read 0, 100, 50, 150 on 1 January,
  February, March and April: January 100 kWh, February left out (negative), March
  100 kWh, no readings after 1 April;
- a water meter W (5 m³ a month) read only up to 1 November: November and December
  are missing.

Area 2,000 m², 25 households: 6,834 / 2,000 = 3.417 → "3,4" kg CO2e per m²; 6,834 / 25
= 273.36 → "273" kg per household; heat 120,000 / 2,000 = 60 kWh/m².
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from almen.green import footprint
from almen.green import pages_selectors as sel
from almen.green.models import (
    DegreeDay,
    DegreeDaySeries,
    EmissionFactor,
    EnergyKind,
    Meter,
    MeterUnit,
    Reading,
    ReadingSource,
    Supplier,
)
from almen.green.testing import aware, monthly_readings
from almen.lib.charts import column_chart_svg
from almen.register.models import Building, Estate, Municipality, Organisation, Unit

pytestmark = pytest.mark.django_db

CVR = "11223344"
URL = f"/organisationer/{CVR}/afdelinger/1/groen-drift/"


def _read(meter: Meter, day: dt.date, value: str) -> None:
    Reading.objects.create(
        meter=meter, at=aware(day), value=Decimal(value), source=ReadingSource.MANUAL
    )


def _organisation() -> Organisation:
    return Organisation.objects.create(
        cvr=CVR, name="Testboligerne", municipality=Municipality.objects.get(code="0101")
    )


def _estate(organisation: Organisation, number: int = 1, **counts: object) -> Estate:
    estate = Estate.objects.create(
        organisation=organisation,
        number=number,
        name=f"Testparken {number}",
        municipality=organisation.municipality,
    )
    Estate.objects.filter(pk=estate.pk).update(**counts)
    estate.refresh_from_db()
    return estate


@pytest.fixture
def estate() -> Estate:
    estate = _estate(_organisation(), area_m2=Decimal(2000), household_count=25, unit_count=30)
    plant = Supplier.objects.create(name="Test Fjernvarme", kind=EnergyKind.DISTRICT_HEATING)
    EmissionFactor.objects.create(
        year=2025,
        kind=EnergyKind.DISTRICT_HEATING,
        supplier=plant,
        kg_co2e_per_unit=Decimal("0.05695"),
        source="Test: Fjernvarme Fyn, deklaration 2023",
        source_url="https://example.org/deklaration",
    )
    heat = Meter.objects.create(
        estate=estate,
        number="H-1",
        kind=EnergyKind.DISTRICT_HEATING,
        unit=MeterUnit.MWH,
        supplier=plant,
    )
    monthly_readings(heat, 2025, Decimal(500), Decimal(10))
    sub = Meter.objects.create(
        estate=estate,
        number="H-1-B",
        kind=EnergyKind.DISTRICT_HEATING,
        unit=MeterUnit.KWH,
        supplier=plant,
        parent=heat,
    )
    monthly_readings(sub, 2025, Decimal(0), Decimal(1000))
    other = Meter.objects.create(
        estate=estate, number="O-1", kind=EnergyKind.OTHER, unit=MeterUnit.KWH
    )
    for month, value in ((1, "0"), (2, "100"), (3, "50"), (4, "150")):
        _read(other, dt.date(2025, month, 1), value)
    water = Meter.objects.create(
        estate=estate, number="W-1", kind=EnergyKind.WATER, unit=MeterUnit.M3
    )
    for month in range(1, 12):
        _read(water, dt.date(2025, month, 1), str(5 * (month - 1)))
    footprint.estate_refresh([estate.pk])
    return estate


@pytest.fixture
def sector(client_for: Callable[[str], Client]) -> Client:
    return client_for("sector_staff")


def _series(normal: str = "2906", per_month: str = "250", months: int = 12) -> DegreeDaySeries:
    series = DegreeDaySeries.objects.create(name="DMI Danmark", source="DMI", normal_year=normal)
    for m in range(1, months + 1):
        DegreeDay.objects.create(series=series, month=dt.date(2025, m, 1), value=per_month)
    return series


def test_the_year_in_tons_per_m2_and_per_household(estate: Estate, sector: Client) -> None:
    page = sector.get(URL, {"aar": "2025"}).content.decode()
    # 120,000 kWh × 0.05695 = 6,834 kg = 6.834 t → "6,8 t CO2e".
    assert "6,8 t CO2e" in page
    # 6,834 / 2,000 = 3.417 → "3,4 kg CO2e" per m²; 6,834 / 25 = 273.36 → "273".
    assert "3,4 kg CO2e" in page
    assert "273 kg CO2e" in page
    # Heat shown in MWh: 120 (the sub-meter's 12,000 kWh not added): "120,0 MWh".
    assert "120,0 MWh" in page
    # Heat per m²: 120,000 / 2,000 = 60.0 kWh; per household 120,000 / 25 = 4,800.
    assert "60,0 kWh" in page
    assert "4.800,0 kWh" in page


def test_the_selector_sums(estate: Estate) -> None:
    ey = sel.estate_year(estate, 2025, dt.date(2026, 12, 1))
    heat = ey.heat
    assert heat is not None
    assert heat.consumption == Decimal(120000)
    assert heat.kg_co2e == Decimal("6834.0000")
    assert ey.kg_per_m2 == Decimal("3.417")
    other = next(k for k in ey.kinds if k.kind == EnergyKind.OTHER)
    # January 100 + March 100; February's −50 left out.
    assert other.consumption == Decimal(200)
    assert other.kg_missing
    assert other.negative == 1


def test_the_default_year_is_the_last_complete_one(estate: Estate) -> None:
    assert sel.estate_year(estate, None, dt.date(2026, 3, 1)).year == 2025
    # In 2025 itself, 2025 is not complete yet, but it is the latest with data.
    assert sel.estate_year(estate, None, dt.date(2025, 6, 1)).year == 2025


def test_what_goes_into_the_number(estate: Estate, sector: Client) -> None:
    page = sector.get(URL, {"aar": "2025"}).content.decode()
    assert "Hvad indgår i tallet?" in page
    # Units converted, the factor's value, year, version and source.
    assert "1 MWh = 1.000 kWh" in page
    assert "emissionsfaktor 0,05695 kg CO2e pr. kWh (2025, version 1)" in page
    assert "Test: Fjernvarme Fyn, deklaration 2023" in page
    # The water meter's missing months.
    assert "Måler W-1 mangler aflæsninger for november, december 2025" in page
    # The meter without a factor, its negative interval, and the sub-meter.
    assert "Måler O-1 har ingen emissionsfaktor: forbruget i 2 måneder indgår ikke" in page
    assert "Måler O-1: 1 periode med negativt forbrug er udeladt" in page
    assert "Bimåler H-1-B måler en del af hovedmåler H-1 og er ikke talt med igen" in page
    assert "ingen officiel emissionsfaktor for vand" in page
    # Summer time makes March an hour short: still a whole month of readings.
    assert "Måler H-1 har kun aflæsninger for en del af" not in page


def test_an_older_factor_is_said(estate: Estate, sector: Client) -> None:
    heat = Meter.objects.get(estate=estate, number="H-1")
    for month in range(2, 14):  # 1 February 2026 … 1 January 2027
        day = dt.date(2026 + month // 13, (month - 1) % 12 + 1, 1)
        _read(heat, day, str(620 + 10 * (month - 1)))
    footprint.meter_refresh([heat.pk])
    page = sector.get(URL, {"aar": "2026"}).content.decode()
    assert "Der er ingen faktor for 2026 endnu, så faktoren for 2025 er brugt." in page


def test_heat_normalised_by_degree_days(estate: Estate, sector: Client) -> None:
    _series()
    page = sector.get(URL, {"aar": "2025"}).content.decode()
    # 120,000 × (0.25 + 0.75 × 2,906 / 3,000) = 120,000 × 0.9765 = 117,180 kWh.
    assert "117.180 kWh" in page
    assert "Graddageserie: DMI Danmark" in page
    assert "25 procent af varmen bruges til varmt vand" in page


def test_no_normalisation_without_twelve_months(estate: Estate, sector: Client) -> None:
    _series(months=11)
    page = sector.get(URL, {"aar": "2025"}).content.decode()
    assert "har kun 11 af 12 måneder for 2025" in page


def test_the_series_named_in_settings_is_used(estate: Estate, settings: object) -> None:
    _series()
    other = DegreeDaySeries.objects.create(name="A-station", source="DMI", normal_year=3000)
    for m in range(1, 13):
        DegreeDay.objects.create(series=other, month=dt.date(2025, m, 1), value=250)
    assert sel.degree_days(2025).series == other  # type: ignore[union-attr]  # first by name
    settings.GREEN_DEGREE_DAY_SERIES = "DMI Danmark"  # type: ignore[attr-defined]
    assert sel.degree_days(2025).series.name == "DMI Danmark"  # type: ignore[union-attr]


def test_charts_tables_and_csv_hold_the_numbers(estate: Estate, sector: Client) -> None:
    page = sector.get(URL, {"aar": "2025"}).content.decode()
    assert page.count('class="almen-chart"') >= 3  # months per kind, the trend
    # The heat table: 10 MWh each month ("10,0"); the trend table: 6.834 t → "6,8".
    assert "Fjernvarme pr. måned (MWh)" in page
    assert '<th scope="row">januar</th><td class="text-align-right">10,0</td>' in page
    assert '<th scope="row">2025</th><td class="text-align-right">6,8</td>' in page
    body = sector.get(URL + "maaneder.csv", {"aar": "2025"})
    assert body["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Forsyningsart", "Måned", "Enhed", "2025", "2024"]
    assert ["Fjernvarme", "1", "kWh", "10000", ""] in rows
    co2e = sector.get(URL + "co2e.csv")
    rows = list(csv.reader(io.StringIO(co2e.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["2025", "6834"]


def test_a_bad_year_is_a_400(estate: Estate, sector: Client) -> None:
    for bad in ("abc", "20255", "1800", "-1"):
        response = sector.get(URL, {"aar": bad})
        assert response.status_code == 400
        assert "er ikke et år" in response.content.decode()
    assert sector.get(URL + "maaneder.csv", {"aar": "x"}).status_code == 400


def test_heated_area_replaces_the_dwellings_area(estate: Estate) -> None:
    # 2,000 m² of dwellings; building B has a heated area of 900 m², its dwellings
    # 2 × 400 = 800 m²: 2,000 − 800 + 900 = 2,100 m².
    b = Building.objects.create(estate=estate, address="Testvej 1", heated_area_m2=900)
    for n in (1, 2):
        Unit.objects.create(estate=estate, building=b, number=f"U{n}", area_m2=400, rooms=3)
    assert sel.estate_area(estate) == Decimal(2100)
    assert sel.areas_for(sel.Q(pk=estate.pk)) == {estate.pk: Decimal(2100)}


def _queries(client: Client, url: str) -> int:
    """The queries of the page computed afresh (its content is cached per green data
    version: a warm page makes none of its own), with the session, the menu and the
    year's benchmark warm."""
    client.get(url, {"aar": "2025"})
    sel.green_data_changed()
    sel.benchmarks(2025)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, {"aar": "2025"}).status_code == 200
    return len(captured)


def test_query_count_is_flat(
    estate: Estate, sector: Client, django_assert_max_num_queries: Callable
) -> None:
    few = _queries(sector, URL)
    assert few >= 10  # computed, not served from the cache
    # Many more meters and months: the same number of queries.
    for n in range(8):
        m = Meter.objects.create(
            estate=estate, number=f"X-{n}", kind=EnergyKind.ELECTRICITY, unit=MeterUnit.KWH
        )
        monthly_readings(m, 2024, Decimal(0), Decimal(100))
        Reading.objects.filter(meter=m, at=aware(dt.date(2025, 1, 1))).delete()
        monthly_readings(m, 2025, Decimal(1200), Decimal(100))
        footprint.meter_refresh([m.pk])
    assert _queries(sector, URL) == few
    # 12 today: the session, user and roles, the menu's places, the estate, its years,
    # meters, the two years' months, negative intervals, area and degree days.
    sel.green_data_changed()
    sel.benchmarks(2025)
    with django_assert_max_num_queries(14):
        sector.get(URL, {"aar": "2025"})


def test_column_chart_draws_two_series() -> None:
    svg = column_chart_svg(
        title="T",
        description="D",
        categories=["jan", "feb"],
        series=[("2025", [10.0, None]), ("2024", [5.0, 20.0])],
        unit="MWh",
    )
    assert svg.count("<rect") == 2 + 3  # two legend swatches, three columns
    assert "<title" in svg and "2024" in svg
    assert column_chart_svg(title="T", description="D", categories=[], series=[]) == ""


def test_the_page_in_english(estate: Estate, sector: Client) -> None:
    from django.conf import settings

    sector.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = sector.get(URL, {"aar": "2025"}).content.decode()
    assert "What goes into this number?" in page
    assert "Meter W-1 has no readings for" in page
    assert "Compared with similar estates" in page
