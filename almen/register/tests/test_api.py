"""The public register API at /api/v1."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from almen.register.models import Estate, Organisation

pytestmark = pytest.mark.django_db

CVR_A = "29190909"


@pytest.fixture
def api(cast) -> Client:
    return Client()


def test_municipalities_are_the_98_with_codes_and_regions(api) -> None:
    response = api.get("/api/v1/municipalities")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 98
    by_code = {row["code"]: row for row in rows}
    assert len(by_code) == 98
    assert by_code["0101"] == {"code": "0101", "name": "København", "region": "Region Hovedstaden"}
    assert by_code["0851"] == {"code": "0851", "name": "Aalborg", "region": "Region Nordjylland"}
    assert by_code["0751"]["name"] == "Aarhus"
    assert by_code["0751"]["region"] == "Region Midtjylland"
    assert [row["code"] for row in rows] == sorted(by_code)


def test_organisations_are_paginated(api, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(2):
        response = api.get("/api/v1/organisations?limit=2")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == Organisation.objects.count() >= 3
    assert len(body["items"]) == 2
    first = body["items"][0]
    assert set(first) == {"cvr", "name", "address", "municipality_code", "municipality"}
    rest = api.get("/api/v1/organisations?limit=2&offset=2").json()
    cvrs = [o["cvr"] for o in body["items"] + rest["items"]]
    assert len(set(cvrs)) == len(cvrs) == body["count"]


def test_organisations_filter_by_municipality(api) -> None:
    body = api.get("/api/v1/organisations?municipality=0101").json()
    assert body["count"] >= 1
    assert {o["municipality_code"] for o in body["items"]} == {"0101"}
    assert CVR_A in {o["cvr"] for o in body["items"]}
    # Leading zero optional, as kommunekoder are often written "101".
    assert api.get("/api/v1/organisations?municipality=101").json()["count"] == body["count"]
    assert api.get("/api/v1/organisations?municipality=0999").json()["count"] == 0


@pytest.mark.parametrize(
    "query",
    [
        "limit=abc",
        "limit=0",
        "limit=-1",
        "offset=-5",
        "offset=x",
        "municipality=København",
        "municipality=12345",
    ],
)
def test_bad_query_is_4xx_not_500(api, query) -> None:
    response = api.get(f"/api/v1/organisations?{query}")
    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/json")


def test_organisation_detail(api) -> None:
    response = api.get(f"/api/v1/organisations/{CVR_A}")
    assert response.status_code == 200
    body = response.json()
    assert body["cvr"] == CVR_A
    assert body["municipality_code"] == "0101"
    assert body["municipality"] == "København"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/organisations/00000000",
        "/api/v1/organisations/00000000/estates",
    ],
)
def test_unknown_organisation_is_404_json(api, path) -> None:
    response = api.get(path)
    assert response.status_code == 404
    assert "Ingen boligorganisation" in response.json()["detail"]


@pytest.mark.parametrize("cvr", ["abc", "1234567", "123456789"])
def test_a_malformed_cvr_is_422_json(api, cvr) -> None:
    """Not eight digits cannot be a CVR number: invalid input, as the schema says."""
    response = api.get(f"/api/v1/organisations/{cvr}")
    assert response.status_code == 422
    assert response.json()["problems"][0]["where"] == "path.cvr"


def test_organisation_estates(api, django_assert_max_num_queries) -> None:
    organisation = Organisation.objects.get(cvr=CVR_A)
    with django_assert_max_num_queries(3):
        response = api.get(f"/api/v1/organisations/{CVR_A}/estates")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == organisation.estates.count() >= 2
    first = body["items"][0]
    estate = Estate.objects.get(public_id=first["id"])
    assert estate.organisation == organisation
    assert first == {
        "id": str(estate.public_id),
        "organisation_cvr": CVR_A,
        "number": estate.number,
        "name": estate.name,
        "municipality_code": estate.municipality.code,
        "address": estate.address,
        "postal_code": estate.postal_code,
        "city": estate.city,
        "unit_count": estate.units.count(),
    }
    assert first["unit_count"] > 0
    # No personal data, no internal ids.
    assert "pk" not in first and "residents" not in first
    page = api.get(f"/api/v1/organisations/{CVR_A}/estates?limit=1&offset=1").json()
    assert len(page["items"]) == 1
    assert page["items"][0]["id"] != first["id"]


def test_estate_detail(api) -> None:
    estate = Estate.objects.filter(organisation__cvr=CVR_A).first()
    assert estate is not None
    response = api.get(f"/api/v1/estates/{estate.public_id}")
    assert response.status_code == 200
    assert response.json()["number"] == estate.number
    assert response.json()["unit_count"] == estate.units.count()
    missing = api.get(f"/api/v1/estates/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert "Ingen afdeling" in missing.json()["detail"]
    assert api.get("/api/v1/estates/not-a-uuid").status_code in (404, 422)


def test_openapi_lists_the_token_scheme(api) -> None:
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["ApiTokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schema["paths"]["/api/v1/me"]["get"]["security"] == [{"ApiTokenAuth": []}]
    # Public: no token needed (the empty requirement), but one that is sent is checked.
    assert schema["paths"]["/api/v1/municipalities"]["get"]["security"] == [
        {},
        {"ApiTokenAuth": []},
    ]
    for path in (
        "/api/v1/organisations",
        "/api/v1/organisations/{cvr}",
        "/api/v1/organisations/{cvr}/estates",
        "/api/v1/estates/{public_id}",
    ):
        assert path in schema["paths"]
