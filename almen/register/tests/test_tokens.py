"""API tokens: hashed at rest, shown once, refused when revoked or expired, scoped."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from almen.audit.models import AuditEntry
from almen.register.models import ApiScope, ApiToken, Organisation
from almen.register.tokens import (
    api_token_create,
    api_token_revoke,
    digest_of,
    require_scope,
)

pytestmark = pytest.mark.django_db

CVR_A = "29190909"


@pytest.fixture
def org_a(cast) -> Organisation:
    return Organisation.objects.get(cvr=CVR_A)


@pytest.fixture
def staff(cast):
    return cast["org_staff"].user


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_create_returns_plaintext_once_and_stores_only_the_digest(org_a, staff) -> None:
    token, plaintext = api_token_create(
        actor=staff, organisation=org_a, name="Lejesystem", scopes=[ApiScope.REGISTER_READ]
    )
    assert plaintext.startswith("almen_")
    assert len(plaintext) == len("almen_") + 43
    token.refresh_from_db()
    assert token.digest == digest_of(plaintext)
    assert token.prefix == plaintext[:8]
    assert token.scopes == ["register:read"]
    assert token.created_by == staff
    # The plaintext is nowhere in the table, nor in the audit log.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM register_apitoken")
        rows = cursor.fetchall()
    assert plaintext not in repr(rows)
    assert plaintext[8:] not in repr(rows)
    entries = AuditEntry.objects.filter(object_type="register.apitoken", object_id=str(token.pk))
    assert [e.action for e in entries] == ["api_token.create"]
    assert "digest" not in entries[0].after
    assert plaintext not in repr(entries[0].after)
    # Two tokens never share a plaintext.
    _, other = api_token_create(
        actor=staff, organisation=org_a, name="To", scopes=[ApiScope.REGISTER_READ]
    )
    assert other != plaintext


def test_plaintext_authenticates(org_a, staff) -> None:
    _, plaintext = api_token_create(
        actor=staff, organisation=org_a, name="Lejesystem", scopes=[ApiScope.REGISTER_READ]
    )
    response = Client().get("/api/v1/me", **bearer(plaintext))
    assert response.status_code == 200
    body = response.json()
    assert body["organisation"]["cvr"] == CVR_A
    assert body["scopes"] == ["register:read"]
    assert body["token_prefix"] == plaintext[:8]


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "Mangler API-token"),
        ({"HTTP_AUTHORIZATION": "Basic Zm9vOmJhcg=="}, "Mangler API-token"),
        ({"HTTP_AUTHORIZATION": "Bearer "}, "Mangler API-token"),
        ({"HTTP_AUTHORIZATION": "Bearer nonsense"}, "Ugyldigt API-token"),
        ({"HTTP_AUTHORIZATION": "Bearer almen_" + "x" * 43}, "Ugyldigt API-token"),
    ],
)
def test_missing_or_invalid_token_is_401(headers, message, cast) -> None:
    response = Client().get("/api/v1/me", **headers)
    assert response.status_code == 401
    assert message in response.json()["detail"]


def test_a_logged_in_session_is_not_a_token(client_for) -> None:
    assert client_for("org_staff").get("/api/v1/me").status_code == 401


def test_revoked_token_is_401_and_audited(org_a, staff) -> None:
    token, plaintext = api_token_create(
        actor=staff, organisation=org_a, name="Lejesystem", scopes=[ApiScope.REGISTER_READ]
    )
    api_token_revoke(actor=staff, token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None
    response = Client().get("/api/v1/me", **bearer(plaintext))
    assert response.status_code == 401
    assert "tilbagekaldt" in response.json()["detail"]
    actions = list(
        AuditEntry.objects.filter(object_type="register.apitoken", object_id=str(token.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["api_token.create", "api_token.revoke"]
    # Revoking again changes nothing and records nothing.
    first = token.revoked_at
    api_token_revoke(actor=staff, token=token)
    token.refresh_from_db()
    assert token.revoked_at == first
    assert AuditEntry.objects.filter(object_id=str(token.pk), action="api_token.revoke").count() == 1


def test_expired_token_is_401(org_a, staff) -> None:
    expires = timezone.now() + dt.timedelta(days=1)
    _, plaintext = api_token_create(
        actor=staff,
        organisation=org_a,
        name="Kortvarig",
        scopes=[ApiScope.REGISTER_READ],
        expires_at=expires,
    )
    assert Client().get("/api/v1/me", **bearer(plaintext)).status_code == 200
    with time_machine.travel(expires + dt.timedelta(seconds=1)):
        response = Client().get("/api/v1/me", **bearer(plaintext))
    assert response.status_code == 401
    assert "udløbet" in response.json()["detail"]


def test_last_used_is_written_at_most_once_a_minute(org_a, staff) -> None:
    token, plaintext = api_token_create(
        actor=staff, organisation=org_a, name="Lejesystem", scopes=[ApiScope.REGISTER_READ]
    )
    assert token.last_used_at is None
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        Client().get("/api/v1/me", **bearer(plaintext))
        token.refresh_from_db()
        assert token.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        Client().get("/api/v1/me", **bearer(plaintext))
        token.refresh_from_db()
        assert token.last_used_at == start
    later = start + dt.timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        Client().get("/api/v1/me", **bearer(plaintext))
        token.refresh_from_db()
        assert token.last_used_at == later


def test_require_scope(org_a, staff, rf) -> None:
    from ninja.errors import AuthenticationError, HttpError

    token, _ = api_token_create(
        actor=staff, organisation=org_a, name="Læser", scopes=[ApiScope.REGISTER_READ]
    )
    request = rf.get("/")
    request.auth = token
    assert require_scope(request, ApiScope.REGISTER_READ) == token
    with pytest.raises(HttpError) as denied:
        require_scope(request, ApiScope.REGISTER_IMPORT)
    assert denied.value.status_code == 403
    assert "register:import" in str(denied.value)
    anonymous = rf.get("/")
    with pytest.raises(AuthenticationError):
        require_scope(anonymous, ApiScope.REGISTER_READ)


@pytest.mark.parametrize(
    ("name", "scopes", "expires_in"),
    [
        ("", ["register:read"], None),
        ("   ", ["register:read"], None),
        ("Navn", [], None),
        ("Navn", ["register:write"], None),
        ("Navn", ["register:read"], dt.timedelta(days=-1)),
        ("x" * 101, ["register:read"], None),
    ],
)
def test_create_validates(org_a, staff, name, scopes, expires_in) -> None:
    expires_at = timezone.now() + expires_in if expires_in else None
    with pytest.raises(ValidationError):
        api_token_create(
            actor=staff, organisation=org_a, name=name, scopes=scopes, expires_at=expires_at
        )
    assert not ApiToken.objects.exists()
    assert not AuditEntry.objects.filter(object_type="register.apitoken").exists()


def test_wrong_scope_is_403_through_an_endpoint(org_a, staff) -> None:
    """An endpoint that needs a scope the token lacks answers 403 with a Danish message."""
    from ninja import NinjaAPI
    from ninja.testing import TestClient

    from almen.register.tokens import api_token_auth

    api = NinjaAPI(urls_namespace="scope-test")

    @api.post("/import", auth=api_token_auth)
    def do_import(request):
        require_scope(request, ApiScope.REGISTER_IMPORT)
        return {"ok": True}

    reader, reader_plain = api_token_create(
        actor=staff, organisation=org_a, name="Læser", scopes=[ApiScope.REGISTER_READ]
    )
    _, importer_plain = api_token_create(
        actor=staff,
        organisation=org_a,
        name="Import",
        scopes=[ApiScope.REGISTER_READ, ApiScope.REGISTER_IMPORT],
    )
    client = TestClient(api)
    denied = client.post("/import", headers={"Authorization": f"Bearer {reader_plain}"})
    assert denied.status_code == 403
    assert "rettigheden" in denied.json()["detail"]
    allowed = client.post("/import", headers={"Authorization": f"Bearer {importer_plain}"})
    assert allowed.status_code == 200
    assert client.post("/import").status_code == 401
