"""Grøn drift's API: the meters and footprints with a token of the estate's own
organisation, another organisation's and one without ``green:read``; the public
emission factors; bad years. Footprint numbers are the metrics test's estate (2024):
heat 120,000 kWh × 0.05 = 6,000 kg, electricity 6,000 kWh × 0.06 = 360 kg, water
120 m³ without a factor."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.test import Client

from almen.green.models import EmissionFactor, EnergyKind, Supplier
from almen.green.testing import METER_ID
from almen.green.tests.test_platform_metrics import green  # noqa: F401 (a fixture)
from almen.register.models import ApiScope, Estate, Organisation
from almen.register.tokens import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(green: Estate) -> Estate:  # noqa: F811 (the metrics test's estate)
    return green


def _token(organisation: Organisation, scopes: list[str]) -> dict[str, str]:
    _row, plaintext = api_token_create(
        actor=None, organisation=organisation, name="test", scopes=scopes
    )
    return {"Authorization": f"Bearer {plaintext}"}


def _org_a() -> Organisation:
    return Organisation.objects.get(cvr="29190909")


# --- meters -----------------------------------------------------------------------------


def test_meters_need_a_token_with_green_read(client: Client) -> None:
    assert client.get("/api/v1/green/meters").status_code == 401
    headers = _token(_org_a(), [ApiScope.REGISTER_READ])
    response = client.get("/api/v1/green/meters", headers=headers)
    assert response.status_code == 403
    assert "green:read" in response.json()["detail"]


def test_meters_are_the_tokens_organisations(client: Client, estate: Estate) -> None:
    own = client.get(
        "/api/v1/green/meters", headers=_token(estate.organisation, [ApiScope.GREEN_READ])
    )
    assert own.status_code == 200
    body = own.json()
    assert body["count"] == 4
    numbers = {item["number"]: item for item in body["items"]}
    assert set(numbers) == {"EL", "FV", "FV-B", "V"}
    assert numbers["FV"]["unit"] == "MWh" and numbers["FV"]["supplier"] == "Test Fjernvarme"
    assert numbers["FV-B"]["parent_id"] == numbers["FV"]["id"]
    assert numbers["EL"]["estate_id"] == str(estate.public_id)
    # Organisation A's token sees its own matrix meter, not the other organisation's.
    a = client.get("/api/v1/green/meters", headers=_token(_org_a(), [ApiScope.GREEN_READ])).json()
    ids = {item["id"] for item in a["items"]}
    assert str(METER_ID) in ids and not ids & {item["id"] for item in body["items"]}


def test_meters_filtered_by_estate(client: Client, estate: Estate) -> None:
    headers = _token(estate.organisation, [ApiScope.GREEN_READ])
    url = f"/api/v1/green/meters?estate={estate.public_id}"
    assert client.get(url, headers=headers).json()["count"] == 4
    other = Estate.objects.get(organisation__cvr="29190909", number=1)
    response = client.get(f"/api/v1/green/meters?estate={other.public_id}", headers=headers)
    assert response.status_code == 404 and "afdeling" in response.json()["detail"]
    unknown = client.get(f"/api/v1/green/meters?estate={uuid.uuid4()}", headers=headers)
    assert unknown.status_code == 404
    assert client.get("/api/v1/green/meters?estate=nej", headers=headers).status_code == 422


# --- emission factors -------------------------------------------------------------------


def test_emission_factors_are_public_current_versions(client: Client) -> None:
    supplier = Supplier.objects.create(name="API Varme", kind=EnergyKind.DISTRICT_HEATING)
    old = EmissionFactor.objects.create(
        year=2031,
        kind=EnergyKind.DISTRICT_HEATING,
        supplier=supplier,
        kg_co2e_per_unit=Decimal("0.07"),
        source="Deklaration 2031",
    )
    from django.utils import timezone

    EmissionFactor.objects.filter(pk=old.pk).update(superseded_at=timezone.now())
    EmissionFactor.objects.create(
        year=2031,
        kind=EnergyKind.DISTRICT_HEATING,
        supplier=supplier,
        version=2,
        kg_co2e_per_unit=Decimal("0.06595"),
        source="Deklaration 2031, rettet",
        source_url="https://example.org/deklaration",
    )
    response = client.get("/api/v1/green/emission-factors?year=2031&kind=district_heating")
    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == 1
    item = items[0]
    assert item["version"] == 2 and item["value"] == pytest.approx(0.06595)
    assert item["unit"] == "kg CO2e/kWh" and item["supplier"] == "API Varme"
    assert item["source"] == "Deklaration 2031, rettet" and item["organisation_cvr"] is None
    assert item["key"] == f"2031/district_heating/-/{supplier.pk}/location/-"


def test_an_organisations_own_factor_only_with_its_token(client: Client) -> None:
    org = _org_a()
    EmissionFactor.objects.create(
        year=2032,
        kind=EnergyKind.DISTRICT_HEATING,
        organisation=org,
        kg_co2e_per_unit=Decimal("0.04"),
        source="Vores værk",
    )
    url = "/api/v1/green/emission-factors?year=2032"
    assert client.get(url).json()["count"] == 0
    other = Organisation.objects.get(cvr="31415926")
    assert client.get(url, headers=_token(other, [ApiScope.GREEN_READ])).json()["count"] == 0
    mine = client.get(url, headers=_token(org, [ApiScope.GREEN_READ])).json()
    assert mine["count"] == 1 and mine["items"][0]["organisation_cvr"] == "29190909"


@pytest.mark.parametrize("query", ["year=1989", "year=2101", "year=abc", "kind=wind"])
def test_bad_factor_filters_answer_422(client: Client, query: str) -> None:
    response = client.get(f"/api/v1/green/emission-factors?{query}")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Ugyldige data")


# --- footprint --------------------------------------------------------------------------


def test_footprint_by_kind_with_the_factors_used(client: Client, estate: Estate) -> None:
    headers = _token(estate.organisation, [ApiScope.GREEN_READ])
    response = client.get(
        f"/api/v1/estates/{estate.public_id}/footprint?year=2024", headers=headers
    )
    assert response.status_code == 200
    body = response.json()
    assert body["year"] == 2024 and body["organisation_cvr"] == "12345674"
    assert body["kg_co2e"] == pytest.approx(6360)
    kinds = {k["kind"]: k for k in body["kinds"]}
    heat = kinds["district_heating"]
    # The sub-meter's 12 MWh are not in the 120,000 kWh.
    assert heat["consumption"] == pytest.approx(120000) and heat["unit"] == "kWh"
    assert heat["kg_co2e"] == pytest.approx(6000)
    [factor] = heat["factors"]
    assert factor["value"] == pytest.approx(0.05) and factor["version"] == 1
    assert (factor["year"], factor["unit"], factor["source"]) == (2024, "kg CO2e/kWh", "Test")
    assert kinds["electricity"]["kg_co2e"] == pytest.approx(360)
    water = kinds["water"]
    assert water["consumption"] == pytest.approx(120) and water["unit"] == "m3"
    assert water["kg_co2e"] is None and water["factors"] == []
    assert water["months_without_factor"] == 0


def test_footprint_of_a_year_without_data(client: Client, estate: Estate) -> None:
    headers = _token(estate.organisation, [ApiScope.GREEN_READ])
    body = client.get(
        f"/api/v1/estates/{estate.public_id}/footprint?year=2100", headers=headers
    ).json()
    assert body["kinds"] == [] and body["kg_co2e"] is None


@pytest.mark.parametrize("year", ["1989", "2101", "abc", "2024.5", ""])
def test_footprint_bad_year_is_422(client: Client, estate: Estate, year: str) -> None:
    headers = _token(estate.organisation, [ApiScope.GREEN_READ])
    response = client.get(
        f"/api/v1/estates/{estate.public_id}/footprint?year={year}", headers=headers
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Ugyldige data")
    missing = client.get(f"/api/v1/estates/{estate.public_id}/footprint", headers=headers)
    assert missing.status_code == 422


def test_footprint_access(client: Client, estate: Estate) -> None:
    url = f"/api/v1/estates/{estate.public_id}/footprint?year=2024"
    assert client.get(url).status_code == 401
    no_scope = _token(estate.organisation, [ApiScope.REGISTER_READ])
    assert client.get(url, headers=no_scope).status_code == 403
    other = client.get(url, headers=_token(_org_a(), [ApiScope.GREEN_READ]))
    assert other.status_code == 404 and "afdeling" in other.json()["detail"]
    headers = _token(estate.organisation, [ApiScope.GREEN_READ])
    unknown = client.get(f"/api/v1/estates/{uuid.uuid4()}/footprint?year=2024", headers=headers)
    assert unknown.status_code == 404
    bad = client.get(url, headers={"Authorization": "Bearer almen_nope"})
    assert bad.status_code == 401 and "WWW-Authenticate" in bad


def test_footprint_queries_are_bounded(
    client: Client, estate: Estate, django_assert_max_num_queries
) -> None:
    headers = _token(estate.organisation, [ApiScope.GREEN_READ])
    url = f"/api/v1/estates/{estate.public_id}/footprint?year=2024"
    with django_assert_max_num_queries(8):
        assert client.get(url, headers=headers).status_code == 200
