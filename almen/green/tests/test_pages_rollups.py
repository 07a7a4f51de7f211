"""Benchmarks (hand-computed percentiles), the organisation's, municipality's and
national roll-ups, the panels and the menu, and what each persona sees.

Benchmark data are for 2023 and 2022, years no other test data has, in a peer group of
their own (district heating, built 1970: 1960–1979, 100 dwellings: 50–199)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from almen.green import footprint
from almen.green import pages_selectors as sel
from almen.green.models import EnergyKind, Meter, MeterUnit, Reading, ReadingSource
from almen.green.testing import MATRIX_YEAR, aware
from almen.lib import menu
from almen.register.models import Building, Estate, Municipality, Organisation

pytestmark = pytest.mark.django_db

ESTATE_A = "/organisationer/29190909/afdelinger/1/groen-drift/"
ORGANISATION_A = "/organisationer/29190909/groen-drift/"
KOBENHAVN = "/kommuner/0101/groen-drift/"
AARHUS = "/kommuner/0751/groen-drift/"
NATIONAL = "/groen-drift/"


def _benchmark_estates(values: list[int], year: int, cvr: str = "55667788") -> list[Estate]:
    """One estate per value: 1,000 m², 100 dwellings, built 1970, a district-heating
    meter read 0 on 1 January and ``value`` × 1,000 kWh on 1 January the year after:
    ``value`` kWh/m² in ``year``."""
    org = Organisation.objects.create(
        cvr=cvr, name=f"Benchmark {cvr}", municipality=Municipality.objects.get(code="0101")
    )
    estates = []
    for n, value in enumerate(values, start=1):
        estate = Estate.objects.create(
            organisation=org, number=n, name=f"B{n}", municipality=org.municipality
        )
        Estate.objects.filter(pk=estate.pk).update(area_m2=1000, unit_count=100)
        Building.objects.create(estate=estate, address=f"Vej {n}", built_year=1970)
        meter = Meter.objects.create(
            estate=estate, number="FV", kind=EnergyKind.DISTRICT_HEATING, unit=MeterUnit.KWH
        )
        for day, reading in ((dt.date(year, 1, 1), 0), (dt.date(year + 1, 1, 1), value * 1000)):
            Reading.objects.create(
                meter=meter, at=aware(day), value=reading, source=ReadingSource.MANUAL
            )
        footprint.meter_refresh([meter.pk])
        estates.append(estate)
    return estates


def test_percentile_in_a_group_of_five() -> None:
    estates = _benchmark_estates([50, 60, 70, 80, 90], 2023)
    # Others lower than 70: 50 and 60, of 4 others: 100 × 2 / 4 = 50.
    b = sel.estate_benchmark(estates[2].pk, 2023)
    assert b is not None
    assert b.size == 5
    assert b.percentile == 50
    # (Each month's share of a year's reading is kept to 4 decimals: 70,000.0003 kWh.)
    r = lambda v: sel.round_half_up(v, 2)  # noqa: E731
    assert r(b.value) == Decimal("70.00")
    assert (r(b.lowest), r(b.median), r(b.highest)) == (50, 70, 90)
    # The best quarter: position (5 − 1) × 0.25 = 1 → 60.
    assert r(b.quartile) == 60
    assert sel.estate_benchmark(estates[0].pk, 2023).percentile == 0  # type: ignore[union-attr]
    assert sel.estate_benchmark(estates[4].pk, 2023).percentile == 100  # type: ignore[union-attr]
    assert b.key == sel.PeerKey(EnergyKind.DISTRICT_HEATING, "1960_1979", "50_199")


def test_no_percentile_for_a_group_of_four(client_for: Callable[[str], Client]) -> None:
    estates = _benchmark_estates([50, 60, 70, 80], 2022)
    b = sel.estate_benchmark(estates[2].pk, 2022)
    assert b is not None and b.size == 4 and b.percentile is None
    page = client_for("sector_staff").get(
        "/organisationer/55667788/afdelinger/3/groen-drift/", {"aar": "2022"}
    )
    text = page.content.decode()
    assert "Gruppen har kun 4 afdelinger, så der beregnes ingen percentil" in text
    assert "percentil</strong>" not in text


def test_the_page_shows_the_percentile_and_the_formula(
    client_for: Callable[[str], Client],
) -> None:
    _benchmark_estates([50, 60, 70, 80, 90], 2023)
    text = (
        client_for("sector_staff")
        .get("/organisationer/55667788/afdelinger/3/groen-drift/", {"aar": "2023"})
        .content.decode()
    )
    assert "70,0 kWh/m² og ligger på <strong>50. percentil</strong>" in text
    assert "Lavere er bedre" in text
    assert "100 × (antal andre med lavere forbrug) ÷ (antal andre)" in text
    assert "5 afdelinger med data" in text
    # The chart's table: the group's median 70,0 and highest 90,0.
    assert '<th scope="row">Gruppens median</th><td class="text-align-right">70,0</td>' in text
    assert '<th scope="row">Højeste i gruppen</th><td class="text-align-right">90,0</td>' in text


def test_benchmarks_are_cached_until_footprints_change() -> None:
    estates = _benchmark_estates([50, 60, 70, 80, 90], 2023)
    sel.benchmarks(2023)
    with CaptureQueriesContext(connection) as cached:
        sel.benchmarks(2023)
    assert len(cached) == 0
    version = sel.green_data_version()
    meter = Meter.objects.get(estate=estates[0])
    Reading.objects.filter(meter=meter, at=aware(dt.date(2024, 1, 1))).update(value=95000)
    footprint.meter_refresh([meter.pk])  # bumps the data version
    assert sel.green_data_version() > version
    # 95 is now the highest: the 70-estate has 50 and 60 below → still 50; 95 → 100.
    assert sel.estate_benchmark(estates[0].pk, 2023).percentile == 100  # type: ignore[union-attr]
    with CaptureQueriesContext(connection) as cold:
        sel.compute_benchmarks(2023)
    assert len(cold) <= 5


def test_compute_benchmarks_is_a_fixed_number_of_queries() -> None:
    _benchmark_estates([50, 60], 2023)
    with CaptureQueriesContext(connection) as few:
        sel.compute_benchmarks(2023)
    _benchmark_estates([70, 80, 90, 100, 110, 120], 2023, cvr="55667799")
    with CaptureQueriesContext(connection) as many:
        sel.compute_benchmarks(2023)
    assert len(many) == len(few)


# --- roll-ups ---------------------------------------------------------------------------


def test_organisation_page(client_for: Callable[[str], Client]) -> None:
    text = client_for("org_staff").get(ORGANISATION_A, {"aar": str(MATRIX_YEAR)}).content.decode()
    # The matrix meter: 120 MWh × 56.95 kg/MWh = 6,834 kg → "6,8" t.
    assert "6,8 t CO2e" in text
    assert "Bispeparken" in text  # estate 1's row (the demo's name)
    assert "Ingen aflæsninger" in text  # estate 2 has none
    assert 'class="almen-chart"' in text


def test_roll_ups_are_one_grouped_query() -> None:
    with CaptureQueriesContext(connection) as q:
        rollup = sel.national_rollup(MATRIX_YEAR)
    assert len(q) == 2  # the grouped months, and the municipalities' names
    kbh = next(r for r in rollup.municipalities if r.extra["code"] == "0101")
    assert kbh.kg_co2e >= Decimal("6834")
    assert kbh.estates >= 1
    assert sum(r.kg_co2e for r in rollup.regions) == sum(r.kg_co2e for r in rollup.municipalities)


def test_municipality_page(client_for: Callable[[str], Client]) -> None:
    officer = client_for("municipality_officer")
    text = officer.get(KOBENHAVN, {"aar": str(MATRIX_YEAR)}).content.decode()
    assert "Boligselskabet Fællesbo" in text
    assert "6,8" in text
    # Another municipality's roll-up: not theirs.
    assert officer.get(AARHUS).status_code == 404
    assert client_for("sector_staff").get(AARHUS).status_code == 200
    assert officer.get("/kommuner/9999/groen-drift/").status_code == 404


def test_the_national_page_hides_small_municipalities_from_the_public(
    client_for: Callable[[str], Client],
) -> None:
    public = client_for("anonymous").get(NATIONAL, {"aar": str(MATRIX_YEAR)}).content.decode()
    # København has one organisation with data: its region shows, it does not.
    assert "Region Hovedstaden" in public
    assert "1 kommune er ikke vist." in public
    assert "Fællesbo" not in public
    sector = client_for("sector_staff").get(NATIONAL, {"aar": str(MATRIX_YEAR)}).content.decode()
    assert "København" in sector.split('id="kommuner"')[1]
    assert "ikke vist" not in sector


# --- what each persona sees -----------------------------------------------------------------


def test_personas_on_the_estate_and_organisation_pages(
    client_for: Callable[[str], Client],
) -> None:
    resident = client_for("resident_a")
    page = resident.get(ESTATE_A, {"aar": str(MATRIX_YEAR)})
    assert page.status_code == 200
    assert "6,8 t CO2e" in page.content.decode()
    # The organisation's page is for its staff, board, municipality and sector.
    assert resident.get(ORGANISATION_A).status_code == 403
    assert client_for("resident_b").get(ESTATE_A).status_code == 403
    assert client_for("other_org_staff").get(ESTATE_A).status_code == 404
    assert client_for("other_org_staff").get(ORGANISATION_A).status_code == 404
    assert client_for("municipality_officer").get(ESTATE_A).status_code == 200


def test_the_estate_section_and_panel(client_for: Callable[[str], Client]) -> None:
    estate_page = client_for("resident_a").get("/organisationer/29190909/afdelinger/1/")
    text = estate_page.content.decode()
    assert "Se afdelingens forbrug og CO2e" in text
    assert "6,8 t CO2e" in text
    org_page = client_for("org_staff").get("/organisationer/29190909/").content.decode()
    assert "Se alle afdelingers forbrug og CO2e" in org_page
    # A resident sees no organisation section.
    resident_org = client_for("resident_a").get("/organisationer/29190909/").content.decode()
    assert "Se alle afdelingers forbrug og CO2e" not in resident_org


def _green_link(client: Client, who: object) -> str:
    from almen.access.policy import principal

    request = client.get("/").wsgi_request
    links = [link for link in menu.links(principal(request)) if link.key.startswith("green.")]
    assert len(links) == 1, who
    return links[0].url


def test_one_menu_item_per_person(client_for: Callable[[str], Client]) -> None:
    expected = {
        "org_staff": ORGANISATION_A,
        "org_board": ORGANISATION_A,
        "estate_board_a": ESTATE_A,
        "resident_a": ESTATE_A,
        "municipality_officer": KOBENHAVN,
        "sector_staff": NATIONAL,
        "anonymous": NATIONAL,
    }
    for who, url in expected.items():
        assert _green_link(client_for(who), who) == url, who


def test_roll_up_pages_have_flat_query_counts(client_for: Callable[[str], Client]) -> None:
    staff = client_for("org_staff")

    def count(url: str) -> int:
        staff.get(url, {"aar": "2023"})
        with CaptureQueriesContext(connection) as q:
            assert staff.get(url, {"aar": "2023"}).status_code == 200
        return len(q)

    sector = client_for("sector_staff")
    before = count(ORGANISATION_A)
    # More estates with months in the organisation: the same queries.
    org = Organisation.objects.get(cvr="29190909")
    for estate in Estate.objects.filter(organisation=org):
        for n in range(3):
            m = Meter.objects.create(
                estate=estate, number=f"Q{n}", kind=EnergyKind.ELECTRICITY, unit=MeterUnit.KWH
            )
            for day, value in ((dt.date(2023, 1, 1), 0), (dt.date(2024, 1, 1), 1000)):
                Reading.objects.create(
                    meter=m, at=aware(day), value=value, source=ReadingSource.MANUAL
                )
            footprint.meter_refresh([m.pk])
    assert count(ORGANISATION_A) == before
    officer = client_for("municipality_officer")
    officer.get(KOBENHAVN, {"aar": "2023"})
    with CaptureQueriesContext(connection) as q:
        assert officer.get(KOBENHAVN, {"aar": "2023"}).status_code == 200
    assert len(q) <= 12
    sector.get(NATIONAL)
    with CaptureQueriesContext(connection) as q:
        sector.get(NATIONAL, {"aar": "2023"})
    assert len(q) <= 12
