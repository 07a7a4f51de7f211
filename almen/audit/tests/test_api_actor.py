"""API writes are audited under the token and the person who created it (docs/api.md)."""

from __future__ import annotations

import pytest
from django.test import Client

from almen.audit.models import AuditEntry
from almen.audit.services import audit_record
from almen.goals.testing import GOAL_ID
from almen.register.models import ApiScope, Organisation
from almen.register.tokens import api_token_create

pytestmark = pytest.mark.django_db


def _token(cast, *, creator=True):
    organisation = Organisation.objects.get(cvr="29190909")
    token, plaintext = api_token_create(
        actor=cast["org_staff"].user if creator else None,
        organisation=organisation,
        name="Lejesystem",
        scopes=[ApiScope.GOALS_WRITE],
    )
    return token, {"Authorization": f"Bearer {plaintext}"}


def _create_action(headers, title="Fællesspisning"):
    return Client().post(
        f"/api/v1/goals/{GOAL_ID}/actions",
        data={"title": title},
        content_type="application/json",
        headers=headers,
    )


def test_an_api_write_is_audited_under_the_token_and_its_creator(cast) -> None:
    token, headers = _token(cast)
    response = _create_action(headers)
    assert response.status_code == 201, response.content
    entry = AuditEntry.objects.get(object_type="goals.action", object_repr="Fællesspisning")
    assert entry.api_token_id == token.pk
    assert entry.actor_id == cast["org_staff"].user.pk
    assert "Lejesystem" in entry.actor_label
    assert token.prefix in entry.actor_label
    assert str(cast["org_staff"].user) in entry.actor_label


def test_a_token_whose_creator_is_gone_is_still_named(cast) -> None:
    token, headers = _token(cast, creator=False)
    assert _create_action(headers, "Grillaften").status_code == 201
    entry = AuditEntry.objects.get(object_type="goals.action", object_repr="Grillaften")
    assert entry.api_token_id == token.pk
    assert entry.actor_id is None
    assert entry.actor_label == f"API-token »Lejesystem« ({token.prefix}…)"


def test_the_token_does_not_carry_over_to_later_writes(cast) -> None:
    _token_obj, headers = _token(cast)
    assert _create_action(headers).status_code == 201
    # A later request without a token, and a write outside any request, name no token.
    Client().get("/")
    organisation = Organisation.objects.get(cvr="29190909")
    entry = audit_record(actor=None, action="test", obj=organisation, organisation_id=None)
    assert entry.api_token_id is None
    assert entry.actor_label == "system"


def test_an_api_import_names_the_token_in_every_entry(cast) -> None:
    from almen.imports.tests.test_imports import GOOD, csv_bytes, upload

    organisation = Organisation.objects.get(cvr="29190909")
    token, plaintext = api_token_create(
        actor=cast["org_staff"].user,
        organisation=organisation,
        name="Lejesystem",
        scopes=[ApiScope.REGISTER_IMPORT],
    )
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    response = Client().post(
        "/api/v1/imports",
        {"file": upload(csv_bytes(GOOD))},
        headers={"Authorization": f"Bearer {plaintext}"},
    )
    assert response.json()["status"] == "committed", response.content
    entries = AuditEntry.objects.filter(id__gt=before)
    actions = set(entries.values_list("action", flat=True))
    assert {"upload", "import", "move_in", "create"} <= actions
    assert set(entries.values_list("api_token_id", flat=True)) == {token.pk}
    assert set(entries.values_list("actor_id", flat=True)) == {cast["org_staff"].user.pk}
