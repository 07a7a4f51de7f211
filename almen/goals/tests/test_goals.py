"""Local goals: services with their bad input, pages with their access decisions."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from almen.access.policy import principal_for
from almen.goals import selectors, services
from almen.goals.access import can_view_goal, visible_goals
from almen.goals.models import Goal, GoalStatus, Indicator, IndicatorSource, Measurement
from almen.goals.picture import picture_invalidate
from almen.goals.progress import Direction, Status
from almen.goals.testing import GOAL_ID, INDICATOR_ID
from almen.lib import metrics
from almen.lib.visibility import Visibility
from almen.register.models import Organisation

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def goal(cast) -> Goal:
    return Goal.objects.get(public_id=GOAL_ID)


@pytest.fixture
def indicator(goal) -> Indicator:
    return Indicator.objects.get(public_id=INDICATOR_ID)


def _indicator(goal: Goal, **overrides) -> Indicator:
    fields: dict[str, Any] = dict(
        title="x",
        unit="%",
        direction=Direction.INCREASE,
        baseline_value=Decimal(10),
        baseline_date=dt.date(2025, 1, 1),
        target_value=Decimal(20),
        target_date=dt.date(2028, 1, 1),
    )
    fields.update(overrides)
    return services.indicator_create(actor=None, goal=goal, **fields)


def test_target_equal_to_baseline_is_refused(goal) -> None:
    with pytest.raises(ValidationError) as exc:
        _indicator(goal, target_value=Decimal(10))
    assert "samme som udgangspunktet" in str(exc.value)


def test_target_date_before_baseline_date_is_refused(goal) -> None:
    with pytest.raises(ValidationError) as exc:
        _indicator(goal, target_date=dt.date(2024, 1, 1))
    assert "efter udgangspunktets dato" in str(exc.value)


def test_target_in_the_wrong_direction_is_refused(goal) -> None:
    with pytest.raises(ValidationError):
        _indicator(goal, direction=Direction.DECREASE)


@time_machine.travel(TODAY)
def test_measurement_in_the_future_is_refused(indicator) -> None:
    with pytest.raises(ValidationError) as exc:
        services.measurement_record(
            actor=None, indicator=indicator, date=dt.date(2027, 1, 1), value=Decimal(5)
        )
    assert "fremtiden" in str(exc.value)
    assert not indicator.measurements.exists()


@time_machine.travel(TODAY)
def test_status_is_computed_from_measurements(indicator) -> None:
    calc = selectors.calculation(indicator)
    assert calc.status == Status.NO_DATA
    services.measurement_record(
        actor=None, indicator=indicator, date=dt.date(2026, 9, 1), value=Decimal(25)
    )
    assert selectors.calculation(indicator).status == Status.TARGET_ACHIEVED
    services.measurement_record(
        actor=None, indicator=indicator, date=dt.date(2026, 9, 1), value=Decimal(13)
    )  # a correction replaces the value
    assert indicator.measurements.count() == 1
    assert selectors.calculation(indicator).status == Status.LIMITED


def _xlsx(rows: list[list[object]]) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


@time_machine.travel(TODAY)
def test_measurement_import_xlsx_and_csv(indicator) -> None:
    result = services.measurements_import(
        actor=None,
        indicator=indicator,
        fileobj=_xlsx(
            [
                ["Dato", "Værdi", "Note"],
                [dt.date(2025, 12, 31), 14.5, "Efterår"],
                ["31-03-2026", "16,25", ""],
            ]
        ),
    )
    assert result.ok and result.created == 2
    csv = "dato;værdi\n30-06-2026;17,5\n31-03-2026;16,5\n".encode("cp1252")
    result = services.measurements_import(actor=None, indicator=indicator, fileobj=io.BytesIO(csv))
    assert (result.created, result.updated) == (1, 1)
    assert [m.value for m in indicator.measurements.order_by("date")] == [
        Decimal("14.5"),
        Decimal("16.5"),
        Decimal("17.5"),
    ]
    assert set(indicator.measurements.values_list("source", flat=True)) == {"imported"}


@time_machine.travel(TODAY)
def test_measurement_import_one_bad_row_saves_nothing(indicator) -> None:
    csv = (
        "dato;værdi\n31-01-2026;12\n31-02-2026;13\n28-02-2026;tretten\n"
        "01-01-2027;14\n31-01-2026;15\n"
    ).encode()
    result = services.measurements_import(actor=None, indicator=indicator, fileobj=io.BytesIO(csv))
    assert not result.ok
    rows = {(row, column) for row, column, _message in result.findings}
    assert rows == {(3, "dato"), (4, "værdi"), (5, "dato"), (6, "dato")}
    assert not Measurement.objects.filter(indicator=indicator).exists()


def test_measurement_import_missing_column(indicator) -> None:
    result = services.measurements_import(
        actor=None, indicator=indicator, fileobj=io.BytesIO(b"dato;note\n01-01-2026;x\n")
    )
    assert not result.ok
    assert "værdi" in result.findings[0][2]


def test_indicator_bound_to_a_metric_that_is_gone(goal) -> None:
    indicator = _indicator(
        goal,
        source=IndicatorSource.METRIC,
        metric_key="register.households",
        baseline_value=Decimal(1),
        target_value=Decimal(2),
    )
    services.indicator_refresh_from_metric(actor=None, indicator=indicator, on=dt.date(2026, 6, 30))
    assert indicator.measurements.get().source == IndicatorSource.METRIC
    saved = metrics.get("register.households")
    metrics.unregister("register.households")
    try:
        with pytest.raises(ValidationError) as exc:
            services.indicator_refresh_from_metric(
                actor=None, indicator=indicator, on=dt.date(2026, 7, 31)
            )
        assert "findes ikke længere" in str(exc.value)
    finally:
        metrics.register(saved)


def test_copy_keeps_lineage_and_survives_unpublishing(goal, cast) -> None:
    goal.visibility = Visibility.PUBLIC
    goal.save()
    other = Organisation.objects.get(cvr="31415926")
    copy = services.goal_copy(actor=cast["other_org_staff"].user, source=goal, organisation=other)
    assert copy.inspired_by == goal and copy.status == GoalStatus.DRAFT
    assert copy.indicators.count() == goal.indicators.count()
    assert goal.adoptions.get() == copy
    # The source is later unpublished: the copy keeps its credit, but no longer links.
    services.goal_update(actor=None, goal=goal, visibility=Visibility.PRIVATE)
    copy.refresh_from_db()
    assert copy.inspired_by_label.startswith(goal.title)
    p = principal_for(cast["other_org_staff"].user)
    assert not can_view_goal(p, goal)
    with pytest.raises(ValidationError):
        services.goal_copy(actor=None, source=goal, organisation=other)


@pytest.mark.parametrize(
    "persona",
    [
        "resident_a",
        "resident_b",
        "estate_board_a",
        "org_board",
        "org_staff",
        "other_org_staff",
        "municipality_officer",
        "sector_staff",
        "anonymous",
    ],
)
@pytest.mark.parametrize("visibility", [v.value for v in Visibility])
@pytest.mark.parametrize("status", [GoalStatus.DRAFT, GoalStatus.ADOPTED])
def test_list_and_detail_agree_on_who_sees_a_goal(goal, cast, persona, visibility, status) -> None:
    """The queryset used for lists and search and the per-object check are two ways of
    asking the same question: they must never disagree."""
    Goal.objects.filter(pk=goal.pk).update(visibility=visibility, status=status)
    goal.refresh_from_db()
    user = cast[persona].user
    p = principal_for(user)
    assert (goal in visible_goals(p)) == can_view_goal(p, goal)


def test_municipality_officer_sees_only_what_is_shared_with_the_municipality(goal, cast) -> None:
    p = principal_for(cast["municipality_officer"].user)
    for visibility, seen in [(Visibility.ORGANISATION, False), (Visibility.MUNICIPALITY, True)]:
        Goal.objects.filter(pk=goal.pk).update(visibility=visibility)
        goal.refresh_from_db()
        assert can_view_goal(p, goal) is seen
    # A goal in another municipality, shared with its municipality: not ours to see.
    aarhus = Goal.objects.filter(pk=goal.pk)
    aarhus.update(visibility=Visibility.MUNICIPALITY)
    other = Organisation.objects.get(cvr="31415926")
    copy = services.goal_create(
        actor=None,
        organisation=other,
        framework=goal.framework,
        title="Aarhus",
        period_start=goal.period_start,
        period_end=goal.period_end,
        commitments=list(goal.commitments.all()),
        visibility=Visibility.MUNICIPALITY,
        status=GoalStatus.ADOPTED,
    )
    assert not can_view_goal(p, copy)


def test_resident_of_estate_b_cannot_see_estate_a_private_goal(goal, client_for) -> None:
    Goal.objects.filter(pk=goal.pk).update(visibility=Visibility.PRIVATE)
    assert client_for("resident_b").get(f"/maal/{GOAL_ID}/").status_code == 404
    assert client_for("estate_board_a").get(f"/maal/{GOAL_ID}/").status_code == 200


@time_machine.travel(TODAY)
def test_add_measurement_view(goal, indicator, client_for) -> None:
    url = f"/maal/{GOAL_ID}/indikatorer/{INDICATOR_ID}/maalinger/"
    ok = client_for("estate_board_a").post(url, {"date": "2026-10-01", "value": "13,5"})
    assert ok.status_code == 302
    assert indicator.measurements.get().value == Decimal("13.5")
    bad = client_for("estate_board_a").post(url, {"date": "2026-10-02", "value": "tretten"})
    assert bad.status_code == 400
    future = client_for("org_staff").post(url, {"date": "2027-01-01", "value": "1"})
    assert future.status_code == 400 and "fremtiden" in future.content.decode()
    assert (
        client_for("resident_a").post(url, {"date": "2026-10-01", "value": "1"}).status_code == 403
    )
    assert (
        client_for("other_org_staff").post(url, {"date": "2026-10-01", "value": "1"}).status_code
        == 404
    )
    assert client_for("org_staff").get(url).status_code == 405


def test_create_goal_view_validates(cast, client_for) -> None:
    client = client_for("org_staff")
    response = client.post(
        "/maal/ny/29190909/",
        {
            "title": "Uden punkter",
            "period_start": "2026-01-01",
            "period_end": "2025-01-01",
            "status": "draft",
            "visibility": "private",
            "review_interval_months": 6,
        },
    )
    assert response.status_code == 400  # bad input is a client error
    html = response.content.decode()
    assert "Vælg mindst ét" in html and "Perioden skal slutte efter" in html


def test_goal_detail_query_count_does_not_grow_with_indicators(
    goal, indicator, client_for, django_assert_max_num_queries
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("org_staff")
    picture_invalidate()  # the page as computed afresh, not from an earlier test's cache
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"/maal/{GOAL_ID}/").status_code == 200
    for n in range(3):
        extra = _indicator(goal, title=f"ekstra {n}")
        for month in range(1, 6):
            Measurement.objects.create(
                indicator=extra, date=dt.date(2025, month, 1), value=Decimal(n + month)
            )
    # The indicators were added without the on-commit invalidation (no commit in a
    # test): invalidate here, so that this counts a page computed afresh, not one
    # served from the cached body.
    picture_invalidate()
    with django_assert_max_num_queries(len(one)):
        assert client.get(f"/maal/{GOAL_ID}/").status_code == 200


def test_goal_page_served_again_reads_no_indicators_measurements_or_reviews(
    goal, indicator, client_for
) -> None:
    """The part of the page that is the same for everyone (commitments, indicators with
    their measurements, reviews) is computed once per goal version; the next view, by
    anyone, reads it from the cache."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    picture_invalidate()
    url = f"/maal/{GOAL_ID}/"
    with CaptureQueriesContext(connection) as first:
        assert client_for("org_staff").get(url).status_code == 200
    with CaptureQueriesContext(connection) as again:
        assert client_for("org_board").get(url).status_code == 200
    tables = ["goals_indicator", "goals_measurement", "goals_milestone", "goals_review"]
    tables += ["goals_goal_commitments", "goals_goal_prerequisites"]
    read = [t for t in tables if any(f'FROM "{t}"' in q["sql"] for q in again.captured_queries)]
    assert read == [], read
    assert all(any(f'"{t}"' in q["sql"] for q in first.captured_queries) for t in tables[:2])


