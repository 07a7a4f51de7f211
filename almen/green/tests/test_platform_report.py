"""Grøn drift's section in the report packs, on the metrics test's organisation in
March 2025 (so the figures are 2024's): heat 120,000 kWh = 120 MWh, 6.0 t; electricity
6,000 kWh, 0.36 t; water 120 m³ without a factor; in all 6.36 t, printed 6,4 t. The
board pack's PDF text says so (pdftotext), the handout in plain words; DOCX and XLSX
carry the same table; readers who may not see the figures get no section."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import time_machine
from docx import Document
from openpyxl import load_workbook

from almen.access.policy import Principal
from almen.green.tests.test_platform_metrics import green  # noqa: F401 (a fixture)
from almen.register.models import Estate
from almen.reports import formats, packs
from almen.reports.tests.test_print import pdf_text

pytestmark = pytest.mark.django_db

MARCH_2025 = dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def estate(green: Estate) -> Estate:  # noqa: F811 (the metrics test's estate)
    return green


def _staff(estate: Estate) -> Principal:
    return Principal(user_id=-1, staff_organisations=frozenset({estate.organisation_id}))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@time_machine.travel(MARCH_2025, tick=False)
def test_the_board_pack_has_the_green_figures(estate: Estate) -> None:
    pack = packs.board_pack(_staff(estate), estate.organisation)
    [section] = pack.sections
    assert section.title == "Grøn drift: forbrug og CO2e 2024"
    [table] = section.tables
    assert table.rows == [
        ["Fjernvarme", "120", "MWh", "6,0", "–"],
        ["El", "6.000", "kWh", "0,4", "–"],
        ["Vand", "120", "m³", "–", "–"],
        ["I alt", "", "", "6,4", "–"],
    ]
    text = _flat(pdf_text(formats.render_pdf(pack)))
    assert "Grøn drift: forbrug og CO2e 2024" in text
    assert "I 2024 gav forbruget 6,4 t CO2e." in text
    assert "Fjernvarme 120 MWh 6,0" in text and "El 6.000 kWh 0,4" in text
    assert "I alt 6,4" in text
    # The chart (lib/charts) is there with its title.
    assert "CO2e pr. forsyning i 2024" in formats.pack_html(pack)


@time_machine.travel(MARCH_2025, tick=False)
def test_the_handout_says_it_in_plain_words(estate: Estate) -> None:
    resident = Principal(user_id=-2, resident_estates=frozenset({estate.pk}))
    pack = packs.handout_pack(resident, estate)
    text = _flat(pdf_text(formats.render_pdf(pack)))
    assert (
        "Sidste år brugte afdelingen 120 MWh varme, 6.000 kWh el og 120 m³ vand – det "
        "svarer til 6,4 t CO2e." in text
    )
    assert "Vores forbrug af varme, el og vand" in text


@time_machine.travel(MARCH_2025, tick=False)
def test_docx_and_xlsx_carry_the_table(estate: Estate) -> None:
    pack = packs.board_pack(_staff(estate), estate.organisation)
    document = Document(io.BytesIO(formats.render_docx(pack)))
    paragraphs = [p.text for p in document.paragraphs]
    assert "Grøn drift: forbrug og CO2e 2024" in paragraphs
    assert "I 2024 gav forbruget 6,4 t CO2e." in paragraphs
    cells = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["Fjernvarme", "120", "MWh", "6,0", "–"] in cells
    book = load_workbook(io.BytesIO(formats.render_xlsx(pack)))
    sheet = book["Grøn drift forbrug og CO2e 2024"]  # no ":" in a sheet's name
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Forsyning"
    assert rows[1][:4] == ("Fjernvarme", 120, "MWh", 6)
    assert rows[2][0] == "El" and rows[2][3] == pytest.approx(0.36)
    assert rows[4][0] == "I alt" and rows[4][3] == pytest.approx(6.36)


@time_machine.travel(MARCH_2025, tick=False)
def test_the_municipality_pack_has_the_estates_there(estate: Estate) -> None:
    officer = Principal(user_id=-3, municipalities=frozenset({estate.municipality_id}))
    pack = packs.municipality_pack(officer, estate.organisation, estate.municipality, 2025)
    [section] = pack.sections
    assert section.tables[0].rows[-1] == ["I alt", "", "", "6,4", "–"]


@time_machine.travel(MARCH_2025, tick=False)
def test_no_section_for_outsiders_or_a_year_without_readings(estate: Estate) -> None:
    outsider = Principal(user_id=-4, staff_organisations=frozenset({-1}))
    assert packs.board_pack(outsider, estate.organisation).sections == []
    with time_machine.travel(dt.datetime(2027, 3, 1, tzinfo=dt.UTC), tick=False):
        assert packs.board_pack(_staff(estate), estate.organisation).sections == []


@time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False)
def test_the_year_before_is_compared(estate: Estate) -> None:
    from decimal import Decimal

    from almen.green import footprint
    from almen.green.models import EmissionFactor, Meter
    from almen.green.testing import monthly_readings

    heat = Meter.objects.get(estate=estate, number="FV")
    # 2025: 9 MWh a month (the plant's 2024 factor goes on: 108,000 kWh × 0.05 = 5.4 t).
    last = heat.readings.order_by("-at").first()
    assert last is not None
    last.delete()
    monthly_readings(heat, 2025, Decimal(100 + 120), Decimal(9))
    footprint.meter_refresh([heat.pk])
    assert EmissionFactor.objects.filter(year=2025, supplier=heat.supplier).count() == 0
    pack = packs.board_pack(_staff(estate), estate.organisation)
    [section] = pack.sections
    # 2025: heat 5.4 t only; 2024: 6.36 t. (5.4 − 6.36) / 6.36 = −15 %.
    assert section.tables[0].rows[0] == ["Fjernvarme", "108", "MWh", "5,4", "6,0"]
    assert section.tables[0].rows[1] == ["El", "–", "kWh", "–", "0,4"]
    assert section.tables[0].rows[-1] == ["I alt", "", "", "5,4", "6,4"]
    assert "Året før var det 6,4 t CO2e (-15 procent)." in section.paragraphs
