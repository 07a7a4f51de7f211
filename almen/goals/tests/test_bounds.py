"""Dates and free texts have bounds (almen/lib/bounds.py) that the model, the form, the
API and the database all refuse beyond, and pages, charts and report packs survive any
value the database holds (a 31-12-9999 from before the bounds existed)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, connection, models, transaction
from django.urls import reverse

from almen.goals import selectors, services
from almen.goals.models import Commitment, Framework, Goal, Indicator, Measurement, Review
from almen.goals.testing import GOAL_ID, INDICATOR_ID
from almen.lib import bounds
from almen.lib.visibility import Visibility
from almen.register.models import ApiScope, Organisation
from almen.register.tokens import api_token_create

pytestmark = pytest.mark.django_db
CVR = "29190909"
BOUNDS_MESSAGE = "Datoen skal ligge mellem 01-01-1900 og 31-12-2100."
NO_END = dt.date(9999, 12, 31)


@pytest.fixture
def goal(cast) -> Goal:
    return Goal.objects.get(public_id=GOAL_ID)


@pytest.fixture
def indicator(goal) -> Indicator:
    return Indicator.objects.get(public_id=INDICATOR_ID)


def _token(organisation: Organisation) -> dict[str, str]:
    _token, plaintext = api_token_create(
        actor=None, organisation=organisation, name="ERP", scopes=[ApiScope.GOALS_WRITE]
    )
    return {"Authorization": f"Bearer {plaintext}"}


def goal_form_data(**overrides: Any) -> dict[str, Any]:
    framework = Framework.objects.current()
    commitment = Commitment.objects.get(cornerstone__framework=framework, code="1.1")
    data: dict[str, Any] = {
        "title": "Mindre energi",
        "estate": "",
        "commitments": [commitment.pk],
        "local_context": "Varmeregningerne stiger.",
        "responsible": "Driften",
        "period_start": "2026-01-01",
        "period_end": "2028-12-31",
        "status": "draft",
        "adopted_by": "",
        "adopted_on": "",
        "decision_reference": "",
        "visibility": "organisation",
        "review_interval_months": "6",
    }
    data.update(overrides)
    return data


@contextlib.contextmanager
def constraints_off(*tables_and_names: tuple[str, str]) -> Iterator[None]:
    """Write what the database holds from before the bounds existed. SQLite: ignore
    CHECK constraints on this connection; PostgreSQL: drop them inside the test's
    transaction (rolled back with it)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
    else:
        with connection.cursor() as cursor:
            # Deferred foreign-key checks of rows written earlier in the test would
            # block ALTER TABLE ("pending trigger events"): run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, name in tables_and_names:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        yield


# --- dates ---------------------------------------------------------------------------


@pytest.mark.parametrize("day", [NO_END, dt.date(1899, 12, 31), dt.date(2101, 1, 1)])
def test_goal_service_refuses_a_date_outside_the_bounds(cast, day) -> None:
    framework = Framework.objects.current()
    assert framework is not None
    with pytest.raises(ValidationError) as exc:
        services.goal_create(
            actor=None,
            organisation=Organisation.objects.get(cvr=CVR),
            framework=framework,
            title="Uden slut",
            period_start=min(day, dt.date(2026, 1, 1)),
            period_end=day,
            commitments=list(Commitment.objects.filter(code="1.1")[:1]),
        )
    assert BOUNDS_MESSAGE in str(exc.value)


def test_the_bounds_themselves_are_allowed(cast) -> None:
    framework = Framework.objects.current()
    assert framework is not None
    goal = services.goal_create(
        actor=None,
        organisation=Organisation.objects.get(cvr=CVR),
        framework=framework,
        title="Lang plan",
        period_start=bounds.DATE_MIN,
        period_end=bounds.DATE_MAX,
        commitments=list(Commitment.objects.filter(code="1.1")[:1]),
    )
    assert goal.period_end == dt.date(2100, 12, 31)


