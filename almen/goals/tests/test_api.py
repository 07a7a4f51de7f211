"""The goals API: who sees which goals, and what an integration may write."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from almen.audit.models import AuditEntry
from almen.goals import services
from almen.goals.models import (
    Action,
    ActionStatus,
    Commitment,
    Framework,
    Goal,
    GoalStatus,
    Indicator,
    Measurement,
    Review,
)
from almen.goals.progress import Direction
from almen.goals.testing import GOAL_ID
from almen.lib.visibility import Visibility
from almen.register.models import ApiScope, Organisation
from almen.register.tokens import api_token_create

pytestmark = pytest.mark.django_db

CVR_A = "29190909"
CVR_B = "31415926"


def _goal(organisation: Organisation, title: str, *, code: str = "1.1", **fields: Any) -> Goal:
    framework = Framework.objects.current()
    assert framework is not None
    goal = services.goal_create(
        actor=None,
        organisation=organisation,
        framework=framework,
        title=title,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2028, 12, 31),
        commitments=[Commitment.objects.get(cornerstone__framework=framework, code=code)],
        **fields,
    )
    services.indicator_create(
        actor=None,
        goal=goal,
        title=f"Indikator for {title}",
        unit="%",
        direction=Direction.INCREASE,
        baseline_value=Decimal(10),
        baseline_date=dt.date(2025, 1, 1),
        target_value=Decimal(30),
        target_date=dt.date(2028, 1, 1),
    )
    return goal


PUBLISHED = {"status": GoalStatus.ADOPTED, "visibility": Visibility.PUBLIC}


@pytest.fixture
def orgs(cast) -> tuple[Organisation, Organisation]:
    return Organisation.objects.get(cvr=CVR_A), Organisation.objects.get(cvr=CVR_B)


@pytest.fixture
def goals(orgs) -> dict[str, Goal]:
    a, b = orgs
    return {
        "a_public": _goal(a, "A offentligt", **PUBLISHED),
        "a_private": _goal(a, "A privat", status=GoalStatus.ADOPTED),
        "a_draft_public": _goal(a, "A kladde", visibility=Visibility.PUBLIC),
        "b_public": _goal(b, "B offentligt", code="2.1", **PUBLISHED),
        "b_private": _goal(b, "B privat", status=GoalStatus.ADOPTED),
    }


@pytest.fixture
def staff(cast):
    return cast["org_staff"].user


def token_for(organisation: Organisation, *scopes: str, actor: Any = None) -> dict[str, str]:
    _, plaintext = api_token_create(
        actor=actor, organisation=organisation, name="ERP", scopes=list(scopes)
    )
    return {"Authorization": f"Bearer {plaintext}"}


def titles(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {g["title"] for g in response.json()["items"]}


# --- reading -----------------------------------------------------------------------------


def test_anonymous_sees_only_published_goals(goals) -> None:
    seen = titles(Client().get("/api/v1/goals"))
    assert {"A offentligt", "B offentligt"} <= seen
    assert not seen & {"A privat", "A kladde", "B privat", "Flere til afdelingsmødet"}
    for key in ("a_private", "a_draft_public", "b_private"):
        response = Client().get(f"/api/v1/goals/{goals[key].public_id}")
        assert response.status_code == 404
        assert "Intet mål" in response.json()["detail"]


def test_a_logged_in_session_is_not_a_token(goals, client_for) -> None:
    seen = titles(client_for("org_staff").get("/api/v1/goals"))
    assert "A privat" not in seen


def test_token_sees_its_own_private_goals_but_not_another_organisations(orgs, goals) -> None:
    a, _b = orgs
    headers = token_for(a, ApiScope.GOALS_READ)
    seen = titles(Client().get("/api/v1/goals?limit=500", headers=headers))
    assert {"A offentligt", "A privat", "A kladde", "B offentligt"} <= seen
    assert "Flere til afdelingsmødet" in seen  # the matrix goal: organisation A's
    assert "B privat" not in seen
    own = Client().get(f"/api/v1/goals/{goals['a_private'].public_id}", headers=headers)
    assert own.status_code == 200
    other = Client().get(f"/api/v1/goals/{goals['b_private'].public_id}", headers=headers)
    assert other.status_code == 404


def test_token_without_a_goals_scope_reads_like_anonymous(orgs, goals) -> None:
    headers = token_for(orgs[0], ApiScope.REGISTER_READ)
    seen = titles(Client().get("/api/v1/goals", headers=headers))
    assert "A privat" not in seen


def test_a_bad_token_is_401_not_anonymous(goals) -> None:
    response = Client().get("/api/v1/goals", headers={"Authorization": "Bearer almen_nope"})
    assert response.status_code == 401


def test_filters(orgs, goals) -> None:
    assert titles(Client().get("/api/v1/goals?commitment=2.1")) == {"B offentligt"}
    assert "B offentligt" not in titles(Client().get("/api/v1/goals?commitment=1.1"))
    assert titles(Client().get(f"/api/v1/goals?organisation={CVR_B}")) == {"B offentligt"}
    assert titles(Client().get("/api/v1/goals?municipality=751")) == {"B offentligt"}
    assert "A offentligt" in titles(Client().get("/api/v1/goals?municipality=0101"))
    assert titles(Client().get("/api/v1/goals?status=draft")) == set()
    for bad in ("status=kladde", "municipality=Aarhus", "organisation=12", "commitment=x"):
        response = Client().get(f"/api/v1/goals?{bad}")
        assert response.status_code == 422, bad


def test_goal_list_queries_are_bounded(orgs, goals, django_assert_max_num_queries) -> None:
    for number in range(8):
        _goal(orgs[0], f"Ekstra {number}", **PUBLISHED)
    headers = token_for(orgs[0], ApiScope.GOALS_READ)
    Client().get("/api/v1/goals", headers=headers)  # token's last_used_at written once
    # token, count, page, commitments, prerequisites
    with django_assert_max_num_queries(5):
        response = Client().get("/api/v1/goals", headers=headers)
    assert response.json()["count"] >= 12
    with django_assert_max_num_queries(4):
        Client().get("/api/v1/goals")


def test_goal_detail_has_codes_indicator_status_actions_reviews_and_lineage(
    orgs, goals, staff, django_assert_max_num_queries
) -> None:
    source = goals["a_public"]
    indicator = source.indicators.get()
    services.measurement_record(
        actor=None, indicator=indicator, date=dt.date(2026, 1, 1), value=Decimal(20)
    )
    services.action_create(actor=None, goals=[source], title="Lektiecafé", due=dt.date(2026, 6, 1))
    services.review_record(
        actor=None, goal=source, date=dt.date(2026, 2, 1), assessment="on_track", worked="Meget"
    )
    copy = services.goal_copy(actor=staff, source=source, organisation=orgs[1])
    services.goal_update(actor=None, goal=copy, status=GoalStatus.ADOPTED, visibility="public")

    with django_assert_max_num_queries(7):
        response = Client().get(f"/api/v1/goals/{source.public_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["commitments"] == ["1.1"]
    assert body["organisation_cvr"] == CVR_A
    assert body["municipality_code"] == "0101"
    [out] = body["indicators"]
    assert out["latest_value"] == 20.0
    assert out["baseline_value"] == 10.0
    assert out["status"] in {"substantial_progress", "target_achieved", "moderate_progress"}
    assert out["method"] and out["ratio"] is not None
    assert [a["title"] for a in body["actions"]] == ["Lektiecafé"]
    assert body["reviews"][0]["worked"] == "Meget"

    lineage = Client().get(f"/api/v1/goals/{copy.public_id}").json()
    assert lineage["inspired_by"] == str(source.public_id)
    # Once the source is withdrawn, neither its id nor its label is shown to outsiders.
    services.goal_update(actor=None, goal=source, visibility=Visibility.ORGANISATION)
    hidden = Client().get(f"/api/v1/goals/{copy.public_id}").json()
    assert hidden["inspired_by"] is None
    assert hidden["inspired_by_label"] == ""


def test_measurements_list(goals) -> None:
    goal = goals["a_public"]
    indicator = goal.indicators.get()
    for month in (3, 1, 2):
        services.measurement_record(
            actor=None, indicator=indicator, date=dt.date(2026, month, 1), value=Decimal(month)
        )
    url = f"/api/v1/goals/{goal.public_id}/indicators/{indicator.public_id}/measurements"
    body = Client().get(url).json()
    assert [m["date"] for m in body["items"]] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    assert body["items"][0]["value"] == 1.0
    assert Client().get(url.replace(str(indicator.public_id), str(uuid.uuid4()))).status_code == 404
    private = goals["a_private"]
    private_url = (
        f"/api/v1/goals/{private.public_id}/indicators/"
        f"{private.indicators.get().public_id}/measurements"
    )
    assert Client().get(private_url).status_code == 404


# --- writing -----------------------------------------------------------------------------


def _measurements_url(goal: Goal) -> str:
    indicator = goal.indicators.get()
    return f"/api/v1/goals/{goal.public_id}/indicators/{indicator.public_id}/measurements"


def post(url: str, data: Any, headers: dict[str, str], method: str = "post"):
    return getattr(Client(), method)(
        url, data=data, content_type="application/json", headers=headers
    )


def test_batch_of_measurements_with_decimal_comma_is_saved_with_the_token_creator_as_actor(
    orgs, goals, staff
) -> None:
    goal = goals["a_private"]
    headers = token_for(orgs[0], ApiScope.GOALS_WRITE, actor=staff)
    items = [
        {"date": "2026-01-01", "value": "72,5", "note": "Fra ERP"},
        {"date": "01-02-2026", "value": 73},
        {"date": "2026-03-01", "value": 73.25, "evidence_url": "https://example.org/x"},
    ]
    response = post(_measurements_url(goal), items, headers)
    assert response.status_code == 201, response.content
    assert [m["value"] for m in response.json()] == [72.5, 73.0, 73.25]
    indicator = goal.indicators.get()
    saved = list(indicator.measurements.values_list("date", "value", "source"))
    assert saved == [
        (dt.date(2026, 1, 1), Decimal("72.5"), "imported"),
        (dt.date(2026, 2, 1), Decimal(73), "imported"),
        (dt.date(2026, 3, 1), Decimal("73.25"), "imported"),
    ]
    entries = AuditEntry.objects.filter(object_type="goals.measurement")
    assert entries.count() == 3
    assert {e.actor_id for e in entries} == {staff.pk}
    # The same date again corrects the value rather than failing.
    again = post(_measurements_url(goal), [{"date": "2026-01-01", "value": "70"}], headers)
    assert again.status_code == 201
    assert indicator.measurements.get(date=dt.date(2026, 1, 1)).value == Decimal(70)


def test_batch_with_one_bad_item_saves_nothing_and_names_the_item(orgs, goals) -> None:
    goal = goals["a_public"]
    headers = token_for(orgs[0], ApiScope.GOALS_WRITE)
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    items = [
        {"date": "2026-01-01", "value": "12,5"},
        {"date": future, "value": 13},
        {"date": "2026-03-01", "value": "tretten"},
        {"date": "31-02-2026", "value": 1},
        {"date": "2026-04-01", "value": True},
        {"date": "2026-05-01", "value": None},
        {"date": "2026-06-01", "value": 1, "evidence_url": "javascript:alert(1)"},
    ]
    response = post(_measurements_url(goal), items, headers)
    assert response.status_code == 400
    body = response.json()
    assert "Ingen målinger er gemt" in body["detail"]
    by_index = {e["index"]: e for e in body["errors"]}
    assert set(by_index) == {1, 2, 3, 4, 5, 6}
    assert "fremtiden" in by_index[1]["message"] and by_index[1]["field"] == "date"
    assert "ikke et tal" in by_index[2]["message"] and by_index[2]["field"] == "value"
    assert "gyldig dato" in by_index[3]["message"]
    assert by_index[6]["field"] == "evidence_url"
    assert not Measurement.objects.filter(indicator__goal=goal).exists()


def test_a_refusal_by_the_service_rolls_back_the_whole_batch(orgs, goals) -> None:
    goal = goals["a_public"]
    headers = token_for(orgs[0], ApiScope.GOALS_WRITE)
    # Too many digits for the column: only the model's full_clean notices.
    items = [{"date": "2026-01-01", "value": 1}, {"date": "2026-02-01", "value": "1" * 20}]
    response = post(_measurements_url(goal), items, headers)
    assert response.status_code == 400
    assert [e["index"] for e in response.json()["errors"]] == [1]
    assert not Measurement.objects.filter(indicator__goal=goal).exists()


@pytest.mark.parametrize("body", [{}, "x", [{"value": 1}], []])
def test_malformed_measurement_bodies_are_4xx(orgs, goals, body) -> None:
    headers = token_for(orgs[0], ApiScope.GOALS_WRITE)
    response = post(_measurements_url(goals["a_public"]), body, headers)
    assert 400 <= response.status_code < 500


def test_writing_needs_the_write_scope_and_an_own_goal(orgs, goals) -> None:
    a, b = orgs
    item = [{"date": "2026-01-01", "value": 1}]
    read_only = token_for(a, ApiScope.GOALS_READ)
    response = post(_measurements_url(goals["a_public"]), item, read_only)
    assert response.status_code == 403
    assert "goals:write" in response.json()["detail"]
    writer = token_for(a, ApiScope.GOALS_WRITE)
    for key in ("b_public", "b_private"):
        assert post(_measurements_url(goals[key]), item, writer).status_code == 404
    assert post(_measurements_url(goals["a_public"]), item, {}).status_code == 401
    # Another organisation's goal is 404 for actions and reviews too.
    other = goals["b_public"].public_id
    assert post(f"/api/v1/goals/{other}/actions", {"title": "x"}, writer).status_code == 404
    review = {"date": "2026-01-01", "assessment": "on_track", "worked": "x"}
    assert post(f"/api/v1/goals/{other}/reviews", review, writer).status_code == 404
    assert not Measurement.objects.filter(indicator__goal__organisation=b).exists()


def test_actions_are_created_and_updated(orgs, goals, staff) -> None:
    goal = goals["a_private"]
    headers = token_for(orgs[0], ApiScope.GOALS_WRITE, actor=staff)
    url = f"/api/v1/goals/{goal.public_id}/actions"
    created = post(
        url,
        {"title": "Energirenovering", "due": "2027-06-30", "budget_dkk": "1.250.000,50"},
        headers,
    )
    assert created.status_code == 201, created.content
    action = Action.objects.get(public_id=created.json()["id"])
    assert list(action.goals.all()) == [goal]
    assert action.budget_dkk == Decimal("1250000.50")
    assert created.json()["budget_dkk"] == 1250000.5

    changed = post(f"{url}/{action.public_id}", {"status": "in_progress"}, headers, "patch")
    assert changed.status_code == 200, changed.content
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert action.title == "Energirenovering"  # untouched fields stay
    assert AuditEntry.objects.filter(object_type="goals.action", actor=staff).count() == 2

    bad_status = post(f"{url}/{action.public_id}", {"status": "færdig"}, headers, "patch")
    assert bad_status.status_code == 422
    bad_dates = post(
        f"{url}/{action.public_id}", {"start": "2027-07-01", "due": "2027-01-01"}, headers, "patch"
    )
    assert bad_dates.status_code == 400
    assert "Fristen" in bad_dates.json()["detail"]
    bad_budget = post(url, {"title": "x", "budget_dkk": "mange"}, headers)
    assert bad_budget.status_code == 400
    assert "ikke et tal" in bad_budget.json()["detail"]
    unknown = post(f"{url}/{uuid.uuid4()}", {"status": "done"}, headers, "patch")
    assert unknown.status_code == 404


def test_reviews_are_recorded_and_future_dates_refused(orgs, goals) -> None:
    goal = goals["a_public"]
    headers = token_for(orgs[0], ApiScope.GOALS_WRITE)
    url = f"/api/v1/goals/{goal.public_id}/reviews"
    ok = post(url, {"date": "2026-01-15", "assessment": "at_risk", "change": "Mere"}, headers)
    assert ok.status_code == 201, ok.content
    assert Review.objects.get(goal=goal).change == "Mere"
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    refused = post(url, {"date": future, "assessment": "at_risk", "change": "x"}, headers)
    assert refused.status_code == 400
    assert "fremtiden" in refused.json()["detail"]
    empty = post(url, {"date": "2026-01-15", "assessment": "at_risk"}, headers)
    assert empty.status_code == 400
    assert Review.objects.filter(goal=goal).count() == 1


def test_matrix_goal_is_hidden_from_anonymous_and_readable_with_its_token(orgs) -> None:
    url = f"/api/v1/goals/{GOAL_ID}"
    assert Client().get(url).status_code == 404
    headers = token_for(orgs[0], ApiScope.GOALS_READ)
    assert Client().get(url, headers=headers).status_code == 200
    assert Indicator.objects.filter(goal__public_id=GOAL_ID).exists()


def test_openapi_documents_the_goal_endpoints() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert "get" in paths["/api/v1/goals"]
    assert "get" in paths["/api/v1/goals/{public_id}"]
    measurements = paths["/api/v1/goals/{public_id}/indicators/{indicator_id}/measurements"]
    assert measurements["post"]["security"] == [{"ApiTokenAuth": []}]
    # Reading needs no token (the empty requirement); a token that is sent is checked.
    assert measurements["get"]["security"] == [{}, {"ApiTokenAuth": []}]
