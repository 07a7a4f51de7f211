"""The seam between the decision register and goals (decision 0029, ``lib.decisions``):
a goal's "Vedtaget af" links to the decision and the decision page lists the goals and
actions that serve it, each only for those who may see the other side; with democracy
withdrawn the goal page keeps its text reference; neither module imports the other."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from almen.access.policy import principal_for
from almen.access.tests.test_writes import form_defaults
from almen.goals import services as goal_services
from almen.goals.manifest import decision_links
from almen.goals.models import Action, Goal, GoalStatus
from almen.goals.testing import ACTION_ID, GOAL_ID
from almen.lib.tests.test_layering import import_graph
from almen.lib.visibility import Visibility
from almen.web.tests.test_manifest import without

pytestmark = pytest.mark.django_db

from almen.democracy.testing import DECISION_ID  # noqa: E402

DECISION_TITLE = "Afdelingens mål for affaldssortering"
REFERENCE = "Afdelingsmødet 15-09-2026, punkt 4"
GOAL_URL = f"/maal/{GOAL_ID}/"
DECISION_URL = f"/beslutninger/{DECISION_ID}/"
PRIVATE_TITLE = "Bestyrelsens interne mål"


@pytest.fixture
def linked(cast) -> Goal:
    """The matrix goal (estate A, shared with organisation A) adopted by the matrix
    decision (estate A's, published to its residents), its action created by it, and a
    private goal of the estate adopted by the same decision."""
    cache.clear()  # the goal page's body is cached per goal version
    goal = Goal.objects.get(public_id=GOAL_ID)
    goal_services.goal_update(
        actor=None,
        goal=goal,
        decision_id=DECISION_ID,
        decision_reference=REFERENCE,
        adopted_on=dt.date(2026, 9, 15),
    )
    Action.objects.filter(public_id=ACTION_ID).update(decision_id=DECISION_ID)
    goal_services.goal_create(
        actor=None,
        organisation=goal.organisation,
        estate=goal.estate,
        framework=goal.framework,
        title=PRIVATE_TITLE,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2028, 12, 31),
        commitments=list(goal.commitments.all()),
        status=GoalStatus.ADOPTED,
        visibility=Visibility.PRIVATE,
        decision_id=DECISION_ID,
    )
    return goal


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("persona", ["resident_a", "estate_board_a", "org_board", "org_staff"])
def test_the_goal_links_to_its_decision_for_those_who_may_read_it(
    persona, linked, client_for
) -> None:
    html = _html(client_for(persona), GOAL_URL)
    assert "Vedtaget af" in html
    assert f'<a href="{DECISION_URL}">{DECISION_TITLE}</a>' in html
    assert "Afdelingsmødet" in html  # the forum
    assert REFERENCE not in html  # the link replaces the text
    assert "Besluttet ved" in html  # the action's decision


def test_the_goal_keeps_its_text_for_those_who_may_not_read_the_decision(
    linked, client_for
) -> None:
    # resident_b (estate 2) reads the goal, shared with the organisation, but not
    # estate A's decision.
    html = _html(client_for("resident_b"), GOAL_URL)
    assert REFERENCE in html
    assert DECISION_URL not in html and DECISION_TITLE not in html
    assert client_for("resident_b").get(DECISION_URL).status_code == 403


def test_the_decision_lists_what_serves_it_as_goals_rules_allow(linked, client_for) -> None:
    resident = _html(client_for("resident_a"), DECISION_URL)
    assert f'href="{GOAL_URL}"' in resident and "Flere til afdelingsmødet" in resident
    assert "Børnepasning på mødet" in resident  # the action, linked to its goal
    assert f'href="{GOAL_URL}#indsatser"' in resident
    assert PRIVATE_TITLE not in resident  # a private goal: not a resident's to see
    board = _html(client_for("estate_board_a"), DECISION_URL)
    assert PRIVATE_TITLE in board and "Flere til afdelingsmødet" in board


def test_decision_links_take_two_queries(linked, cast, django_assert_max_num_queries) -> None:
    p = principal_for(cast["org_staff"].user)
    with django_assert_max_num_queries(2):
        links = decision_links(DECISION_ID, p)
    assert {link.title for link in links} == {
        "Flere til afdelingsmødet",
        PRIVATE_TITLE,
        "Børnepasning på mødet",
    }
    assert decision_links(DECISION_ID, principal_for(None)) == []


def test_without_democracy_the_goal_page_keeps_its_text_reference(linked, client_for) -> None:
    with without("democracy"):
        cache.clear()
        html = _html(client_for("resident_a"), GOAL_URL)
        assert REFERENCE in html
        assert DECISION_URL not in html
        # The edit form offers no register to choose from, and keeps the choice.
        form = _html(client_for("org_staff"), f"{GOAL_URL}rediger/")
        assert 'name="decision_reference"' in form and DECISION_TITLE not in form


def test_without_goals_the_decision_page_shows_no_links(linked, client_for) -> None:
    with without("goals"):
        html = _html(client_for("org_staff"), DECISION_URL)
        assert "Ingen mål eller indsatser henviser til beslutningen endnu." in html


def test_the_goal_form_chooses_the_adopting_decision(cast, client_for) -> None:
    cache.clear()
    client = client_for("estate_board_a")
    url = f"{GOAL_URL}rediger/"
    page = _html(client, url)
    assert f'<option value="{DECISION_ID}">{DECISION_TITLE} – 15-09-2026 – Afdelingsmødet' in page
    data = form_defaults(page, url)
    response = client.post(url, {**data, "decision_id": "00000000-0000-4000-8000-00000000dead"})
    assert response.status_code == 400
    assert Goal.objects.get(public_id=GOAL_ID).decision_id is None
    response = client.post(url, {**data, "decision_id": str(DECISION_ID)})
    assert response.status_code == 302
    assert Goal.objects.get(public_id=GOAL_ID).decision_id == DECISION_ID
    # And an action, from its own form.
    action_url = f"{GOAL_URL}indsatser/{ACTION_ID}/rediger/"
    data = form_defaults(_html(client, action_url), action_url)
    assert client.post(action_url, {**data, "decision_id": str(DECISION_ID)}).status_code == 302
    assert Action.objects.get(public_id=ACTION_ID).decision_id == DECISION_ID


def test_the_api_gives_the_decision_id(linked, cast) -> None:
    from django.test import Client

    from almen.register import tokens
    from almen.register.models import ApiScope

    _token, plaintext = tokens.api_token_create(
        actor=None, organisation=linked.organisation, name="Test", scopes=[ApiScope.GOALS_READ]
    )
    response = Client().get(
        f"/api/v1/goals/{GOAL_ID}", headers={"Authorization": f"Bearer {plaintext}"}
    )
    assert response.status_code == 200
    assert response.json()["decision_id"] == str(DECISION_ID)


def test_neither_module_imports_the_other() -> None:
    graph = import_graph()
    assert "democracy" not in graph["goals"]
    assert "goals" not in graph["democracy"]
