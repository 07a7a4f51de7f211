"""What holds for every API endpoint: the token rule, bounded pagination, HEAD, rate
limits and a complete OpenAPI document (issue 6, item 4)."""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import URLPattern

from almen.api.api import api
from almen.register.models import ApiScope, ApiToken, Organisation
from almen.register.tokens import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db

CVR_A = "29190909"
# Values for path parameters: organisation A, and ids that name nothing.
PARAMS = {"cvr": CVR_A, "run_id": "00000000-0000-4000-8000-000000000001"}
UNKNOWN_ID = "00000000-0000-4000-8000-000000000002"


def _schema() -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    """(method, concrete URL, operation) for every operation in the OpenAPI document."""
    result = []
    for path, item in _schema()["paths"].items():
        url = re.sub(r"\{(\w+)\}", lambda m: PARAMS.get(m.group(1), UNKNOWN_ID), path)
        for method, operation in item.items():
            result.append((method, url, operation))
    return result


def _token(*scopes: str) -> str:
    organisation = Organisation.objects.get(cvr=CVR_A)
    _, plaintext = api_token_create(
        actor=None, organisation=organisation, name="Test", scopes=list(scopes)
    )
    return plaintext


def _call(method: str, url: str, **headers: str):
    return getattr(Client(), method)(url, headers=headers, content_type="application/json")


def test_every_url_of_the_api_is_in_the_openapi_document(cast) -> None:
    """So that iterating over the document below covers every endpoint."""
    documented = {path.removeprefix("/api/v1/") for path in _schema()["paths"]}
    routed = set()
    for pattern in api.urls[0]:
        assert isinstance(pattern, URLPattern)
        if pattern.name in ("openapi-json", "openapi-view", "api-root"):
            continue
        routed.add(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern)))
    assert routed == documented


# --- the token rule ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    ["Bearer almen_not-a-real-token", "Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer "],
)
def test_a_sent_token_that_is_not_valid_is_401_on_every_endpoint(cast, authorization) -> None:
    """Public endpoints too: a broken integration hears that its token is wrong instead
    of silently reading what anonymous visitors read."""
    for method, url, _operation in _operations():
        response = _call(method, url, Authorization=authorization)
        assert response.status_code == 401, (method, url, response.content)
        assert response.json()["detail"]
        assert response["WWW-Authenticate"].startswith('Bearer realm="Almen API"')


def test_revoked_and_expired_tokens_are_401_on_public_endpoints(cast) -> None:
    plaintext = _token(ApiScope.REGISTER_READ)
    headers = {"Authorization": f"Bearer {plaintext}"}
    assert Client().get("/api/v1/municipalities", headers=headers).status_code == 200
    api_token_revoke(actor=None, token=ApiToken.objects.get(name="Test"))
    response = Client().get("/api/v1/municipalities", headers=headers)
    assert response.status_code == 401
    assert response.json()["detail"] == "API-tokenet er tilbagekaldt."
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_no_token_on_a_token_endpoint_is_401_with_a_challenge(cast) -> None:
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="Almen API"'


# --- pagination --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["offset=9223372036854775808", "offset=18446744073709551616", "offset=-1", "limit=501"],
)
def test_pagination_out_of_bounds_is_422_on_every_paginated_endpoint(cast, query) -> None:
    """An offset of 2^63 used to reach the database and answer 500 (both engines)."""
    paginated = [
        url
        for method, url, operation in _operations()
        if method == "get" and any(p["name"] == "offset" for p in operation["parameters"])
    ]
    # register 2, goals 2, democracy 3 (stats), 1 (ballots), grøn drift 2 (meters, factors)
    assert len(paginated) == 10
    # Token-only lists answer the missing token first (their pagination is the same
    # Pagination class, checked here on the others).
    token_only = {"/api/v1/green/meters"}
    for url in paginated:
        response = Client().get(f"{url}?{query}")
        expected = 401 if url in token_only else 422
        assert response.status_code == expected, (url, response.content)
        if url in token_only:
            continue
        body = response.json()
        assert body["detail"].startswith("Ugyldige data")
        assert body["problems"][0]["where"] in ("query.offset", "query.limit")


def test_the_largest_allowed_offset_is_an_empty_page(cast) -> None:
    response = Client().get("/api/v1/organisations?offset=1000000000")
    assert response.status_code == 200
    assert response.json()["items"] == []


# --- HEAD ----------------------------------------------------------------------------------


def test_head_answers_like_get_without_a_body_on_every_get_endpoint(cast) -> None:
    urls = [url for method, url, _ in _operations() if method == "get"]
    urls += ["/api/v1/openapi.json", "/api/v1/docs"]
    for url in urls:
        get = Client().get(url)
        head = Client().head(url)
        assert head.status_code == get.status_code, url
        assert head.content == b"", url
        assert head["Content-Type"] == get["Content-Type"], url
        if not get.streaming:
            assert head["Content-Length"] == str(len(get.content)), url