def test_goal_form_refuses_no_end_placeholder_with_a_danish_message(client_for) -> None:
    client = client_for("org_staff")
    response = client.post(
        reverse("goals:goal_create", args=[CVR]), goal_form_data(period_end="9999-12-31")
    )
    assert response.status_code == 400
    assert BOUNDS_MESSAGE in response.content.decode()
    assert not Goal.objects.filter(title="Mindre energi").exists()


def test_measurement_form_refuses_a_date_before_1900(client_for, goal, indicator) -> None:
    url = reverse("goals:measurement_add", args=[goal.public_id, indicator.public_id])
    response = client_for("org_staff").post(url, {"date": "1800-01-01", "value": "3"})
    assert response.status_code == 400
    assert BOUNDS_MESSAGE in response.content.decode()
    assert not indicator.measurements.exists()


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (Goal, "period_end"),
        (Indicator, "target_date"),
        (Measurement, "date"),
        (Review, "date"),
    ],
)
def test_the_database_refuses_a_date_outside_the_bounds(goal, indicator, model, field) -> None:
    services.measurement_record(
        actor=None, indicator=indicator, date=dt.date(2026, 1, 1), value=Decimal(13)
    )
    services.review_record(
        actor=None, goal=goal, date=dt.date(2026, 1, 1), assessment="on_track", worked="x"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.update(**{field: NO_END})


def test_api_refuses_dates_outside_the_bounds(goal, indicator) -> None:
    from django.test import Client

    headers = _token(goal.organisation)
    client = Client()
    action = client.post(
        f"/api/v1/goals/{goal.public_id}/actions",
        {"title": "Ny indsats", "due": "9999-12-31"},
        content_type="application/json",
        headers=headers,
    )
    assert action.status_code == 422
    review = client.post(
        f"/api/v1/goals/{goal.public_id}/reviews",
        {"date": "0202-01-01", "assessment": "on_track", "worked": "x"},
        content_type="application/json",
        headers=headers,
    )
    assert review.status_code == 422
    measurements = client.post(
        f"/api/v1/goals/{goal.public_id}/indicators/{indicator.public_id}/measurements",
        [{"date": "2026-01-01", "value": 1}, {"date": "31-12-1899", "value": 2}],
        content_type="application/json",
        headers=headers,
    )
    assert measurements.status_code == 400
    assert measurements.json()["errors"] == [
        {"index": 1, "field": "date", "message": BOUNDS_MESSAGE}
    ]
    assert not indicator.measurements.exists()


def test_extreme_dates_in_the_database_break_no_page_and_no_pack(
    goal, indicator, client_for
) -> None:
    """31-12-9999 stored before the bounds (here: written past the constraints) and the
    public goal page, the staff goal page and every report pack in every format answer
    200 (before: ValueError "year 10000 is out of range", a 500 for all of them)."""
    services.measurement_record(
        actor=None, indicator=indicator, date=dt.date(2026, 1, 1), value=Decimal(15)
    )
    Goal.objects.filter(pk=goal.pk).update(visibility=Visibility.PUBLIC)
    with constraints_off(
        ("goals_goal", "goal_period_start_in_bounds"),
        ("goals_goal", "goal_period_end_in_bounds"),
        ("goals_indicator", "indicator_target_date_in_bounds"),
        ("goals_measurement", "measurement_date_in_bounds"),
    ):
        Goal.objects.filter(pk=goal.pk).update(period_start=dt.date(9999, 12, 1), period_end=NO_END)
        Indicator.objects.filter(pk=indicator.pk).update(target_date=NO_END)
        Measurement.objects.create(indicator=indicator, date=dt.date(1, 1, 1), value=Decimal(1))
    assert Goal.objects.get(pk=goal.pk).period_end == NO_END

    page = reverse("goals:goal_detail", args=[goal.public_id])
    for persona in ("anonymous", "org_staff"):
        response = client_for(persona).get(page)
        assert response.status_code == 200, persona
        assert "31-12-9999" in response.content.decode()
    staff = client_for("org_board")
    packs = [
        reverse("reports:board", args=[CVR, "pdf"]),
        reverse("reports:handout", args=[CVR, 1, "pdf"]),
        reverse("reports:municipality", args=[CVR, "0101", 2026, "pdf"]),
    ]
    for pack in packs:
        for fmt in ("pdf", "docx", "xlsx"):
            if "afdelingsmoede" in pack and fmt == "xlsx":
                continue  # the handout has no spreadsheet
            response = staff.post(pack.removesuffix("pdf") + fmt)
            assert response.status_code == 200, (pack, fmt)


# --- measurements before the baseline -----------------------------------------------


def test_measurement_before_the_baseline_is_saved_with_a_warning(
    client_for, goal, indicator
) -> None:
    url = reverse("goals:measurement_add", args=[goal.public_id, indicator.public_id])
    response = client_for("org_staff").post(url, {"date": "1990-06-01", "value": "3"}, follow=True)
    assert response.status_code == 200
    messages = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert (
        "warning",
        "Målingen 01-06-1990 ligger før udgangspunktets dato 01-09-2025. Den gemmes og står "
        "i tabellen, men indgår ikke i status og vises ikke i grafen.",
    ) in messages
    assert indicator.measurements.filter(date=dt.date(1990, 6, 1)).exists()


def test_import_warns_about_rows_before_the_baseline(cast, indicator) -> None:
    data = "dato;værdi\n01-06-1990;3\n01-01-2026;14\n".encode()
    result = services.measurements_import(actor=None, indicator=indicator, fileobj=io.BytesIO(data))
    assert result.ok and result.created == 2
    assert [(row, column) for row, column, _text in result.warnings] == [(2, "dato")]
    assert "før udgangspunktets dato 01-09-2025" in result.warnings[0][2]


def test_import_refuses_a_row_outside_the_date_bounds(cast, indicator) -> None:
    data = "dato;værdi\n31-12-9999;3\n01-01-2026;14\n".encode()
    result = services.measurements_import(actor=None, indicator=indicator, fileobj=io.BytesIO(data))
    assert not result.ok
    assert result.findings == [(2, "dato", BOUNDS_MESSAGE)]
    assert not indicator.measurements.exists()


def _year_ticks(svg: str) -> list[int]:
    return [int(y) for y in re.findall(r'text-anchor="middle" fill="#1a1a1a">(\d+)<', svg)]


def test_chart_axis_runs_from_the_baseline_whatever_is_measured(cast, indicator) -> None:
    services.measurement_record(
        actor=None, indicator=indicator, date=dt.date(1990, 6, 1), value=Decimal(3)
    )
    services.measurement_record(
        actor=None, indicator=indicator, date=dt.date(2026, 1, 1), value=Decimal(14)
    )
    svg = selectors.indicator_chart(indicator)
    assert _year_ticks(svg) == [2026, 2027, 2028]  # baseline 01-09-2025, target 01-09-2028
    assert "1990" not in svg
    assert svg.count('r="3.5"') == 1  # the 2026 measurement is drawn, the 1990 one is not
    assert "1 måling(er) uden for perioden fra udgangspunktet er ikke vist i grafen" in svg


def test_chart_of_a_stored_no_end_target_keeps_a_sane_axis(cast, indicator) -> None:
    services.measurement_record(
        actor=None, indicator=indicator, date=dt.date(2026, 1, 1), value=Decimal(14)
    )
    indicator.target_date = NO_END  # in memory: as read from a database before the bounds
    svg = selectors.indicator_chart(indicator)
    assert _year_ticks(svg) == [2026]  # baseline 01-09-2025 to the measurement
    assert 'width="12" height="12"' not in svg  # the target square is off the axis


def test_line_chart_has_a_dozen_year_ticks_at_most_and_no_overflow() -> None:
    from almen.lib.charts import LineChart, Point, line_chart_svg

    wide = line_chart_svg(
        LineChart(
            title="t",
            description="d",
            unit="%",
            points=[Point(dt.date(1900, 1, 1), Decimal(1))],
            target=Point(NO_END, Decimal(2)),
        )
    )
    ticks = _year_ticks(wide)
    assert 1 <= len(ticks) <= 12 and max(ticks) <= 9999


def test_review_due_of_a_stored_far_start_does_not_overflow(goal) -> None:
    goal.period_start = dt.date(9999, 12, 1)
    goal.last_review = None
    assert selectors.review_due(goal, dt.date(2026, 1, 1)).due == dt.date.max


# --- texts ---------------------------------------------------------------------------

HUGE = "x" * 1_600_000


def _almen_text_fields() -> list[tuple[type[models.Model], models.Field]]:
    found: list[tuple[type[models.Model], models.Field]] = []
    for model in apps.get_models():
        if not model.__module__.startswith("almen."):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.TextField):
                found.append((model, field))
    return found


