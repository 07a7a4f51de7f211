"""Parallel writes: real requests in threads, each with its own database connection,
on PostgreSQL (SQLite serialises every write, so races cannot happen there).

The threads commit (they are not inside the test's transaction), so each test
creates what it needs through a thread and removes it again afterwards; the matrix
goal, indicator and action (committed at session start) are the shared fixtures."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from almen.accounts.tests.helpers import login_with_mfa
from almen.audit.models import AuditEntry
from almen.goals.models import Action, Goal, Indicator, Measurement, RequestKey
from almen.goals.testing import ACTION_ID, GOAL_ID, INDICATOR_ID
from almen.goals.tests.test_bounds import goal_form_data
from almen.lib.tests.threads import in_thread, parallel
from almen.register.models import ApiScope, ApiToken, Organisation
from almen.register.tokens import api_token_create

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Races need a database with real concurrent transactions: run on PostgreSQL "
        "(CI does, with DATABASE_URL=postgres://…).",
    ),
]
CVR = "29190909"
ROUNDS = 5
PARALLEL = 8


def client() -> Client:
    """A test client for one thread. Answers are counted by status: the test client's
    re-raising of a view's exception listens to a process-wide signal, so in threads it
    would raise one request's error in another's."""
    return Client(raise_request_exception=False)


@pytest.fixture(autouse=True)
def remove_committed_audit_entries() -> Any:
    """The threads' audit entries are committed: remove them so that later tests in
    this database count only their own."""
    newest = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True)
    last = in_thread(newest.first)
    yield
    in_thread(lambda: AuditEntry.objects.filter(pk__gt=last or 0).delete())


@pytest.fixture
def token(cast) -> Any:
    def create() -> tuple[int, str]:
        token, plaintext = api_token_create(
            actor=None,
            organisation=Organisation.objects.get(cvr=CVR),
            name="Parallel",
            scopes=[ApiScope.GOALS_WRITE],
        )
        return token.pk, plaintext

    pk, plaintext = in_thread(create)
    yield {"Authorization": f"Bearer {plaintext}"}
    in_thread(lambda: ApiToken.objects.filter(pk=pk).delete())


def test_parallel_posts_of_the_same_measurement_date_all_succeed(token) -> None:
    """Before: 15 of 40 answered 500 (the unique constraint on indicator and date)."""
    url = f"/api/v1/goals/{GOAL_ID}/indicators/{INDICATOR_ID}/measurements"
    indicator_pk = Indicator.objects.get(public_id=INDICATOR_ID).pk
    statuses: list[int] = []
    try:
        for round_ in range(ROUNDS):
            day = f"2026-0{round_ + 1}-01"

            def post(value: int, day: str = day) -> int:
                body = [{"date": day, "value": value}]
                return (
                    client()
                    .post(url, body, content_type="application/json", headers=token)
                    .status_code
                )

            statuses += parallel([partial(post, v) for v in range(PARALLEL)])
        assert statuses == [201] * (ROUNDS * PARALLEL)
        counts = in_thread(
            lambda: sorted(
                Measurement.objects.filter(indicator_id=indicator_pk).values_list("date", flat=True)
            )
        )
        assert counts == [dt.date(2026, m, 1) for m in range(1, ROUNDS + 1)]
    finally:
        in_thread(lambda: _remove_measurements(indicator_pk))


def _remove_measurements(indicator_pk: int) -> None:
    ids = [
        str(pk)
        for pk in Measurement.objects.filter(indicator_id=indicator_pk).values_list("pk", flat=True)
    ]
    AuditEntry.objects.filter(object_type="goals.measurement", object_id__in=ids).delete()
    Measurement.objects.filter(indicator_id=indicator_pk).delete()


def test_parallel_patches_of_different_fields_both_survive(token) -> None:
    """Before: ``action_update`` saved every field from its own (stale) read, so one of
    two parallel changes was lost (5 of 5 rounds on PostgreSQL)."""
    url = f"/api/v1/goals/{GOAL_ID}/actions/{ACTION_ID}"
    original = in_thread(
        lambda: Action.objects.values("title", "status", "due").get(public_id=ACTION_ID)
    )
    try:
        for round_ in range(ROUNDS):
            due = dt.date(2027, 1, round_ + 1)
            title = f"Børnepasning på mødet ({round_})"
            status = "in_progress" if round_ % 2 == 0 else "planned"

            def patch(body: dict[str, Any]) -> int:
                return (
                    client()
                    .patch(url, body, content_type="application/json", headers=token)
                    .status_code
                )

            results = parallel(
                [
                    partial(patch, {"title": title}),
                    partial(patch, {"due": due.isoformat()}),
                    partial(patch, {"status": status}),
                ]
            )
            assert results == [200, 200, 200]
            saved = in_thread(
                lambda: Action.objects.values("title", "due", "status").get(public_id=ACTION_ID)
            )
            assert saved == {"title": title, "due": due, "status": status}, round_
    finally:
        in_thread(lambda: Action.objects.filter(public_id=ACTION_ID).update(**original))


def test_parallel_identical_goal_creates_make_one_goal(cast) -> None:
    """A double click on "Gem mål": both requests carry the form's one-time token; one
    goal is made and both answers lead to it."""
    user = cast["org_staff"].user
    data = goal_form_data(title=f"Dobbeltklik {uuid.uuid4().hex[:6]}", form_token=uuid.uuid4().hex)
    url = reverse("goals:goal_create", args=[CVR])

    def submit() -> tuple[int, str]:
        browser = client()
        login_with_mfa(browser, user)
        response = browser.post(url, data)
        return response.status_code, response.get("Location", "")

    try:
        results = parallel([submit for _ in range(4)])
        goals = in_thread(lambda: list(Goal.objects.filter(title=data["title"])))
        assert len(goals) == 1
        location = reverse("goals:goal_detail", args=[goals[0].public_id])
        assert results == [(302, location)] * 4
    finally:
        in_thread(lambda: _remove_goals(data["title"], data["form_token"]))


def _remove_goals(title: str, key: str) -> None:
    ids = [str(pk) for pk in Goal.objects.filter(title=title).values_list("pk", flat=True)]
    AuditEntry.objects.filter(object_type="goals.goal", object_id__in=ids).delete()
    Goal.objects.filter(title=title).delete()
    RequestKey.objects.filter(key=key).delete()


def test_parallel_api_creates_with_one_idempotency_key_make_one_action(token) -> None:
    url = f"/api/v1/goals/{GOAL_ID}/actions"
    key = uuid.uuid4().hex
    title = f"Parallel indsats {key[:6]}"

    def post() -> tuple[int, str]:
        response = client().post(
            url,
            {"title": title, "budget_dkk": "1.000,50"},
            content_type="application/json",
            headers={**token, "Idempotency-Key": key},
        )
        return response.status_code, response.json()["id"]

    try:
        results = parallel([post for _ in range(4)])
        assert sorted(status for status, _id in results) == [200, 200, 200, 201]
        assert len({action_id for _status, action_id in results}) == 1
        assert in_thread(lambda: Action.objects.filter(title=title).count()) == 1
        assert in_thread(lambda: Action.objects.get(title=title).budget_dkk) == Decimal("1000.50")
    finally:

        def remove() -> None:
            Action.objects.filter(title=title).delete()
            RequestKey.objects.filter(key=key).delete()

        in_thread(remove)
