"""API tokens: hashed at rest, shown once, refused when revoked or expired, scoped."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from almen.accounts.tests.helpers import login_with_mfa
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
    return {"Authorization": f"Bearer {token}"}


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
    assert entries[0].after is not None
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
    response = Client().get("/api/v1/me", headers=bearer(plaintext))
    assert response.status_code == 200
    body = response.json()
    assert body["organisation"]["cvr"] == CVR_A
    assert body["scopes"] == ["register:read"]
    assert body["token_prefix"] == plaintext[:8]


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "Mangler API-token"),
        ({"Authorization": "Basic Zm9vOmJhcg=="}, "Mangler API-token"),
        ({"Authorization": "Bearer "}, "Mangler API-token"),
        ({"Authorization": "Bearer nonsense"}, "Ugyldigt API-token"),
        ({"Authorization": "Bearer almen_" + "x" * 43}, "Ugyldigt API-token"),
    ],
)
def test_missing_or_invalid_token_is_401(headers, message, cast) -> None:
    response = Client().get("/api/v1/me", headers=headers)
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
    response = Client().get("/api/v1/me", headers=bearer(plaintext))
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
    revocations = AuditEntry.objects.filter(object_id=str(token.pk), action="api_token.revoke")
    assert revocations.count() == 1


def test_expired_token_is_401(org_a, staff) -> None:
    expires = timezone.now() + dt.timedelta(days=1)
    _, plaintext = api_token_create(
        actor=staff,
        organisation=org_a,
        name="Kortvarig",
        scopes=[ApiScope.REGISTER_READ],
        expires_at=expires,
    )
    assert Client().get("/api/v1/me", headers=bearer(plaintext)).status_code == 200
    with time_machine.travel(expires + dt.timedelta(seconds=1)):
        response = Client().get("/api/v1/me", headers=bearer(plaintext))
    assert response.status_code == 401
    assert "udløbet" in response.json()["detail"]


def test_last_used_is_written_at_most_once_a_minute(org_a, staff) -> None:
    token, plaintext = api_token_create(
        actor=staff, organisation=org_a, name="Lejesystem", scopes=[ApiScope.REGISTER_READ]
    )
    assert token.last_used_at is None
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        Client().get("/api/v1/me", headers=bearer(plaintext))
        token.refresh_from_db()
        assert token.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        Client().get("/api/v1/me", headers=bearer(plaintext))
        token.refresh_from_db()
        assert token.last_used_at == start
    later = start + dt.timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        Client().get("/api/v1/me", headers=bearer(plaintext))
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

    _reader, reader_plain = api_token_create(
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


# --- the management pages at /organisationer/<cvr>/api-tokens/ ---------------------

TOKENS_URL = f"/organisationer/{CVR_A}/api-tokens/"


def revoke_url(token: ApiToken, cvr: str = CVR_A) -> str:
    return f"/organisationer/{cvr}/api-tokens/{token.public_id}/tilbagekald/"


def test_list_page(client_for, org_a, staff, django_assert_max_num_queries) -> None:
    for n in range(5):
        api_token_create(
            actor=staff, organisation=org_a, name=f"System {n}", scopes=[ApiScope.REGISTER_READ]
        )
    client = client_for("org_staff")
    client.get(TOKENS_URL)  # warm up session and principal caches
    with django_assert_max_num_queries(10):  # +1: the header menu's own places
        response = client.get(TOKENS_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "System 4" in content
    assert "register:read" in content
    assert "Opret en API-nøgle" in content


def test_create_shows_the_token_once(client_for, org_a) -> None:
    client = client_for("org_staff")
    response = client.post(
        TOKENS_URL, {"name": "Lejesystem", "scopes": ["register:read", "register:import"]}
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(organisation=org_a, name="Lejesystem")
    assert token.scopes == ["register:import", "register:read"]
    plaintext = response.context["plaintext"]
    assert plaintext.startswith(token.prefix)
    assert digest_of(plaintext) == token.digest
    content = response.content.decode()
    assert plaintext in content
    assert "vises kun denne ene gang" in content
    assert response["Cache-Control"].startswith("max-age=0")
    # Never again.
    assert plaintext not in client.get(TOKENS_URL).content.decode()
    # And it works against the API.
    assert Client().get("/api/v1/me", headers=bearer(plaintext)).status_code == 200
    assert AuditEntry.objects.filter(action="api_token.create", object_id=str(token.pk)).exists()


def test_create_with_expiry(client_for, org_a) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client_for("org_staff").post(
        TOKENS_URL,
        {"name": "Midlertidig", "scopes": ["register:read"], "expires_on": tomorrow.isoformat()},
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="Midlertidig")
    assert token.expires_at is not None
    assert timezone.localtime(token.expires_at).date() == tomorrow + dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Lejesystem"}, "Vælg mindst én rettighed"),
        ({"name": "", "scopes": ["register:read"]}, "Dette felt er påkrævet"),
        ({"name": "Lejesystem", "scopes": ["register:write"]}, "register:write"),
        (
            {"name": "Lejesystem", "scopes": ["register:read"], "expires_on": "2020-01-01"},
            "fremtiden",
        ),
        ({"name": "Lejesystem", "scopes": ["register:read"], "expires_on": "i morgen"}, "dato"),
    ],
)
def test_create_rejects_bad_input_with_400(client_for, data, message) -> None:
    response = client_for("org_staff").post(TOKENS_URL, data, HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["plaintext"] is None
    assert not ApiToken.objects.exists()


def test_wrong_method(client_for, org_a, staff) -> None:
    token, _ = api_token_create(
        actor=staff, organisation=org_a, name="Lejesystem", scopes=[ApiScope.REGISTER_READ]
    )
    client = client_for("org_staff")
    assert client.put(TOKENS_URL).status_code == 405
    assert client.get(revoke_url(token)).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize(
    ("persona", "status"),
    [("org_board", 403), ("resident_a", 403), ("other_org_staff", 404), ("anonymous", 302)],
)
def test_others_cannot_create_or_revoke(client_for, org_a, staff, persona, status) -> None:
    token, _ = api_token_create(
        actor=staff, organisation=org_a, name="Lejesystem", scopes=[ApiScope.REGISTER_READ]
    )
    client = client_for(persona)
    created = client.post(TOKENS_URL, {"name": "Ondt", "scopes": ["register:import"]})
    assert created.status_code == status
    revoked = client.post(revoke_url(token), {"confirm": "yes"})
    assert revoked.status_code == status
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not ApiToken.objects.filter(name="Ondt").exists()


def test_revoke_asks_then_revokes(client_for, org_a, staff) -> None:
    token, plaintext = api_token_create(
        actor=staff, organisation=org_a, name="Lejesystem", scopes=[ApiScope.REGISTER_READ]
    )
    client = client_for("org_staff")
    asked = client.post(revoke_url(token))
    assert asked.status_code == 200
    assert "Ja, tilbagekald nøglen" in asked.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    done = client.post(revoke_url(token), {"confirm": "yes"})
    assert done.status_code == 302
    assert done["Location"] == TOKENS_URL
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(
        action="api_token.revoke", object_id=str(token.pk), actor=staff
    ).exists()
    assert Client().get("/api/v1/me", headers=bearer(plaintext)).status_code == 401


def test_staff_cannot_revoke_another_organisations_token(client_for, cast) -> None:
    org_b = Organisation.objects.get(cvr="31415926")
    token, _ = api_token_create(
        actor=cast["other_org_staff"].user,
        organisation=org_b,
        name="B's system",
        scopes=[ApiScope.REGISTER_READ],
    )
    client = client_for("org_staff")
    # Through their own organisation's URL: no such token there.
    assert client.post(revoke_url(token), {"confirm": "yes"}).status_code == 404
    # Through the other organisation's URL: an outsider.
    assert client.post(revoke_url(token, "31415926"), {"confirm": "yes"}).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


# --- the admin ------------------------------------------------------------------


@pytest.fixture
def superuser_client(db) -> Client:
    from allauth.mfa.totp.internal.auth import TOTP

    from almen.accounts.models import User

    user = User.objects.create_superuser(email="drift@almen.test", password="x" * 20)
    # Superusers must have a second factor before the admin lets them in.
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client = Client()
    login_with_mfa(client, user)  # password and TOTP, as through the login page
    return client


@pytest.mark.parametrize(
    "model",
    [
        "municipality",
        "organisation",
        "estate",
        "building",
        "unit",
        "household",
        "resident",
        "body",
        "bodymembership",
        "membership",
        "apitoken",
    ],
)
def test_admin_changelists(superuser_client, cast, model, django_assert_max_num_queries) -> None:
    superuser_client.get(f"/admin/register/{model}/")
    with django_assert_max_num_queries(15):
        response = superuser_client.get(f"/admin/register/{model}/")
    assert response.status_code == 200


def test_admin_token_is_read_only_and_revocable(superuser_client, org_a, staff) -> None:
    token, plaintext = api_token_create(
        actor=staff, organisation=org_a, name="Lejesystem", scopes=[ApiScope.REGISTER_READ]
    )
    assert superuser_client.get("/admin/register/apitoken/add/").status_code == 403
    page = superuser_client.get(f"/admin/register/apitoken/{token.pk}/change/")
    assert page.status_code == 200
    assert plaintext not in page.content.decode()
    assert 'name="digest"' not in page.content.decode()
    response = superuser_client.post(
        "/admin/register/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="api_token.revoke", object_id=str(token.pk)).exists()
