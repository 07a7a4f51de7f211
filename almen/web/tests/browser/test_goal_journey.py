"""Issue 3's journey: organisation staff adopts another organisation's published goal,
adapts its target, uploads an XLSX of measurements, writes the indstilling and downloads
the board PDF — with axe-core on every page on the way, and the public pages of Almene
mål checked too."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from almen.accounts.tests.helpers import demo_totp_code, forget_used_totp
from almen.goals.models import Goal, GoalStatus, Measurement
from almen.goals.testing import aarhus_published_goal
from almen.register.demo import DEMO_PASSWORD, personas

pytestmark = pytest.mark.browser


@pytest.fixture
def published_goal(site: str) -> Goal:
    """Aarhus' published goal, the one our staff will adopt."""
    return aarhus_published_goal(local_context="Bygningerne fra 1970'erne bruger meget varme.")


def _xlsx(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Dato", "Værdi", "Note"])
    sheet.append([dt.date(2025, 6, 30), 124.5, "Første halvår"])
    sheet.append([dt.date(2025, 12, 31), 118, "Efter indregulering"])
    sheet.append(["30-06-2026", "112,5", ""])
    workbook.save(path)
    return path


def _login_staff(tab: Any) -> None:
    staff = personas()["org_staff"]
    assert staff.user is not None
    tab.goto("/konto/login/")
    tab.page.get_by_label("E-mail", exact=True).fill(staff.email)
    tab.page.get_by_label("Adgangskode", exact=True).fill(DEMO_PASSWORD)
    tab.click("Log ind", role="button")
    code = demo_totp_code()
    forget_used_totp(staff.user.pk, code)
    tab.page.get_by_label("Kode", exact=True).fill(code)
    tab.click("Log ind", role="button")
    tab.page.get_by_role("heading", name=f"Hej {staff.user.get_short_name()}").wait_for()


def test_staff_adopts_adapts_measures_and_reports(
    visit: Any, published_goal: Goal, tmp_path: Path
) -> None:
    tab = visit()
    _login_staff(tab)

    # Find the goal in the inspiration library and adopt it.
    tab.goto("/inspiration/?commitment=2.4")
    tab.click(published_goal.title)
    tab.click("Brug dette mål hos jer")
    tab.page.get_by_label("Hvor skal målet ligge?").select_option(
        label="Boligselskabet Fællesbo – hele organisationen"
    )
    tab.click("Kopiér målet", role="button")
    assert "Kopieret fra" in tab.page.content()
    copy = Goal.objects.get(inspired_by=published_goal)
    assert copy.organisation.cvr == "29190909" and copy.status == GoalStatus.DRAFT

    # Adapt it: adopt the goal, then lower the target.
    tab.page.get_by_label("Status", exact=True).select_option("adopted")
    tab.click("Gem mål", role="button")
    tab.page.get_by_role("heading", name=published_goal.title, level=1).wait_for()
    tab.click("Ret indikator")
    tab.page.get_by_label("Mål", exact=True).fill("95")
    tab.click("Gem indikator", role="button")
    indicator = copy.indicators.get()
    assert indicator.target_value == Decimal(95)

    # Upload an XLSX of measurements.
    tab.click("Importér målinger fra CSV eller XLSX")
    tab.page.get_by_label("Fil med målinger (CSV eller XLSX)").set_input_files(
        str(_xlsx(tmp_path / "maalinger.xlsx"))
    )
    tab.click("Importér", role="button")
    assert "3 nye og 0 rettede målinger er gemt" in tab.page.content()
    assert Measurement.objects.filter(indicator=indicator).count() == 3
    assert "Godt på vej" in tab.page.content() or "Nogen fremgang" in tab.page.content()

    # Write the administration's "indstilling", then download the board report as PDF
    # (a POST), under its Danish name.
    tab.goto("/rapporter/organisationer/29190909/")
    tab.click("Skriv en indstilling til bestyrelsen")
    tab.page.get_by_label("Indstilling").fill("Vi indstiller, at bestyrelsen godkender rapporten.")
    tab.click("Gem indstilling", role="button")
    assert "Indstillingen er gemt" in tab.page.content()
    with tab.page.expect_download() as download:
        tab.page.get_by_role("button", name="Rapport til bestyrelsen (PDF)").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert download.value.suggested_filename.startswith(
        "bestyrelsesrapport-boligselskabet-fællesbo-"
    )


def test_public_pages_of_almene_maal(visit: Any, published_goal: Goal) -> None:
    tab = visit()
    for path in (
        "/almene-maal/",
        "/almene-maal/2026-2028/pejlemaerke-2/",
        "/almene-maal/2026-2028/2.4/",
        "/inspiration/",
        "/almene-maal/overblik/",
        f"/maal/{published_goal.public_id}/",
        "/maal/",
    ):
        tab.goto(path)
    assert len(tab.checked) == 7
