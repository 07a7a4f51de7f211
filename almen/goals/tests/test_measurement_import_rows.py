"""The measurement import reads every row of the file, whatever an XLSX sheet's
<dimension> claims, says how many it read, and never reports success for fewer
(issue 6, item 6). Ambiguous numbers are row findings (item 8); big XLSX files are
not parsed in the request (item 3)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import override_settings
from openpyxl import Workbook

from almen.goals import services
from almen.goals.models import Indicator, Measurement
from almen.goals.testing import GOAL_ID, INDICATOR_ID

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def indicator(cast) -> Indicator:
    return Indicator.objects.get(goal__public_id=GOAL_ID, public_id=INDICATOR_ID)


def xlsx(rows: list[list[Any]], *, dimension: str | None = None) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    if dimension is None:
        buffer.seek(0)
        return buffer
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content, n = re.subn(
                    rb'<dimension ref="[^"]+"', f'<dimension ref="{dimension}"'.encode(), content
                )
                assert n == 1
            dst.writestr(info, content)
    out.seek(0)
    return out


FIVE = [["Dato", "Værdi"]] + [[f"{day:02d}-01-2026", f"1{day},5"] for day in range(1, 6)]


@time_machine.travel(TODAY)
def test_all_five_rows_are_saved_despite_an_understated_dimension(indicator) -> None:
    before = Measurement.objects.filter(indicator=indicator).count()
    result = services.measurements_import(
        actor=None, indicator=indicator, fileobj=xlsx(FIVE, dimension="A1:B2")
    )
    assert result.ok, result.findings
    assert result.rows_read == 5
    assert result.created + result.updated == 5
    assert Measurement.objects.filter(indicator=indicator).count() == before + 5
    saved = indicator.measurements.filter(date__year=2026, date__month=1, date__day__lte=5)
    assert sorted(saved.values_list("value", flat=True)) == [
        Decimal("11.5"),
        Decimal("12.5"),
        Decimal("13.5"),
        Decimal("14.5"),
        Decimal("15.5"),
    ]


@time_machine.travel(TODAY)
def test_success_message_states_rows_read(indicator, client_for) -> None:
    url = f"/maal/{GOAL_ID}/indikatorer/{INDICATOR_ID}/import/"
    client = client_for("org_staff")
    file = xlsx(FIVE, dimension="A1:B2")
    file.name = "maalinger.xlsx"
    response = client.post(url, {"file": file}, follow=True)
    assert response.status_code == 200
    assert "5 rækker læst: 5 nye og 0 rettede målinger er gemt." in response.content.decode()


@time_machine.travel(TODAY)
def test_ambiguous_value_is_a_row_finding(indicator) -> None:
    csv = "dato;værdi\n01-01-2026;12,5\n02-01-2026;12.500\n".encode()
    result = services.measurements_import(actor=None, indicator=indicator, fileobj=io.BytesIO(csv))
    assert not result.ok
    ((row, column, message),) = result.findings
    assert (row, column) == (3, "værdi")
    assert "kan læses både som 12500 og 12,5" in message
    assert result.rows_read == 2


@time_machine.travel(TODAY)
def test_big_xlsx_is_not_parsed_in_the_request(indicator) -> None:
    with override_settings(TABULAR_XLSX_INLINE_BYTES=1000):
        result = services.measurements_import(actor=None, indicator=indicator, fileobj=xlsx(FIVE))
    assert not result.ok
    assert "her kan højst" in result.findings[0][2]


@time_machine.travel(TODAY)
def test_unreadable_row_is_a_finding_not_a_500(indicator, client_for) -> None:
    # A CSV field over the csv module's limit (131,072 characters) cannot be read.
    csv = ("dato;værdi;note\n01-01-2026;1;ok\n02-01-2026;2;" + "x" * 200_000 + "\n").encode()
    before = Measurement.objects.filter(indicator=indicator).count()
    result = services.measurements_import(actor=None, indicator=indicator, fileobj=io.BytesIO(csv))
    assert not result.ok
    ((row, _column, message),) = result.findings  # the one unreadable line, nothing else
    assert row == 0 and "Linje 3 kunne ikke læses" in message
    assert Measurement.objects.filter(indicator=indicator).count() == before
    upload = io.BytesIO(csv)
    upload.name = "maalinger.csv"
    response = client_for("org_staff").post(
        f"/maal/{GOAL_ID}/indikatorer/{INDICATOR_ID}/import/", {"file": upload}
    )
    assert response.status_code == 400
