"""Issue 10's journey: the organisation's staff uploads a supplier's CSV with a bad row,
sees the finding with its row number, fixes the file, commits it and sees the estate's
monthly table fill in; then the estate board binds an estate goal's indicator to "CO2e
pr. m²" and sees the number Almen computed and its status. axe-core runs on every page
on the way (``Visit``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from almen.accounts.tests.helpers import demo_totp_code, forget_used_totp
from almen.goals import services as goal_services
from almen.goals.models import Commitment, Framework, Indicator
from almen.goals.progress import Direction
from almen.green.models import (
    EmissionFactor,
    EnergyKind,
    Meter,
    MeterMode,
    MeterUnit,
    Reading,
    ReadingSource,
    Supplier,
)
from almen.green.testing import aware
from almen.lib import metrics
from almen.register.demo import DEMO_PASSWORD, personas
from almen.register.models import Estate

pytestmark = pytest.mark.browser

CVR = "29190909"
HEADER = "målernummer;dato;aflæsning\n"


@pytest.fixture
def estate(site: str) -> Estate:
    estate = Estate.objects.select_related("organisation").get(organisation__cvr=CVR, number=1)
    # Its own plant and declaration: a live test's teardown empties the tables the
    # migrations filled (the shipped factor table among them).
    plant = Supplier.objects.create(name="Rejsens Fjernvarme", kind=EnergyKind.DISTRICT_HEATING)
    EmissionFactor.objects.create(
        year=2025,
        kind=EnergyKind.DISTRICT_HEATING,
        supplier=plant,
        kg_co2e_per_unit=Decimal("0.05695"),
        source="Test: som Fjernvarme Fyns deklaration 2023",
    )
    meter = Meter.objects.create(
        estate=estate,
        number="FV-100",
        name="Fjernvarme, hovedmåler",
        kind=EnergyKind.DISTRICT_HEATING,
        unit=MeterUnit.MWH,
        mode=MeterMode.CUMULATIVE,
        supplier=plant,
    )
    for month, value in ((1, 1000), (2, 1100), (3, 1200), (4, 1300)):
        Reading.objects.create(
            meter=meter,
            at=aware(dt.date(2025, month, 1)),
            value=Decimal(value),
            source=ReadingSource.MANUAL,
        )
    from almen.green import footprint

    footprint.meter_refresh([meter.pk])
    return estate


def _login(tab: Any, key: str) -> None:
    persona = personas()[key]
    tab.goto("/konto/login/")
    if not tab.page.get_by_label("E-mail", exact=True).count():
        return  # still logged in
    tab.key_fill("E-mail", persona.email)
    tab.key_fill("Adgangskode", DEMO_PASSWORD)
    tab.key_activate("Log ind")
    if key == "org_staff":
        assert persona.user is not None
        code = demo_totp_code()
        forget_used_totp(persona.user.pk, code)
        tab.key_fill("Kode", code)
        tab.key_activate("Log ind")


def _upload(tab: Any, text: str) -> None:
    tab.goto(f"/organisationer/{CVR}/groen-drift/import/")
    tab.page.get_by_label("Fil (CSV eller XLSX)", exact=True).set_input_files(
        files=[{"name": "fjernvarme.csv", "mimeType": "text/csv", "buffer": text.encode("cp1252")}]
    )
    tab.key_activate("Upload og kontrollér")
    tab.axe()


def _month_cell(tab: Any, month: str) -> str:
    table = tab.page.locator("table", has=tab.page.locator("#tbl-maaned-district_heating"))
    row = table.locator("tr", has=tab.page.locator("th", has_text=month))
    return row.locator("td").first.inner_text().strip()


def _mwh(cell: str) -> Decimal:
    return Decimal(0) if cell == "–" else Decimal(cell.replace(".", "").replace(",", "."))


def test_staff_imports_a_supplier_file_and_the_board_binds_co2e_per_m2(
    visit: Any, estate: Estate
) -> None:
    staff = visit()
    _login(staff, "org_staff")
    page = f"/organisationer/{CVR}/afdelinger/1/groen-drift/?aar=2025"
    staff.goto(page)
    # The estate may have other heat meters: what the file adds is what counts.
    before = {m: _mwh(_month_cell(staff, m)) for m in ("april", "maj")}

    # A supplier export, Danish style: thousands dot, decimal comma; row 3 is broken.
    _upload(staff, HEADER + "FV-100;01-05-2025;1.400,0\nFV-100;01-06-2025;mange\n")
    main = staff.page.locator("main").inner_text()
    assert "Filen er afvist, og intet er gemt" in main
    rows = staff.page.locator("table", has=staff.page.locator("caption", has_text="Fund"))
    first = rows.locator("tbody tr").first.locator("td")
    assert first.nth(0).inner_text().strip() == "3"  # the row as the person sees it
    assert first.nth(2).inner_text().strip() == "Fejl"
    assert not Reading.objects.filter(meter__number="FV-100", at__gte=aware(dt.date(2025, 5, 1)))

    # Fixed, uploaded again, and committed.
    _upload(staff, HEADER + "FV-100;01-05-2025;1.400,0\nFV-100;01-06-2025;1.500,0\n")
    staff.key_activate("Godkend og gem")
    assert Reading.objects.filter(meter__number="FV-100").count() == 6
    staff.goto(page)
    after = {m: _mwh(_month_cell(staff, m)) for m in ("april", "maj")}
    assert after["april"] - before["april"] == 100  # 1,300 → 1,400 MWh
    assert after["maj"] - before["maj"] == 100  # 1,400 → 1,500 MWh

    # The estate board binds its goal's indicator to the computed CO2e per m².
    framework = Framework.objects.current()
    assert framework is not None
    goal = goal_services.goal_create(
        actor=None,
        organisation=estate.organisation,
        estate=estate,
        framework=framework,
        title="Mindre CO2e fra varmen",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2028, 12, 31),
        commitments=[Commitment.objects.get(cornerstone__framework=framework, code="2.4")],
    )
    indicator = goal_services.indicator_create(
        actor=None,
        goal=goal,
        title="CO2e pr. m²",
        unit="kg CO2e/m²",
        direction=Direction.DECREASE,
        baseline_value=Decimal("500"),
        baseline_date=dt.date(2024, 12, 31),
        target_value=Decimal("100"),
        target_date=dt.date(2028, 12, 31),
    )
    board = visit()
    _login(board, "estate_board_a")
    board.goto(f"/maal/{goal.public_id}/indikatorer/{indicator.public_id}/rediger/")
    board.page.locator("select[name=source]").select_option("metric")
    board.page.locator("select[name=metric_key]").select_option("green.co2e_per_m2")
    board.key_activate("Gem indikator")
    indicator = Indicator.objects.get(pk=indicator.pk)
    assert indicator.metric_key == "green.co2e_per_m2"
    expected = metrics.get("green.co2e_per_m2").value(
        "estate", estate.pk, metrics.Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    )
    assert expected is not None
    measurement = indicator.measurements.get(date=dt.date(2025, 12, 31))
    assert measurement.value == expected
    board.goto(f"/maal/{goal.public_id}/")
    text = board.page.locator("main").inner_text()
    assert "CO2e pr. m²" in text
    assert "Ingen måling efter udgangspunktet endnu" not in text  # a computed status
