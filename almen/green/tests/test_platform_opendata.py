"""Grøn drift in the open-data zip: the national factor table (current versions only,
no organisation's own) and the public green measures (no private ones, no person, no
cost). Per-estate consumption and CO2e are not in it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.utils import timezone

from almen.api.opendata import open_data_zip
from almen.green.models import EmissionFactor, EnergyKind, GreenMeasure, MeasureKind
from almen.lib.visibility import Visibility
from almen.register.models import Estate, Organisation

pytestmark = pytest.mark.django_db


def _table(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    text = archive.read(f"{name}.csv").decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_factors_and_public_measures(client_for) -> None:
    org = Organisation.objects.get(cvr="29190909")
    estate = Estate.objects.get(organisation=org, number=1)
    old = EmissionFactor.objects.create(
        year=2033,
        kind=EnergyKind.NATURAL_GAS,
        kg_co2e_per_unit=Decimal("2.30"),
        source="Evida 2033 (foreløbig)",
    )
    EmissionFactor.objects.filter(pk=old.pk).update(superseded_at=timezone.now())
    EmissionFactor.objects.create(
        year=2033,
        kind=EnergyKind.NATURAL_GAS,
        version=2,
        kg_co2e_per_unit=Decimal("2.2627"),
        source="Evida 2033",
    )
    EmissionFactor.objects.create(
        year=2033,
        kind=EnergyKind.DISTRICT_HEATING,
        organisation=org,
        kg_co2e_per_unit=Decimal("0.04"),
        source="Vores værk",
    )
    GreenMeasure.objects.create(
        estate=estate,
        kind=MeasureKind.WILDFLOWER_MEADOW,
        title="Blomstereng ved blok 2",
        area_m2=Decimal(200),
        done_on=dt.date(2025, 5, 1),
        cost_dkk=Decimal(15000),
        visibility=Visibility.PUBLIC,
    )
    GreenMeasure.objects.create(
        estate=estate,
        kind=MeasureKind.NEST_BOXES,
        title="Redekasser (intern)",
        quantity=Decimal(10),
        done_on=dt.date(2025, 6, 1),
    )
    response = client_for("anonymous").get("/api/v1/open-data.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    factors = [r for r in _table(archive, "green_emission_factors") if r["year"] == "2033"]
    # The gas factor's current version only; the organisation's own plant is not national.
    assert len(factors) == 1
    gas = factors[0]
    assert (gas["kind"], gas["version"], gas["source"]) == ("natural_gas", "2", "Evida 2033")
    assert gas["unit"] == "kg CO2e/Nm³" and gas["kg_co2e_per_unit"].replace(",", ".").startswith(
        "2.2627"
    )
    measures = _table(archive, "green_measures")
    titles = [m["title"] for m in measures]
    assert "Blomstereng ved blok 2" in titles and "Redekasser (intern)" not in titles
    meadow = next(m for m in measures if m["title"] == "Blomstereng ved blok 2")
    assert (meadow["organisation_cvr"], meadow["estate_number"]) == ("29190909", "1")
    assert meadow["done_on"] == "2025-05-01"
    assert "cost_dkk" not in meadow
    records = json.loads(archive.read("green_measures.json"))
    assert any(r["kind"] == "wildflower_meadow" for r in records)
    # Nothing per estate: no table of consumption or CO2e.
    assert not [n for n in archive.namelist() if "footprint" in n or "consumption" in n]
    assert "green_emission_factors" in archive.read("README.md").decode()


def test_a_new_measure_changes_the_cached_zip() -> None:
    first = zipfile.ZipFile(io.BytesIO(open_data_zip()))
    assert "Ti nye træer" not in first.read("green_measures.csv").decode("utf-8-sig")
    estate = Estate.objects.get(organisation__cvr="29190909", number=1)
    GreenMeasure.objects.create(
        estate=estate,
        kind=MeasureKind.TREES,
        title="Ti nye træer",
        quantity=Decimal(10),
        done_on=dt.date(2025, 9, 1),
        visibility=Visibility.PUBLIC,
    )
    second = zipfile.ZipFile(io.BytesIO(open_data_zip()))
    assert "Ti nye træer" in second.read("green_measures.csv").decode("utf-8-sig")
