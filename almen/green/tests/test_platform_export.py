"""The organisation's XLSX footprint: rows per estate × kind × month with the factor
version, hand-computed on the metrics test's estate (2024: heat 10 MWh a month at
0.05 kg/kWh, electricity 500 kWh at 0.06, water 10 m³ without a factor, a heat
sub-meter that is not counted), and who may download it."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from almen.green import platform_export
from almen.green.tests.test_platform_metrics import green  # noqa: F401 (a fixture)
from almen.register.models import Estate

pytestmark = pytest.mark.django_db

URL = "/organisationer/29190909/groen-drift/eksport.xlsx"


@pytest.fixture
def estate(green: Estate) -> Estate:  # noqa: F811 (the metrics test's estate)
    return green


def _sheets(content: bytes) -> list[list[tuple]]:
    book = load_workbook(io.BytesIO(content))
    return [list(ws.iter_rows(values_only=True)) for ws in book.worksheets]


def test_rows_per_estate_kind_and_month(estate: Estate) -> None:
    months, factors = _sheets(platform_export.workbook_bytes(estate.organisation))
    assert months[0][:4] == ("Afdeling nr.", "Afdeling", "Forsyningsart", "Måned")
    body = months[1:]
    assert len(body) == 3 * 12  # heat, electricity and water, 12 months each
    by_key = {(r[2], r[3].date() if isinstance(r[3], dt.datetime) else r[3]): r for r in body}
    heat = by_key[("Fjernvarme", dt.date(2024, 1, 1))]
    # 10 MWh = 10,000 kWh (the sub-meter's 1 MWh is not added); × 0.05 = 500 kg.
    assert heat[0] == 1 and heat[1] == "Grøn 1"
    assert Decimal(str(heat[4])) == Decimal(10000) and heat[5] == "kWh"
    assert Decimal(str(heat[6])) == Decimal(500)
    assert Decimal(str(heat[7])) == Decimal("0.05") and heat[8] == "2024 v1"
    assert (heat[9], heat[10]) == (1, 0)
    el = by_key[("El", dt.date(2024, 6, 1))]
    assert Decimal(str(el[4])) == Decimal(500) and Decimal(str(el[6])) == Decimal(30)
    water = by_key[("Vand", dt.date(2024, 12, 1))]
    assert Decimal(str(water[4])) == Decimal(10) and water[5] == "m³"
    assert water[6] is None and water[7] is None and water[10] == 0
    # One row per factor version used, with its source.
    assert [r[:2] for r in factors[1:]] == [(2024, "Fjernvarme"), (2024, "El")]
    assert factors[1][7] == "Test" and factors[1][9] == "Nej"


def test_staff_and_board_download(client_for) -> None:
    for persona in ("org_staff", "org_board"):
        response = client_for(persona).get(URL)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert response["Content-Disposition"].startswith('attachment; filename="groen-drift-')
        assert "no-store" in response["Cache-Control"]
        months, _factors = _sheets(response.content)
        assert months[0][0] == "Afdeling nr."
        assert any(r[2] == "Fjernvarme" for r in months[1:])  # the matrix meter's months


def test_readers_and_outsiders_do_not(client_for) -> None:
    assert client_for("municipality_officer").get(URL).status_code == 403
    assert client_for("resident_a").get(URL).status_code == 403
    assert client_for("other_org_staff").get(URL).status_code == 404
    assert client_for("anonymous").get(URL).status_code == 302
    assert client_for("org_staff").get(URL.replace("29190909", "00000000")).status_code == 404


def test_a_cell_that_looks_like_a_formula_is_neutralised(estate: Estate) -> None:
    estate.name = "=HYPERLINK(1)"
    estate.save()
    months, _factors = _sheets(platform_export.workbook_bytes(estate.organisation))
    assert not str(months[1][1]).startswith("=")


def test_the_export_is_a_fixed_number_of_queries(
    estate: Estate, django_assert_max_num_queries
) -> None:
    # The factors used, then the months in one pass: however many estates and months.
    with django_assert_max_num_queries(2):
        platform_export.workbook_bytes(estate.organisation)
