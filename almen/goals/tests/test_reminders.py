"""Goals' reminders and notices through the outbox: who is reminded of an action or a
review, once per deadline (overdue: once a week), and who hears that a goal was shared
or adopted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from almen.access.roles import Role
from almen.accounts.models import User
from almen.goals import services
from almen.goals.models import Commitment, Framework, Goal, GoalStatus
from almen.goals.reminders import goal_reminders
from almen.goals.selectors import add_months
from almen.goals.testing import GOAL_ID
from almen.lib.visibility import Visibility
from almen.notify.models import Notification
from almen.notify.services import reminders_queue_all
from almen.register.models import Body, BodyKind, Membership, Organisation

pytestmark = pytest.mark.django_db

STAFF = "administration@almen.demo"


def goal() -> Goal:
    return Goal.objects.get(public_id=GOAL_ID)


def rows(kind: str) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("address", "context__path"))


def test_an_action_reminds_its_responsible_person_else_the_body_else_the_staff(
    cast: Any,
) -> None:
    today = timezone.localdate()
    person = User.objects.create(email="ansvarlig@example.dk")
    # Only the organisation's own people may be responsible (goals/responsible.py).
    Membership.objects.create(user=person, role=Role.ORG_STAFF, organisation=goal().organisation)
    body = Body.objects.get(kind=BodyKind.ESTATE_BOARD, estate=goal().estate)
    services.action_create(
        actor=None, goals=[goal()], title="Mine", due=today, responsible_user=person
    )
    services.action_create(
        actor=None, goals=[goal()], title="Bestyrelsens", due=today, responsible_body=body
    )
    services.action_create(actor=None, goals=[goal()], title="Ingens", due=today)
    services.action_create(  # far off: no reminder yet
        actor=None, goals=[goal()], title="Senere", due=today + dt.timedelta(days=30)
    )
    reminders = [r for r in goal_reminders(today) if r.kind == "goals.action_due"]
    by_title: dict[str, set[int]] = {}
    for r in reminders:
        by_title.setdefault(str(r.context["title"]), set()).add(r.user_id)
    members = set(body.memberships.current().values_list("user_id", flat=True))
    assert members
    assert by_title["Mine"] == {person.pk}
    assert by_title["Bestyrelsens"] == members
    # No one responsible: the organisation's staff (the person above is one of them).
    assert by_title["Ingens"] == {User.objects.get(email=STAFF).pk, person.pk}
    assert "Senere" not in by_title


def test_reminders_are_queued_once_a_day_and_overdue_weekly(cast: Any) -> None:
    person = User.objects.create(email="ansvarlig@example.dk")
    # Only the organisation's own people may be responsible (goals/responsible.py).
    Membership.objects.create(user=person, role=Role.ORG_STAFF, organisation=goal().organisation)
    day = timezone.localdate()
    services.action_create(
        actor=None, goals=[goal()], title="Legeplads", due=day, responsible_user=person
    )
    reminders_queue_all(today=day)
    reminders_queue_all(today=day)  # the same day again: nothing more
    assert rows("goals.action_due") == [("ansvarlig@example.dk", "/mine-indsatser/")]
    for offset in (1, 2, 6):  # overdue from the next day: once that week
        call_command("queue_reminders", "--date", (day + dt.timedelta(days=offset)).isoformat())
    assert len(rows("goals.action_overdue")) == 1
    call_command("queue_reminders", "--date", (day + dt.timedelta(days=8)).isoformat())
    assert len(rows("goals.action_overdue")) == 2


def test_a_review_due_reminds_the_organisations_staff(cast: Any) -> None:
    g = goal()
    due = add_months(g.period_start, g.review_interval_months)
    reminders_queue_all(today=due - dt.timedelta(days=3))
    assert (STAFF, f"/maal/{GOAL_ID}/") in rows("goals.review_due")
    reminders_queue_all(today=due + dt.timedelta(days=1))
    assert (STAFF, f"/maal/{GOAL_ID}/") in rows("goals.review_overdue")


def test_sharing_a_goal_with_the_municipality_tells_its_officers_once(cast: Any) -> None:
    g = goal()
    services.goal_update(actor=None, goal=g, visibility=Visibility.MUNICIPALITY)
    assert rows("goals.goal_shared") == [("kommune@almen.demo", f"/maal/{GOAL_ID}/")]
    services.goal_update(actor=None, goal=g, visibility=Visibility.SECTOR)
    assert [a for a, _ in rows("goals.goal_shared")] == ["kommune@almen.demo", "sektor@almen.demo"]
    services.goal_update(actor=None, goal=g, visibility=Visibility.ORGANISATION)
    services.goal_update(actor=None, goal=g, visibility=Visibility.SECTOR)
    assert len(rows("goals.goal_shared")) == 2  # once per goal and audience


def test_a_draft_is_shared_with_no_one(cast: Any) -> None:
    framework = Framework.objects.current()
    assert framework is not None
    services.goal_create(
        actor=None,
        organisation=Organisation.objects.get(cvr="29190909"),
        framework=framework,
        title="Kladde",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        commitments=list(Commitment.objects.filter(cornerstone__framework=framework)[:1]),
        visibility=Visibility.PUBLIC,
    )
    assert not Notification.objects.exists()


def test_adopting_a_goal_tells_the_source_organisations_staff(cast: Any) -> None:
    framework = Framework.objects.current()
    assert framework is not None
    source = services.goal_create(
        actor=None,
        organisation=Organisation.objects.get(cvr="29190909"),
        framework=framework,
        title="Offentligt mål",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        commitments=list(Commitment.objects.filter(cornerstone__framework=framework)[:1]),
        status=GoalStatus.ADOPTED,
        visibility=Visibility.PUBLIC,
    )
    Notification.objects.all().delete()  # the sharing notices
    other = Organisation.objects.get(cvr="31415926")
    services.goal_copy(actor=None, source=source, organisation=other)
    assert rows("goals.goal_adopted") == [(STAFF, f"/maal/{source.public_id}/")]
    assert Notification.objects.get().context["adopter"] == other.name
