import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from almen.goals import services
from almen.goals.models import Goal, GoalStatus
from almen.goals.picture import compute_picture, national_picture
from almen.goals.progress import Direction
from almen.goals.testing import GOAL_ID
from almen.lib.visibility import Visibility
from almen.register.models import Estate, Organisation, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def goal(cast) -> Goal:
    return Goal.objects.get(public_id=GOAL_ID)


def _row(picture, code):
    return next(r for r in picture.commitments if r["commitment"].code == code)


def test_only_published_goals_count_for_the_public(goal) -> None:
    assert _row(compute_picture("public"), "3.2")["adoption"].goals == 0
    services.goal_update(actor=None, goal=goal, visibility=Visibility.SECTOR)
    assert _row(compute_picture("public"), "3.2")["adoption"].goals == 0
    assert _row(compute_picture("sector"), "3.2")["adoption"].goals == 1
    services.goal_update(actor=None, goal=goal, visibility=Visibility.PUBLIC)
    row = _row(compute_picture("public"), "3.2")
    estate = goal.estate
    homes = Unit.objects.filter(estate=estate).count()
    assert (row["adoption"].organisations, row["adoption"].estates) == (1, 1)
    assert row["adoption"].homes == homes
    assert row["share"] == round(100 * homes / Unit.objects.count(), 1)


def test_an_organisation_goal_covers_all_its_estates(goal) -> None:
    org = goal.organisation
    services.goal_create(
        actor=None,
        organisation=org,
        framework=goal.framework,
        title="Hele organisationen",
        period_start=goal.period_start,
        period_end=goal.period_end,
        commitments=list(goal.commitments.all()),
        visibility=Visibility.PUBLIC,
        status=GoalStatus.ADOPTED,
    )
    row = _row(compute_picture("public"), "3.2")
    assert row["adoption"].estates == Estate.objects.filter(organisation=org).count()
    assert row["adoption"].homes == Unit.objects.filter(estate__organisation=org).count()


def test_rollups_add_only_what_can_be_added(goal) -> None:
    services.goal_update(actor=None, goal=goal, visibility=Visibility.PUBLIC)
    other = services.goal_copy(
        actor=None, source=goal, organisation=Organisation.objects.get(cvr="31415926")
    )
    services.goal_update(
        actor=None, goal=other, status=GoalStatus.ADOPTED, visibility=Visibility.PUBLIC
    )
    for g, unit in ((goal, "antal"), (other, "antal"), (other, "blomster pr. bed")):
        services.indicator_create(
            actor=None,
            goal=g,
            title=unit,
            unit=unit,
            direction=Direction.INCREASE,
            baseline_value=Decimal(10),
            baseline_date=dt.date(2025, 1, 1),
            target_value=Decimal(20),
            target_date=dt.date(2028, 1, 1),
        )
    row = _row(compute_picture("public"), "3.2")
    by_unit = {r.unit: r for r in row["rollups"]}
    assert by_unit["antal"].kind == "sum" and by_unit["antal"].baseline == 20
    assert by_unit["%"].kind == "median" and by_unit["%"].indicators == 2  # the matrix goal's
    left_out = compute_picture("public").left_out
    assert {
        "commitment": "3.2",
        "unit": "blomster pr. bed",
        "indicators": 1,
        "reason": "unknown_unit",
    } in left_out


def test_cache_is_invalidated_on_change(goal, django_capture_on_commit_callbacks) -> None:
    assert _row(national_picture("public"), "3.2")["adoption"].goals == 0
    # Cached: a change that bypasses the services is not seen...
    Goal.objects.filter(pk=goal.pk).update(visibility=Visibility.PUBLIC)
    assert _row(national_picture("public"), "3.2")["adoption"].goals == 0
    # ...a change through a service invalidates the cache when it commits.
    goal.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.goal_update(actor=None, goal=goal, title="Nyt navn")
    assert _row(national_picture("public"), "3.2")["adoption"].goals == 1


def test_pages(goal, client_for, django_assert_max_num_queries) -> None:
    services.goal_update(actor=None, goal=goal, visibility=Visibility.MUNICIPALITY)
    html = Client().get("/almene-maal/overblik/").content.decode()
    assert "Almene mål i hele landet" in html and "3.2" in html
    officer = client_for("municipality_officer")
    html = officer.get("/kommune/").content.decode()
    assert "Flere til afdelingsmødet" in html
    with django_assert_max_num_queries(25):
        officer.get("/kommune/")
