"""State changes go through services: whitelisted fields, the current row (not a stale
read), one audit entry holding the diff (``audit.services.audited_update``), and
creates that a double click or a retry does not repeat."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from almen.audit.models import AuditEntry
from almen.audit.services import audited_update
from almen.goals import services
from almen.goals.models import Action, Commitment, Goal, Indicator, RequestKey
from almen.goals.testing import ACTION_ID, GOAL_ID, INDICATOR_ID
from almen.goals.tests.test_bounds import goal_form_data
from almen.register.models import ApiScope, Organisation
from almen.register.tokens import api_token_create

pytestmark = pytest.mark.django_db
CVR = "29190909"


@pytest.fixture
def goal(cast) -> Goal:
    return Goal.objects.get(public_id=GOAL_ID)


def _entries(obj) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk), action="update"
        ).order_by("pk")
    )


# --- the shared helper ---------------------------------------------------------------


def test_audited_update_records_only_the_diff_and_nothing_for_no_change(goal) -> None:
    action = Action.objects.get(public_id=ACTION_ID)
    audited_update(
        actor=None,
        obj=action,
        changes={"title": "Ny titel", "status": action.status},
        allowed={"title", "status"},
        organisation_id=action.organisation_id,
    )
    (entry,) = _entries(action)
    assert entry.before == {"title": "Børnepasning på mødet"}
    assert entry.after == {"title": "Ny titel"}
    assert action.title == "Ny titel"
    audited_update(
        actor=None,
        obj=action,
        changes={"title": "Ny titel"},
        allowed={"title"},
        organisation_id=action.organisation_id,
    )
    assert len(_entries(action)) == 1


def test_audited_update_refuses_a_field_outside_the_whitelist(goal) -> None:
    action = Action.objects.get(public_id=ACTION_ID)
    with pytest.raises(ValidationError) as exc:
        audited_update(
            actor=None,
            obj=action,
            changes={"organisation_id": 1},
            allowed={"title"},
            organisation_id=action.organisation_id,
        )
    assert "Disse felter kan ikke ændres: organisation_id" in str(exc.value)


# --- whitelists ----------------------------------------------------------------------


def test_indicator_update_refuses_moving_the_indicator_to_another_goal(goal) -> None:
    """Before: ``indicator_update`` set whatever it was given."""
    other = Goal.objects.exclude(pk=goal.pk).first() or goal
    indicator = Indicator.objects.get(public_id=INDICATOR_ID)
    with pytest.raises(ValidationError):
        services.indicator_update(actor=None, indicator=indicator, goal=other, title="x")
    assert Indicator.objects.get(pk=indicator.pk).title == "Fremmødte husstande"


def test_action_update_refuses_changing_the_organisation(goal) -> None:
    action = Action.objects.get(public_id=ACTION_ID)
    other = Organisation.objects.exclude(pk=action.organisation_id).first()
    with pytest.raises(ValidationError):
        services.action_update(actor=None, action=action, organisation=other)
    assert Action.objects.get(pk=action.pk).organisation_id == goal.organisation_id


# --- stale reads -----------------------------------------------------------------------


def test_an_update_from_a_stale_read_keeps_the_other_change(goal) -> None:
    """Two people read the action; one changes the title, then the other the status.
    Before, the second save wrote its stale title back over the first change."""
    first = Action.objects.get(public_id=ACTION_ID)
    second = Action.objects.get(public_id=ACTION_ID)
    services.action_update(actor=None, action=first, title="Børnepasning og kaffe")
    services.action_update(actor=None, action=second, status="in_progress")
    saved = Action.objects.get(public_id=ACTION_ID)
    assert (saved.title, saved.status) == ("Børnepasning og kaffe", "in_progress")
    assert second.title == "Børnepasning og kaffe"  # the caller's object is brought up to date


def test_goal_update_from_a_stale_read_keeps_the_other_change(goal) -> None:
    first = Goal.objects.get(pk=goal.pk)
    second = Goal.objects.get(pk=goal.pk)
    services.goal_update(actor=None, goal=first, title="Flere til mødet")
    services.goal_update(actor=None, goal=second, responsible="Afdelingsbestyrelsen")
    saved = Goal.objects.get(pk=goal.pk)
    assert (saved.title, saved.responsible) == ("Flere til mødet", "Afdelingsbestyrelsen")


# --- goal_edit through the service, commitments audited --------------------------------


def test_goal_edit_audits_the_commitments_it_changes(goal, client_for) -> None:
    """Before: the view set commitments and prerequisites itself, with no audit entry."""
    framework = goal.framework
    new = Commitment.objects.get(cornerstone__framework=framework, code="1.1")
    data = goal_form_data(
        title=goal.title,
        estate=goal.estate_id,
        local_context=goal.local_context,
        responsible=goal.responsible,
        status=goal.status,
        visibility=goal.visibility,
        commitments=[new.pk],
    )
    response = client_for("org_staff").post(reverse("goals:goal_edit", args=[goal.public_id]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(goal.commitments.values_list("code", flat=True)) == ["1.1"]
    entry = _entries(goal)[-1]
    before, after = entry.before or {}, entry.after or {}
    assert before["commitments"] == ["3.2"]
    assert after["commitments"] == ["1.1"]
    assert "prerequisites" not in after  # unchanged: not in the diff


def test_goal_update_needs_a_commitment_or_prerequisite(goal) -> None:
    with pytest.raises(ValidationError):
        services.goal_update(actor=None, goal=goal, commitments=[], prerequisites=[])
    assert goal.commitments.exists()


# --- the measurement batch is one service ----------------------------------------------


def test_measurement_batch_is_all_or_nothing_and_names_the_item(goal) -> None:
    indicator = Indicator.objects.get(public_id=INDICATOR_ID)
    items = [
        services.MeasurementItem(dt.date(2026, 1, 1), Decimal(13)),
        services.MeasurementItem(dt.date(9999, 12, 31), Decimal(14)),
    ]
    with pytest.raises(services.BatchError) as exc:
        services.measurements_record(actor=None, indicator=indicator, items=items)
    assert exc.value.index == 1
    assert "date" in exc.value.error.message_dict
    assert not indicator.measurements.exists()


# --- creates that are not repeated -----------------------------------------------------


def test_the_same_goal_form_sent_twice_makes_one_goal(client_for) -> None:
    """Before: two identical POSTs made two goals."""
    client = client_for("org_staff")
    url = reverse("goals:goal_create", args=[CVR])
    form = client.get(url).content.decode()
    token = form.split('name="form_token" value="')[1].split('"')[0]
    data = goal_form_data(title="Kun én gang", form_token=token)
    first = client.post(url, data)
    second = client.post(url, data, follow=True)
    goals = Goal.objects.filter(title="Kun én gang")
    assert goals.count() == 1
    assert first.status_code == 302
    assert first["Location"] == reverse("goals:goal_detail", args=[goals.get().public_id])
    assert second.redirect_chain[0][0] == first["Location"]
    messages = [str(m) for m in second.context["messages"]]
    assert "Formularen var allerede sendt: her er målet." in messages
    assert RequestKey.objects.filter(purpose="goal_create", key=token).count() == 1


def test_a_form_token_is_per_person(client_for, cast) -> None:
    token = uuid.uuid4().hex
    url = reverse("goals:goal_create", args=[CVR])
    client_for("org_staff").post(url, goal_form_data(title="Personens", form_token=token))
    client_for("estate_board_a").post(
        url,
        goal_form_data(
            title="Personens",
            form_token=token,
            estate=str(Goal.objects.get(public_id=GOAL_ID).estate_id),
        ),
    )
    assert Goal.objects.filter(title="Personens").count() == 2


def test_a_refused_goal_form_can_be_sent_again_with_its_token(client_for) -> None:
    client = client_for("org_staff")
    url = reverse("goals:goal_create", args=[CVR])
    token = uuid.uuid4().hex
    bad = client.post(
        url, goal_form_data(title="Rettet", form_token=token, period_end="9999-12-31")
    )
    assert bad.status_code == 400
    good = client.post(url, goal_form_data(title="Rettet", form_token=token))
    assert good.status_code == 302
    assert Goal.objects.filter(title="Rettet").count() == 1


def test_api_action_create_with_an_idempotency_key_is_not_repeated(goal) -> None:
    _token, plaintext = api_token_create(
        actor=None, organisation=goal.organisation, name="ERP", scopes=[ApiScope.GOALS_WRITE]
    )
    headers = {"Authorization": f"Bearer {plaintext}", "Idempotency-Key": "ordre-4711"}
    url = f"/api/v1/goals/{goal.public_id}/actions"
    body = {"title": "Ny legeplads"}
    first = Client().post(url, body, content_type="application/json", headers=headers)
    again = Client().post(url, body, content_type="application/json", headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Action.objects.filter(title="Ny legeplads").count() == 1
    other_key = {**headers, "Idempotency-Key": "ordre-4712"}
    third = Client().post(url, body, content_type="application/json", headers=other_key)
    assert third.status_code == 201
    assert Action.objects.filter(title="Ny legeplads").count() == 2
    unkeyed = {"Authorization": headers["Authorization"]}
    assert (
        Client().post(url, body, content_type="application/json", headers=unkeyed).status_code
        == 201
    )