def test_indicator_form_sets_milestones_and_refuses_bad_lines(goal, indicator, client_for) -> None:
    url = f"/maal/{GOAL_ID}/indikatorer/{INDICATOR_ID}/rediger/"
    fields = {
        "title": indicator.title,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "baseline_value": "12",
        "baseline_date": "2025-09-01",
        "target_value": "25",
        "target_date": "2028-09-01",
        "source": "manual",
    }
    client = client_for("estate_board_a")
    bad = client.post(url, {**fields, "milestones": "31-12-2026 16"})
    assert bad.status_code == 400 and "Linje 1" in bad.content.decode()
    outside = client.post(url, {**fields, "milestones": "31-12-2030; 30"})
    assert outside.status_code == 400
    assert "mellem udgangspunktet og måldatoen" in outside.content.decode()
    assert not indicator.milestones.exists()
    ok = client.post(url, {**fields, "milestones": "31-12-2026; 16,5\n31-12-2027; 20"})
    assert ok.status_code == 302
    assert [(m.date, m.value) for m in indicator.milestones.all()] == [
        (dt.date(2026, 12, 31), Decimal("16.5")),
        (dt.date(2027, 12, 31), Decimal("20")),
    ]
    page = client.get(url).content.decode()
    assert "31-12-2026; 16,5" in page


def test_goal_records_the_adopting_body(goal, client_for) -> None:
    from almen.register.models import Body, BodyKind

    board = Body.objects.get(organisation=goal.organisation, kind=BodyKind.ORGANISATION_BOARD)
    response = client_for("org_staff").post(
        f"/maal/{GOAL_ID}/rediger/",
        {
            "title": goal.title,
            "commitments": [c.pk for c in goal.commitments.all()],
            "period_start": "2026-01-01",
            "period_end": "2028-12-31",
            "status": "adopted",
            "adopted_by": board.pk,
            "adopted_on": "2026-03-12",
            "visibility": "organisation",
            "review_interval_months": 6,
        },
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.adopted_by == board


@time_machine.travel(TODAY)
def test_cached_indicator_fragment_shows_a_new_measurement(
    goal, indicator, client_for, django_capture_on_commit_callbacks
) -> None:
    client = client_for("org_staff")
    url = f"/maal/{GOAL_ID}/"
    assert "17,25" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{url}indikatorer/{INDICATOR_ID}/maalinger/", {"date": "2026-10-01", "value": "17,25"}
        )
    assert response.status_code == 302
    assert "17,25" in client.get(url).content.decode()