def test_every_free_text_field_has_a_maximum_everywhere() -> None:
    """Every TextField of every app: max_length (forms), MaxLengthValidator
    (full_clean) and a length CheckConstraint (the database). CharFields have
    max_length by construction (forms, full_clean, varchar)."""
    fields = _almen_text_fields()
    assert len(fields) >= 20
    for model, field in fields:
        label = f"{model._meta.label}.{field.name}"
        assert field.max_length, label
        assert any(
            isinstance(v, MaxLengthValidator) and v.limit_value == field.max_length
            for v in field.validators
        ), label
        names = {c.name for c in model._meta.constraints}
        assert any(name.endswith(f"_{field.name}_length") for name in names), label
    for model in apps.get_models():
        if model.__module__.startswith("almen."):
            for field in model._meta.concrete_fields:
                if isinstance(field, models.CharField):
                    assert field.max_length, f"{model._meta.label}.{field.name}"


def test_a_huge_why_here_is_refused_by_model_form_api_and_database(goal, client_for) -> None:
    goal.local_context = HUGE
    with pytest.raises(ValidationError) as exc:
        goal.full_clean()
    assert "local_context" in exc.value.message_dict

    with pytest.raises(ValidationError):
        services.goal_update(actor=None, goal=Goal.objects.get(pk=goal.pk), local_context=HUGE)

    url = reverse("goals:goal_edit", args=[goal.public_id])
    data = goal_form_data(
        estate=goal.estate_id,
        local_context=HUGE,
        commitments=list(goal.commitments.values_list("pk", flat=True)),
    )
    response = client_for("org_staff").post(url, data)
    assert response.status_code == 400
    assert "Denne værdi må højst have 10000 tegn (den har 1600000)." in response.content.decode()
    assert Goal.objects.get(pk=goal.pk).local_context == ""

    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.filter(pk=goal.pk).update(local_context=HUGE)


def test_api_refuses_a_huge_review_with_422(goal) -> None:
    from django.test import Client

    response = Client().post(
        f"/api/v1/goals/{goal.public_id}/reviews",
        {"date": "2026-01-01", "assessment": "on_track", "worked": "x" * 2_001},
        content_type="application/json",
        headers=_token(goal.organisation),
    )
    assert response.status_code == 422
    assert not goal.reviews.exists()


def test_other_apps_texts_are_bounded_in_full_clean(goal) -> None:
    from almen.dialogue.testing import matrix_dialogue_create
    from almen.reports.models import ReportJob

    dialogue = matrix_dialogue_create()
    dialogue.minutes_summary = HUGE
    with pytest.raises(ValidationError) as exc:
        dialogue.full_clean()
    assert "minutes_summary" in exc.value.message_dict
    agreement = dialogue.agreements.get()
    agreement.description = HUGE
    with pytest.raises(ValidationError):
        agreement.full_clean()
    job = ReportJob(error=HUGE)
    with pytest.raises(ValidationError) as exc:
        job.full_clean(exclude=["organisation", "requested_by", "kind", "fmt"])
    assert "error" in exc.value.message_dict
