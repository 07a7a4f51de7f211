"""API tokens and municipalities are principals of the one access policy (issue 6,
item 13): they see exactly what the copies of the rules they replace let them see, and
the copies are gone."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.test import Client

from almen.access.policy import principal_for_municipality
from almen.dialogue import access as dialogue_access
from almen.goals import api as goals_api
from almen.goals import services
from almen.goals.access import can_manage_goal, can_view_goal, goal_scope, visible_goals
from almen.goals.models import Commitment, Framework, Goal, GoalStatus
from almen.lib.visibility import LADDER, Visibility
from almen.register.models import ApiScope, ApiToken, Organisation
from almen.register.tokens import api_token_create, token_principal

pytestmark = pytest.mark.django_db

CVR_A = "29190909"
CVR_B = "31415926"


@pytest.fixture
def every_kind_of_goal(cast) -> list[Goal]:
    """Organisation and estate goals of two organisations, at every visibility and
    status."""
    framework = Framework.objects.current()
    assert framework is not None
    commitment = Commitment.objects.filter(cornerstone__framework=framework).first()
    assert commitment is not None
    goals = []
    for cvr in (CVR_A, CVR_B):
        organisation = Organisation.objects.get(cvr=cvr)
        estate = organisation.estates.order_by("number").first()
        for place, visibility, status in itertools.product(
            (None, estate), LADDER, GoalStatus.values
        ):
            goals.append(
                services.goal_create(
                    actor=None,
                    organisation=organisation,
                    estate=place,
                    framework=framework,
                    title=f"{cvr} {place and place.number} {visibility} {status}",
                    period_start=dt.date(2026, 1, 1),
                    period_end=dt.date(2028, 12, 31),
                    commitments=[commitment],
                    visibility=visibility,
                    status=status,
                )
            )
    return list(
        Goal.objects.filter(pk__in=[g.pk for g in goals]).select_related("organisation", "estate")
    )


def _published(goal: Goal) -> bool:
    return goal.visibility == Visibility.PUBLIC and goal.status != GoalStatus.DRAFT


def _token(scopes: list[str]) -> ApiToken:
    token, _ = api_token_create(
        actor=None, organisation=Organisation.objects.get(cvr=CVR_A), name="T", scopes=scopes
    )
    return token


@pytest.mark.parametrize(
    "scopes",
    [[ApiScope.GOALS_READ], [ApiScope.GOALS_WRITE], [ApiScope.REGISTER_READ]],
)
def test_a_token_sees_what_the_old_token_rule_let_it_see(every_kind_of_goal, scopes) -> None:
    """The rule that goals/api.py used to keep for itself, as the specification:
    published goals, plus every goal of the token's own organisation when the token may
    read goals (drafts and non-public ones included). Nothing another organisation
    shares with the sector or a municipality: a token is not a professional."""
    token = _token(scopes)
    p = token_principal(token)
    reads_goals = ApiScope.GOALS_READ in scopes or ApiScope.GOALS_WRITE in scopes
    visible = set(visible_goals(p).values_list("pk", flat=True))
    for goal in every_kind_of_goal:
        expected = _published(goal) or (
            reads_goals and goal.organisation_id == token.organisation_id
        )
        assert can_view_goal(p, goal) is expected, goal.title
        assert (goal.pk in visible) is expected, goal.title
        assert can_manage_goal(p, goal) is (
            reads_goals and goal.organisation_id == token.organisation_id
        )


def test_the_municipality_sees_what_the_old_dialogue_rule_let_it_see(every_kind_of_goal) -> None:
    """The rule dialogue/access.py used to write again, as the specification: not a
    draft, and shared with the sector or wider, or with the municipality where the goal
    lives."""
    for organisation in Organisation.objects.filter(cvr__in=(CVR_A, CVR_B)):
        municipality_id = organisation.municipality_id
        p = principal_for_municipality(municipality_id)
        visible = set(visible_goals(p).values_list("pk", flat=True))
        for goal in every_kind_of_goal:
            expected = goal.status != GoalStatus.DRAFT and (
                goal.visibility in (Visibility.SECTOR, Visibility.PUBLIC)
                or (
                    goal.visibility == Visibility.MUNICIPALITY
                    and municipality_id in goal_scope(goal).municipality_ids
                )
            )
            assert dialogue_access.goal_visible_to_municipality(goal, municipality_id) is expected
            assert (goal.pk in visible) is expected, goal.title
            assert not can_manage_goal(p, goal)


def test_a_token_principal_is_neither_anonymous_nor_a_person() -> None:
    p = token_principal(_token([ApiScope.GOALS_READ]))
    assert not p.is_anonymous
    assert p.user_id is None
    assert p.is_token and not p.is_professional
    assert p.has_scope(ApiScope.GOALS_READ) and not p.has_scope(ApiScope.GOALS_WRITE)


def test_the_api_reads_goals_through_the_policy(every_kind_of_goal) -> None:
    """The API lists exactly the policy's ``visible_goals`` for the token."""
    token, plaintext = api_token_create(
        actor=None,
        organisation=Organisation.objects.get(cvr=CVR_A),
        name="T",
        scopes=[ApiScope.GOALS_READ],
    )
    response = Client().get(
        "/api/v1/goals?limit=500", headers={"Authorization": f"Bearer {plaintext}"}
    )
    listed = {item["id"] for item in response.json()["items"]}
    expected = {
        str(public_id)
        for public_id in visible_goals(token_principal(token)).values_list("public_id", flat=True)
    }
    assert listed == expected


def test_the_copies_of_the_visibility_rules_are_gone() -> None:
    for name in ("goals_for_token", "_is_visible", "_own_goal", "_published_q", "optional_token"):
        assert not hasattr(goals_api, name), name
