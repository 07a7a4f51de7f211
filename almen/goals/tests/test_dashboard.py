"""The home pages as dashboards (issue 7, item 4): what each persona must and must not
see. Statuses are computed (``progress.goal_status``), never stored."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from almen.goals import services
from almen.goals.models import Commitment, Framework, Goal, GoalStatus
from almen.goals.progress import Direction, Status, goal_status
from almen.lib.visibility import Visibility
from almen.register.models import Estate, Organisation

ORG_A = "29190909"

OVERVIEW = "Sådan går det med jeres mål"
MY_WORK = 'id="my-work-h"'
ATTENTION = "Kræver opmærksomhed"
IMPORTS = "Seneste importer"
REPORTS = "Dine seneste rapportpakker"
ADOPTION = 'id="adoption-h"'


def _goal(title: str, *, estate: Estate | None, status: str = GoalStatus.ADOPTED, **kw) -> Goal:
    framework = Framework.objects.current()
    assert framework is not None
    return services.goal_create(
        actor=None,
        organisation=Organisation.objects.get(cvr=ORG_A),
        estate=estate,
        framework=framework,
        title=title,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2028, 12, 31),
        commitments=[Commitment.objects.get(cornerstone__framework=framework, code="3.2")],
        status=status,
        visibility=kw.pop("visibility", Visibility.ORGANISATION),
        **kw,
    )


def _indicator(goal: Goal, latest: int) -> None:
    indicator = services.indicator_create(
        actor=None,
        goal=goal,
        title="Fremmøde",
        unit="%",
        direction=Direction.INCREASE,
        baseline_value=Decimal(10),
        baseline_date=dt.date(2025, 1, 1),
        target_value=Decimal(20),
        target_date=dt.date(2028, 12, 31),
    )
    services.measurement_record(
        actor=None, indicator=indicator, date=dt.date(2026, 6, 1), value=Decimal(latest)
    )


@pytest.fixture
def goals(cast) -> dict[str, Goal]:
    estate = Estate.objects.get(organisation__cvr=ORG_A, number=1)
    worse = _goal("Færre tomme boliger i afdelingen", estate=estate)
    _indicator(worse, latest=8)  # below the baseline: going the wrong way
    done = _goal("Mere genbrug i organisationen", estate=None)
    _indicator(done, latest=25)  # past the target
    draft = _goal("Udkast til nyt mål", estate=None, status=GoalStatus.DRAFT)
    today = timezone.localdate()
    services.action_create(
        actor=None,
        goals=[worse],
        title="Ring til de fraflyttede",
        due=today - dt.timedelta(days=3),
        responsible_user=cast["org_staff"].user,
    )
    services.action_create(
        actor=None, goals=[done], title="Nye containere", due=today + dt.timedelta(days=10)
    )
    cache.clear()
    return {"worse": worse, "done": done, "draft": draft}


def _home(client_for, persona: str) -> str:
    response = client_for(persona).get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_goal_status_is_its_slowest_measured_indicator() -> None:
    assert goal_status([Status.TARGET_ACHIEVED, Status.LIMITED]) == Status.LIMITED
    assert goal_status([Status.NO_DATA, Status.SUBSTANTIAL]) == Status.SUBSTANTIAL
    assert goal_status([Status.NO_DATA]) == Status.NO_DATA
    assert goal_status([]) is None


def test_staff_see_their_goals_by_status_deadlines_imports_and_reports(goals, client_for):
    html = _home(client_for, "org_staff")
    for text in (OVERVIEW, MY_WORK, ATTENTION, IMPORTS, REPORTS):
        assert text in html, text
    # Counts link to the goal list filtered by the computed status.
    assert "?mine=1&amp;status=deterioration" in html
    assert "?mine=1&amp;status=target_achieved" in html
    assert "?mine=1&amp;fase=draft" in html
    # The overdue action is theirs and needs attention; the one due soon is listed too.
    assert "Ring til de fraflyttede" in html
    assert "Nye containere" in html
    assert f"{goals['done'].public_id}/#indsatser" in html  # attention items are links
    assert ADOPTION not in html  # the national adoption is the sector's


def test_another_organisations_staff_see_none_of_it(goals, client_for):
    html = _home(client_for, "other_org_staff")
    assert OVERVIEW in html  # their own (empty) dashboard
    for title in ("Ring til de fraflyttede", "Nye containere", "Udkast til nyt mål"):
        assert title not in html
    assert "status=deterioration" not in html


def test_the_organisation_board_sees_status_and_decisions_due(goals, client_for):
    html = _home(client_for, "org_board")
    assert OVERVIEW in html
    assert "Til beslutning: 1 mål venter på at blive vedtaget" in html
    for text in (IMPORTS, REPORTS, ADOPTION):
        assert text not in html


def test_the_estate_board_sees_its_estates_goals_only(goals, client_for):
    html = _home(client_for, "estate_board_a")
    assert OVERVIEW in html and ATTENTION in html
    assert "status=deterioration" in html  # the estate's goal
    assert "status=target_achieved" not in html  # the organisation's goal is not theirs
    assert "Nye containere" not in html
    assert "Ring til de fraflyttede" in html
    for text in (IMPORTS, REPORTS, ADOPTION):
        assert text not in html


def test_the_sector_sees_adoption_across_the_country(goals, client_for):
    services.goal_update(actor=None, goal=goals["done"], visibility=Visibility.SECTOR)
    cache.clear()
    html = _home(client_for, "sector_staff")
    assert ADOPTION in html
    assert "1 mål er delt med sektoren" in html
    assert "Andel af boligerne med delte mål, pr. region" in html
    for text in (OVERVIEW, IMPORTS, REPORTS, "Mere genbrug i organisationen"):
        assert text not in html


@pytest.mark.parametrize("persona", ["resident_a", "municipality_officer", "anonymous"])
def test_residents_officers_and_the_public_get_no_staff_dashboard(goals, client_for, persona):
    html = _home(client_for, persona)
    for text in (OVERVIEW, MY_WORK, ATTENTION, IMPORTS, REPORTS, ADOPTION):
        assert text not in html, text


def test_empty_states_are_plain_danish(cast, client_for):
    html = _home(client_for, "other_org_staff")
    assert "I har ingen vedtagne mål endnu." in html
    assert "Du står ikke som ansvarlig for nogen åbne indsatser." in html
    assert "I har ikke importeret noget endnu." in html
    assert "Du har ikke lavet nogen rapportpakker endnu." in html


def test_the_goal_list_filters_by_computed_status_and_phase(goals, client_for):
    client = client_for("org_staff")
    url = reverse("goals:goal_list")
    worse = client.get(url, {"mine": "1", "status": "deterioration"}).content.decode()
    assert "Færre tomme boliger i afdelingen" in worse
    assert "Mere genbrug i organisationen" not in worse
    drafts = client.get(url, {"mine": "1", "fase": "draft"}).content.decode()
    assert "Udkast til nyt mål" in drafts
    assert "Færre tomme boliger i afdelingen" not in drafts
    # Another organisation's staff get none of organisation A's goals through the filter.
    other = client_for("other_org_staff").get(url, {"mine": "1", "status": "deterioration"})
    assert "Færre tomme boliger i afdelingen" not in other.content.decode()