def test_healthz_answers_head() -> None:
    response = Client().head("/healthz")
    assert response.status_code == 200
    assert response.content == b""


def test_the_document_views_refuse_other_methods(cast) -> None:
    assert Client().post("/api/v1/openapi.json").status_code == 405
    assert Client().delete("/api/v1/docs").status_code == 405


# --- rate limits ----------------------------------------------------------------------------


@override_settings(API_THROTTLE_RATES={"anonymous": "3/min", "token": "2/min"})
def test_rate_limits_bite_per_address_and_per_token(cast) -> None:
    # Addresses of this test's own (the cache may be a Redis shared with other tests:
    # no cache.clear()), and a new token.
    here, elsewhere = (f"192.0.2.{secrets.randbelow(200) + 1}" for _ in range(2))
    plaintext = _token(ApiScope.REGISTER_READ)
    token_key = f"api-throttle:token:{ApiToken.objects.get(name='Test').pk}"
    keys = [f"api-throttle:anonymous:{here}", f"api-throttle:anonymous:{elsewhere}", token_key]
    cache.delete_many(keys)
    try:
        for _ in range(3):
            assert Client(REMOTE_ADDR=here).get("/api/v1/municipalities").status_code == 200
        refused = Client(REMOTE_ADDR=here).get("/api/v1/municipalities")
        assert refused.status_code == 429
        assert refused.json()["detail"] == "For mange kald. Vent lidt, og prøv igen."
        assert int(refused["Retry-After"]) >= 1
        # Another address, and a token, each have their own count.
        assert Client(REMOTE_ADDR=elsewhere).get("/api/v1/municipalities").status_code == 200
        headers = {"Authorization": f"Bearer {plaintext}"}
        token_client = Client(REMOTE_ADDR=here)
        assert token_client.get("/api/v1/me", headers=headers).status_code == 200
        assert token_client.get("/api/v1/municipalities", headers=headers).status_code == 200
        assert token_client.get("/api/v1/me", headers=headers).status_code == 429
    finally:
        cache.delete_many(keys)


@override_settings(API_THROTTLE_RATES={"anonymous": "1/min"}, API_NUM_PROXIES=1)
def test_a_forged_forwarded_for_does_not_escape_the_limit(cast) -> None:
    """Only the address our own proxy added counts; what the client wrote before it
    does not give it a fresh count."""
    proxy_saw = f"198.51.100.{secrets.randbelow(200) + 1}"
    key = f"api-throttle:anonymous:{proxy_saw}"
    cache.delete(key)
    try:
        for number, forged in enumerate(("1.1.1.1", "2.2.2.2")):
            response = Client(HTTP_X_FORWARDED_FOR=f"{forged}, {proxy_saw}").get(
                "/api/v1/municipalities"
            )
            assert response.status_code == (200 if number == 0 else 429)
    finally:
        cache.delete(key)


# --- the OpenAPI document ----------------------------------------------------------------


def test_every_operation_documents_the_answers_every_endpoint_can_give(cast) -> None:
    schema = _schema()
    components = schema["components"]["schemas"]
    assert set(components["ValidationError"]["required"]) == {"detail", "problems"}
    for method, url, operation in _operations():
        responses = operation["responses"]
        where = (method, url)
        for status in ("401", "414", "422", "429"):
            assert status in responses, (where, status)
        assert "WWW-Authenticate" in responses["401"]["headers"], where
        assert "Retry-After" in responses["429"]["headers"], where
        assert responses["422"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ValidationError"
        }
        if operation["security"] == [{"ApiTokenAuth": []}]:
            assert "403" in responses, where
        else:
            assert operation["security"] == [{}, {"ApiTokenAuth": []}], where
        if UNKNOWN_ID in url or CVR_A in url:
            assert "404" in responses, where
    assert "OptionalApiTokenAuth" not in schema["components"]["securitySchemes"]


def test_the_422_body_matches_its_documented_schema(cast) -> None:
    body = Client().get("/api/v1/organisations?limit=0").json()
    assert set(body) == {"detail", "problems"}
    assert body["problems"] == [{"where": "query.limit", "type": "greater_than_equal"}]


def test_an_unreadable_multipart_body_is_422_not_500(cast) -> None:
    """A body that says multipart/form-data without a boundary (Schemathesis found it on
    the import upload through gunicorn): Django's parser raises, the API answers 422."""
    token = _token(*ApiScope.values)
    posts = [(url, op) for method, url, op in _operations() if method == "post"]
    assert posts
    for url, operation in posts:
        response = Client().generic(
            "POST",
            url,
            b"--not-a-boundary\r\n",
            content_type="multipart/form-data",
            headers={"Authorization": f"Bearer {token}"},
        )
        documented = {int(status) for status in operation["responses"]}
        assert response.status_code in documented - {500}, (url, response.status_code)
        if "multipart/form-data" in operation.get("requestBody", {}).get("content", {}):
            assert response.status_code == 422, url
            assert response.json()["problems"] == [{"where": "body", "type": "unreadable"}]
