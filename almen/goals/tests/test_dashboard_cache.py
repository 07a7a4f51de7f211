"""The dashboards' goals panels are cached on the goals version (``picture.cached_on_goals``,
the same version as the status overview and the goal page): a warm home page costs a
cache get per panel, and a change to a goal or action shows on the next request. No
``cache.clear()`` between the changes here: the version is what must move, as the
services' ``on_commit`` makes it move in production."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from almen.access.policy import principal_for
from almen.goals import manifest, services
from almen.goals.models import Action, Commitment, Framework, Goal, GoalStatus
from almen.lib.visibility import Visibility
from almen.register.models import Body, BodyKind, BodyMembership, BodyRole, Organisation

ORG_A = "29190909"


def _goal(title: str) -> Goal:
    framework = Framework.objects.current()
    assert framework is not None
    return services.goal_create(
        actor=None,
        organisation=Organisation.objects.get(cvr=ORG_A),
        framework=framework,
        title=title,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2028, 12, 31),
        commitments=[Commitment.objects.get(cornerstone__framework=framework, code="3.2")],
        status=GoalStatus.ADOPTED,
        visibility=Visibility.ORGANISATION,
    )


def _section(html: str, anchor: str) -> str:
    start = html.index(anchor)
    return html[start : html.index("</section>", start)]


@pytest.fixture
def action(cast, django_capture_on_commit_callbacks) -> Action:
    cache.clear()  # what earlier tests cached (their on_commit never ran) is not ours
    with django_capture_on_commit_callbacks(execute=True):
        goal = _goal("Tryghed i opgangene")
        made = services.action_create(
            actor=None,
            goals=[goal],
            title="Lys i kældergangen",
            due=timezone.localdate() + dt.timedelta(days=5),
            responsible_user=cast["org_staff"].user,
        )
    return made


def test_a_changed_deadline_shows_on_the_next_request(
    action, cast, client_for, django_capture_on_commit_callbacks
) -> None:
    client = client_for("org_staff")
    soon = action.due
    html = client.get("/").content.decode()
    assert f"frist {soon:%d-%m-%Y}" in _section(html, 'id="my-work-h"')
    assert f"frist {soon:%d-%m-%Y}" in _section(html, 'id="attention"')
    assert "fristen var" not in _section(html, 'id="attention"')

    overdue = timezone.localdate() - dt.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.action_update(actor=None, action=action, due=overdue)
    html = client.get("/").content.decode()
    my_work, attention = _section(html, 'id="my-work-h"'), _section(html, 'id="attention"')
    assert f"frist {soon:%d-%m-%Y}" not in my_work + attention
    assert f"frist {overdue:%d-%m-%Y}" in my_work and "Forsinket" in my_work
    assert f"fristen var {overdue:%d-%m-%Y}" in attention

    with django_capture_on_commit_callbacks(execute=True):
        services.action_update(actor=None, action=action, status="done")
    html = client.get("/").content.decode()
    for anchor in ('id="my-work-h"', 'id="attention"'):
        assert "Lys i kældergangen" not in _section(html, anchor)  # done: in neither


def test_a_warm_dashboard_makes_fewer_queries_than_a_cold_one(action, client_for) -> None:
    client = client_for("org_staff")
    with CaptureQueriesContext(connection) as cold:
        client.get("/")
    with CaptureQueriesContext(connection) as warm:
        html = client.get("/").content.decode()
    assert "Lys i kældergangen" in html
    # attention (3), my work's actions (2) and the overview (2) come from the cache;
    # my work still reads the person's bodies.
    assert len(warm) <= len(cold) - 7, (len(cold), len(warm))


def test_a_new_seat_on_a_body_shows_its_actions_at_once(cast, client_for) -> None:
    """A seat given (people app) does not move the goals version; the bodies the person
    sits on are part of the cache key, read on every request."""
    cache.clear()
    goal = _goal("Bedre affaldssortering")
    body = Body.objects.get(organisation__cvr=ORG_A, kind=BodyKind.ORGANISATION_BOARD)
    services.action_create(
        actor=None, goals=[goal], title="Nye skilte ved containerne", responsible_body=body
    )
    staff = cast["org_staff"].user
    client = client_for("org_staff")
    assert "Nye skilte ved containerne" not in _section(
        client.get("/").content.decode(), 'id="my-work-h"'
    )
    BodyMembership.objects.create(
        body=body, user=staff, role=BodyRole.SUBSTITUTE, term_start=dt.date(2025, 1, 1)
    )
    my_work = _section(client.get("/").content.decode(), 'id="my-work-h"')
    assert "Nye skilte ved containerne" in my_work


def test_two_readers_with_the_same_roles_share_attention_but_not_my_work(action, cast) -> None:
    """Attention is the same for every reader of the same scope; "my work" is the
    person's own."""
    me = principal_for(cast["org_staff"].user)
    other = dataclasses.replace(me, user_id=cast["org_board"].user.pk)
    mine = manifest.my_work_panel(me)
    assert mine is not None and [a.title for a in mine["actions"]] == ["Lys i kældergangen"]
    theirs = manifest.my_work_panel(other)
    assert theirs is not None and theirs["actions"] == []
    first = manifest.attention_panel(me)
    with CaptureQueriesContext(connection) as shared:
        again = manifest.attention_panel(other)
    assert again is not None and first is not None
    assert [a.title for a in again["actions_soon"]] == ["Lys i kældergangen"]
    assert len(shared) == 0  # the same roles: the same cached panel
