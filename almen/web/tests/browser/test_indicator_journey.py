"""Issue 7 item 7 in a browser: the national picture filtered by region and commitment
from its form, a CSV downloaded from beside a table, and an indicator's metadata and
measurements CSV on a goal page — at desktop and phone width, axe-core on every page,
no page wider than the viewport."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from almen.goals import services
from almen.goals.models import Frequency, Goal
from almen.goals.testing import aarhus_published_goal

pytestmark = pytest.mark.browser


@pytest.fixture
def published_goal(site: str) -> Goal:
    """Aarhus' (Region Midtjylland) published goal on 2.4, with metadata."""
    goal = aarhus_published_goal(
        indicator__definition="Varmeforbrug pr. m² opvarmet areal.",
        indicator__data_source="Fjernaflæste målere",
        indicator__frequency=Frequency.QUARTERLY,
    )
    services.measurement_record(
        actor=None,
        indicator=goal.indicators.get(),
        date=dt.date(2026, 4, 1),
        value=Decimal("121.5"),
    )
    return goal


def _rows(path: str) -> list[list[str]]:
    text = Path(path).read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _fits(tab: Any, width: int) -> None:
    assert tab.page.evaluate("document.documentElement.scrollWidth") <= width, tab.page.url


@pytest.mark.parametrize("px", [1280, 375])
def test_filtered_national_picture_and_indicator_downloads(
    visit: Any, published_goal: Goal, px: int
) -> None:
    width = px
    tab = visit(viewport={"width": width, "height": 900})
    tab.goto("/almene-maal/overblik/")
    _fits(tab, width)
    tab.page.get_by_label("Region (valgfrit)", exact=True).select_option("Region Midtjylland")
    tab.page.get_by_label("»Derfor vil vi«-punkt (valgfrit)", exact=True).select_option("2.4")
    tab.click("Vis", role="button")
    assert "region=Region+Midtjylland" in tab.page.url and "commitment=2.4" in tab.page.url
    assert "Viser tal for Region Midtjylland og punkt 2.4." in tab.page.content()
    _fits(tab, width)
    with tab.page.expect_download() as download:
        tab.page.get_by_role("link", name="Hent udbredelsen pr. punkt som CSV").click()
    rows = _rows(download.value.path())
    assert [r[0] for r in rows[1:]] == ["2.4"]
    assert rows[1][2] == "1"  # one organisation in the region works on 2.4

    tab.goto(f"/maal/{published_goal.public_id}/")
    _fits(tab, width)
    metadata = tab.page.get_by_role("region", name="Om indikatoren")
    assert "Fjernaflæste målere" in metadata.inner_text()
    assert "Hvert kvartal" in metadata.inner_text()
    with tab.page.expect_download() as download:
        tab.page.get_by_role(
            "link", name="Hent målingerne for »Varmeforbrug pr. m²« som CSV"
        ).click()
    assert _rows(download.value.path())[2][:3] == ["2026-04-01", "121,5", "Måling"]
