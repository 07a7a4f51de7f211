"""Styringsdialog: services with their bad input, access, pages, the pack data, demo."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from almen.access.policy import principal_for
from almen.audit.models import AuditEntry
from almen.dialogue import access, services
from almen.dialogue.demo import dialogue_demo_create
from almen.dialogue.models import (
    Agreement,
    Dialogue,
    DialogueStatus,
    FollowUpStatus,
    ResponsibleParty,
)
from almen.dialogue.selectors import agreement_rows, municipal_key_figures
from almen.dialogue.testing import AGREEMENT_ID, DIALOGUE_ID
from almen.goals import services as goal_services
from almen.goals.models import Commitment, Framework, Goal, GoalStatus, Measurement
from almen.goals.progress import Direction, Status
from almen.goals.selectors import calculation
from almen.goals.testing import GOAL_ID
from almen.lib.visibility import Visibility
from almen.register import services as register_services
from almen.register.models import Estate, Household, Municipality, Organisation, Unit

pytestmark = pytest.mark.django_db

ORG_A, ORG_B = "29190909", "31415926"
URL = f"/styringsdialog/{DIALOGUE_ID}/"


@pytest.fixture
def dialogue(cast) -> Dialogue:
    return Dialogue.objects.select_related("organisation", "municipality").get(
        public_id=DIALOGUE_ID
    )


@pytest.fixture
def agreement(dialogue) -> Agreement:
    return Agreement.objects.select_related("dialogue__municipality").get(public_id=AGREEMENT_ID)


def _goal(cvr: str = ORG_A, **overrides) -> Goal:
    """An organisation-wide goal, adopted and shared with the municipality, with one
    indicator and a measurement."""
    framework = Framework.objects.current()
    assert framework is not None
    fields: dict[str, Any] = dict(
        title="Færre fraflytninger",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2028, 12, 31),
        status=GoalStatus.ADOPTED,
        visibility=Visibility.MUNICIPALITY,
    )
    fields.update(overrides)
    goal = goal_services.goal_create(
        actor=None,
        organisation=Organisation.objects.get(cvr=cvr),
        framework=framework,
        commitments=[Commitment.objects.get(cornerstone__framework=framework, code="1.3")],
        **fields,
    )
    indicator = goal_services.indicator_create(
        actor=None,
        goal=goal,
        title="Fraflytning",
        unit="%",
        direction=Direction.DECREASE,
        baseline_value=Decimal(12),
        baseline_date=dt.date(2024, 1, 1),
        target_value=Decimal(8),
        target_date=dt.date(2028, 12, 31),
    )
    Measurement.objects.create(indicator=indicator, date=dt.date(2026, 6, 1), value=Decimal(11))
    return goal


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


# --- services ---------------------------------------------------------------------------


def test_create_records_audit_under_the_organisation(cast) -> None:
    organisation = Organisation.objects.get(cvr=ORG_A)
    dialogue = services.dialogue_create(
        actor=cast["org_staff"].user,
        organisation=organisation,
        municipality=organisation.municipality,
        year=2027,
        participants="  Mette Schmidt – direktør – boligorganisationen \n\n",
    )
    assert dialogue.participants == "Mette Schmidt – direktør – boligorganisationen"
    entry = AuditEntry.objects.get(object_type="dialogue.dialogue", object_id=str(dialogue.pk))
    assert entry.organisation_id == organisation.pk and entry.action == "create"


def test_duplicate_year_is_refused(dialogue) -> None:
    with pytest.raises(ValidationError) as exc:
        services.dialogue_create(
            actor=None,
            organisation=dialogue.organisation,
            municipality=dialogue.municipality,
            year=2026,
        )
    assert "allerede en styringsdialog" in _messages(exc)


def test_municipality_without_homes_is_refused(cast) -> None:
    with pytest.raises(ValidationError) as exc:
        services.dialogue_create(
            actor=None,
            organisation=Organisation.objects.get(cvr=ORG_A),
            municipality=Municipality.objects.get(code="0751"),
            year=2026,
        )
    assert "hverken afdelinger eller hjemsted i Aarhus" in _messages(exc)


def test_municipality_with_an_estate_is_allowed(cast) -> None:
    organisation = Organisation.objects.get(cvr=ORG_A)
    odense = Municipality.objects.get(code="0461")
    register_services.estate_create(
        actor=None, organisation=organisation, number=90, name="Vollsmose", municipality=odense
    )
    dialogue = services.dialogue_create(
        actor=None, organisation=organisation, municipality=odense, year=2026
    )
    assert dialogue.municipality == odense


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": DialogueStatus.HELD}, "skal have en dato"),
        ({"meeting_date": dt.date(2025, 12, 1)}, "styringsdialogens år (2027)"),
        ({"status": "cancelled"}, "gyldig"),
    ],
)
def test_bad_dialogue_input_is_refused(cast, fields, message) -> None:
    organisation = Organisation.objects.get(cvr=ORG_A)
    with pytest.raises(ValidationError) as exc:
        services.dialogue_create(
            actor=None,
            organisation=organisation,
            municipality=organisation.municipality,
            year=2027,
            **fields,
        )
    assert message in _messages(exc)


def test_update_refuses_fixed_fields_and_meeting_after_a_due_date(dialogue, agreement) -> None:
    with pytest.raises(ValidationError) as exc:
        services.dialogue_update(actor=None, dialogue=dialogue, year=2030)
    assert "kan ikke ændres: year" in _messages(exc)
    services.agreement_update(actor=None, agreement=agreement, due=dt.date(2026, 6, 1))
    with pytest.raises(ValidationError) as exc:
        services.dialogue_update(actor=None, dialogue=dialogue, meeting_date=dt.date(2026, 12, 1))
    assert "har frist før den nye mødedato" in _messages(exc)


def test_update_audits_before_and_after(dialogue) -> None:
    services.dialogue_update(actor=None, dialogue=dialogue, meeting_place="Bispeparken")
    entry = AuditEntry.objects.filter(object_type="dialogue.dialogue", action="update").get()
    assert entry.before is not None and entry.after is not None
    assert entry.before["meeting_place"] == "Københavns Rådhus"
    assert entry.after["meeting_place"] == "Bispeparken"


def test_agreement_with_a_shared_goal(dialogue) -> None:
    goal = _goal()
    agreement = services.agreement_create(
        actor=None, dialogue=dialogue, title="Fraflytning ned", goal=goal, due=dt.date(2026, 9, 1)
    )
    assert agreement.goal == goal
    # Shared with the sector is also visible to the municipality.
    wide = _goal(title="Bredt delt", visibility=Visibility.SECTOR)
    services.agreement_update(actor=None, agreement=agreement, goal=wide)
    assert Agreement.objects.get(pk=agreement.pk).goal == wide


def test_goal_from_another_organisation_is_refused(dialogue) -> None:
    with pytest.raises(ValidationError) as exc:
        services.agreement_create(actor=None, dialogue=dialogue, title="x", goal=_goal(cvr=ORG_B))
    assert "hører ikke til boligorganisationen" in _messages(exc)


@pytest.mark.parametrize(
    "overrides",
    [
        {"visibility": Visibility.ORGANISATION},
        {"visibility": Visibility.PRIVATE},
        {"status": GoalStatus.DRAFT},
    ],
)
def test_goal_not_shared_with_the_municipality_is_refused(dialogue, overrides) -> None:
    with pytest.raises(ValidationError) as exc:
        services.agreement_create(actor=None, dialogue=dialogue, title="x", goal=_goal(**overrides))
    assert "ikke delt med København" in _messages(exc)


def test_estate_goal_shared_with_another_municipality_is_refused(dialogue) -> None:
    """Shared "with the municipality" means the municipality where the goal lives."""
    organisation = dialogue.organisation
    odense = Municipality.objects.get(code="0461")
    estate = register_services.estate_create(
        actor=None, organisation=organisation, number=91, name="Odense", municipality=odense
    )
    goal = _goal(estate=estate)
    with pytest.raises(ValidationError):
        services.agreement_create(actor=None, dialogue=dialogue, title="x", goal=goal)
    # …but fine in Odense's own dialogue.
    odense_dialogue = services.dialogue_create(
        actor=None, organisation=organisation, municipality=odense, year=2026
    )
    services.agreement_create(actor=None, dialogue=odense_dialogue, title="x", goal=goal)


def test_the_matrix_goal_is_refused(dialogue) -> None:
    with pytest.raises(ValidationError):
        services.agreement_create(
            actor=None, dialogue=dialogue, title="x", goal=Goal.objects.get(public_id=GOAL_ID)
        )


def test_due_date_before_the_meeting_is_refused(dialogue) -> None:
    with pytest.raises(ValidationError) as exc:
        services.agreement_create(actor=None, dialogue=dialogue, title="x", due=dt.date(2026, 3, 1))
    assert "Fristen kan ikke ligge før mødet (12-03-2026)" in _messages(exc)


def test_bad_party_and_empty_title_are_refused(dialogue) -> None:
    with pytest.raises(ValidationError) as exc:
        services.agreement_create(actor=None, dialogue=dialogue, title=" ", responsible_party="x")
    assert set(exc.value.message_dict) >= {"title", "responsible_party"}


def test_follow_up(agreement) -> None:
    services.agreement_follow_up(
        actor=None, agreement=agreement, follow_up_status=FollowUpStatus.DONE, follow_up_note="ok"
    )
    agreement.refresh_from_db()
    assert agreement.follow_up_status == FollowUpStatus.DONE
    with pytest.raises(ValidationError) as exc:
        services.agreement_follow_up(
            actor=None, agreement=agreement, follow_up_status=FollowUpStatus.DROPPED
        )
    assert "hvorfor aftalen er opgivet" in _messages(exc)
    with pytest.raises(ValidationError):
        services.agreement_follow_up(actor=None, agreement=agreement, follow_up_status="maybe")
    with pytest.raises(ValidationError):
        services.agreement_update(actor=None, agreement=agreement, follow_up_status="done")


def test_overdue(agreement) -> None:
    assert not agreement.is_overdue(dt.date(2026, 12, 31))
    assert agreement.is_overdue(dt.date(2027, 1, 1))
    agreement.follow_up_status = FollowUpStatus.DONE
    assert not agreement.is_overdue(dt.date(2027, 1, 1))


# --- access -----------------------------------------------------------------------------


def test_places_for_create(cast) -> None:
    def places(key: str) -> set[tuple[str, str]]:
        p = principal_for(cast[key].user)
        return {(pl.organisation.cvr, pl.municipality.code) for pl in access.places_for_create(p)}

    assert places("org_staff") == {(ORG_A, "0101")}
    assert places("other_org_staff") == {(ORG_B, "0751")}
    assert places("municipality_officer") == {(ORG_A, "0101")}
    assert places("org_board") == set()
    assert places("sector_staff") == set()
    assert places("resident_a") == set()


def test_visible_dialogues(cast, dialogue) -> None:
    def visible(key: str) -> bool:
        return (
            access.visible_dialogues(principal_for(cast[key].user)).filter(pk=dialogue.pk).exists()
        )

    assert visible("org_staff") and visible("org_board") and visible("municipality_officer")
    assert not any(
        visible(k) for k in ["resident_a", "estate_board_a", "other_org_staff", "sector_staff"]
    )


# --- pages ------------------------------------------------------------------------------


def test_list_shows_what_the_person_may_see(dialogue, client_for) -> None:
    html = client_for("municipality_officer").get("/styringsdialog/").content.decode()
    assert "Boligselskabet Fællesbo" in html and "Opret styringsdialog" in html
    html = client_for("org_board").get("/styringsdialog/").content.decode()
    assert "Boligselskabet Fællesbo" in html and "Opret styringsdialog" not in html
    html = client_for("sector_staff").get("/styringsdialog/").content.decode()
    assert "almen-empty" in html and "Fællesbo" not in html
    assert client_for("anonymous").get("/styringsdialog/").status_code == 302


def test_list_query_count_does_not_grow(
    dialogue, client_for, django_assert_max_num_queries
) -> None:
    client = client_for("org_staff")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/styringsdialog/").status_code == 200
    for year in range(2015, 2026):
        d = services.dialogue_create(
            actor=None,
            organisation=dialogue.organisation,
            municipality=dialogue.municipality,
            year=year,
        )
        services.agreement_create(actor=None, dialogue=d, title="x")
    # +1: with Redis the session is cached_db, and a cache miss costs one query.
    with django_assert_max_num_queries(len(one) + 1):
        response = client.get("/styringsdialog/")
    assert response.content.decode().count("Styringsdialog 20") == 12


def test_detail_shows_agreements_goal_status_and_pack_links(dialogue, client_for) -> None:
    goal = _goal()
    services.agreement_create(
        actor=None, dialogue=dialogue, title="Fraflytning ned", goal=goal, due=dt.date(2026, 4, 1)
    )
    html = client_for("municipality_officer").get(URL).content.decode()
    assert f'href="/maal/{goal.public_id}/"' in html
    status = calculation(goal.indicators.get()).status
    assert f'almen-status--{status.value}">{status.label}' in html
    assert "Forsinket" in html  # due 1 April 2026, not followed up
    assert 'href="/rapporter/organisationer/29190909/kommune/0101/2026.pdf"' in html
    assert "Lars Poulsen" in html and "Følg op" in html
    board = client_for("org_board").get(URL).content.decode()
    assert "Fraflytning ned" in board and "Følg op" not in board


def test_detail_query_count_does_not_grow(
    dialogue, client_for, django_assert_max_num_queries
) -> None:
    client = client_for("org_staff")
    services.agreement_create(actor=None, dialogue=dialogue, title="med mål", goal=_goal())
    with CaptureQueriesContext(connection) as one:
        assert client.get(URL).status_code == 200
    for n in range(4):
        services.agreement_create(
            actor=None, dialogue=dialogue, title=f"aftale {n}", goal=_goal(title=f"mål {n}")
        )
    # +1: with Redis the session is cached_db, and a cache miss costs one query.
    with django_assert_max_num_queries(len(one) + 1):
        response = client.get(URL)
    assert response.content.decode().count("almen-status--") >= 5


def test_create_view(cast, client_for) -> None:
    data = {"organisation": ORG_A, "municipality": "0101", "year": "2027", "status": "planned"}
    response = client_for("municipality_officer").post("/styringsdialog/ny/", data)
    assert response.status_code == 302
    created = Dialogue.objects.get(organisation__cvr=ORG_A, year=2027)
    assert response["Location"] == f"/styringsdialog/{created.public_id}/"
    # The same again: a clear message and a 400.
    again = client_for("org_staff").post("/styringsdialog/ny/", data)
    assert again.status_code == 400
    assert "allerede en styringsdialog" in again.content.decode()


def test_create_view_refuses_places_the_person_may_not_use(cast, client_for) -> None:
    data = {"organisation": ORG_B, "municipality": "0751", "year": "2027", "status": "planned"}
    response = client_for("org_staff").post("/styringsdialog/ny/", data)
    assert response.status_code == 400
    assert not Dialogue.objects.filter(organisation__cvr=ORG_B).exists()
    bad = client_for("org_staff").post(
        "/styringsdialog/ny/", {**data, "organisation": ORG_A, "year": "tyve"}
    )
    assert bad.status_code == 400
    assert client_for("org_board").post("/styringsdialog/ny/", data).status_code == 403
    assert client_for("sector_staff").post("/styringsdialog/ny/", data).status_code == 403
    assert client_for("anonymous").post("/styringsdialog/ny/", data).status_code == 302
    assert client_for("org_staff").put("/styringsdialog/ny/").status_code == 405


def test_edit_view(dialogue, client_for) -> None:
    url = f"{URL}rediger/"
    data = {
        "meeting_date": "2026-03-12",
        "meeting_place": "Rådhuset",
        "participants": "A – b – c",
        "status": "closed",
        "minutes_summary": "Aftalt.",
    }
    assert client_for("municipality_officer").post(url, data).status_code == 302
    dialogue.refresh_from_db()
    assert dialogue.status == DialogueStatus.CLOSED and dialogue.minutes_summary == "Aftalt."
    bad = client_for("org_staff").post(url, {**data, "meeting_date": "2025-01-01"})
    assert bad.status_code == 400 and "styringsdialogens år" in bad.content.decode()
    assert client_for("org_board").post(url, data).status_code == 403
    assert client_for("other_org_staff").post(url, data).status_code == 404
    assert client_for("resident_a").post(url, data).status_code == 404
    assert client_for("org_staff").delete(url).status_code == 405


def test_agreement_views(dialogue, agreement, client_for) -> None:
    goal = _goal()
    url = f"{URL}aftaler/ny/"
    data = {
        "title": "Fælles mål",
        "goal": str(goal.pk),
        "responsible_party": ResponsibleParty.MUNICIPALITY,
        "due": "2026-02-01",
    }
    early = client_for("org_staff").post(url, data)
    assert early.status_code == 400 and "Fristen kan ikke ligge før mødet" in early.content.decode()
    assert client_for("org_staff").post(url, {**data, "due": "2026-12-01"}).status_code == 302
    assert dialogue.agreements.filter(goal=goal).exists()
    # A goal that is not shared with the municipality is not a choice.
    hidden = client_for("org_staff").post(
        url, {**data, "goal": str(Goal.objects.get(public_id=GOAL_ID).pk)}
    )
    assert hidden.status_code == 400 and "delt med kommunen" in hidden.content.decode()
    assert client_for("org_board").post(url, data).status_code == 403
    assert client_for("other_org_staff").post(url, data).status_code == 404
    assert client_for("org_staff").put(url).status_code == 405

    edit = f"{URL}aftaler/{AGREEMENT_ID}/rediger/"
    response = client_for("municipality_officer").post(
        edit, {"title": "Nyt navn", "responsible_party": "both", "due": ""}
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == "Nyt navn" and agreement.due is None
    assert client_for("org_board").post(edit, {"title": "x"}).status_code == 403
    unknown = f"{URL}aftaler/00000000-0000-4000-8000-000000000999/rediger/"
    assert client_for("org_staff").get(unknown).status_code == 404


def test_follow_up_view(agreement, client_for) -> None:
    url = f"{URL}aftaler/{AGREEMENT_ID}/opfoelgning/"
    dropped = client_for("org_staff").post(url, {"follow_up_status": "dropped"})
    assert dropped.status_code == 400 and "hvorfor aftalen er opgivet" in dropped.content.decode()
    ok = client_for("org_staff").post(
        url, {"follow_up_status": "dropped", "follow_up_note": "Afløst af en ny aftale."}
    )
    assert ok.status_code == 302
    agreement.refresh_from_db()
    assert agreement.follow_up_status == FollowUpStatus.DROPPED
    assert client_for("org_board").post(url, {"follow_up_status": "done"}).status_code == 403
    assert client_for("sector_staff").post(url, {"follow_up_status": "done"}).status_code == 404
    assert client_for("anonymous").post(url, {"follow_up_status": "done"}).status_code == 302
    assert client_for("org_staff").put(url).status_code == 405


def test_unknown_dialogue_is_404(cast, client_for) -> None:
    assert (
        client_for("org_staff")
        .get("/styringsdialog/00000000-0000-4000-8000-000000000999/")
        .status_code
        == 404
    )


# --- pack data --------------------------------------------------------------------------


def test_municipal_key_figures(dialogue) -> None:
    figures = municipal_key_figures(
        dialogue.organisation_id,
        dialogue.municipality_id,
        dialogue.year,
        today=dt.date(2026, 11, 27),
    )
    estates = Estate.objects.filter(
        organisation=dialogue.organisation, municipality=dialogue.municipality
    )
    assert figures["estate_count"] == estates.count() == 2
    assert figures["homes"] == Unit.objects.filter(estate__in=estates).count()
    assert (
        figures["households"]
        == Household.objects.active(on=dt.date(2026, 11, 27))
        .filter(unit__estate__in=estates)
        .count()
    )
    assert (
        figures["organisation_homes"]
        == Unit.objects.filter(estate__organisation=dialogue.organisation).count()
    )
    assert figures["period"].end == dt.date(2026, 11, 27)


def test_agreement_rows_carry_the_goals_computed_status(dialogue) -> None:
    goal = _goal()
    services.agreement_create(actor=None, dialogue=dialogue, title="med mål", goal=goal)
    linked = next(r for r in agreement_rows(dialogue) if r.agreement.goal_id == goal.pk)
    assert linked.indicators[0].calculation.status != Status.NO_DATA
    assert dialogue.participant_rows()[1] == {
        "name": "Lars Poulsen",
        "role": "specialkonsulent",
        "side": "kommunen",
    }


# --- demo -------------------------------------------------------------------------------


def test_demo_is_idempotent(cast) -> None:
    shared = _goal(cvr=ORG_B, title="Aarhus-mål")
    made = dialogue_demo_create()
    # Organisation A already has its 2026 dialogue with København (the matrix's).
    assert made == 2
    assert dialogue_demo_create() == 0
    aarhus = Dialogue.objects.get(organisation__cvr=ORG_B, year=2026)
    assert aarhus.status == DialogueStatus.HELD and len(aarhus.participant_rows()) == 3
    assert aarhus.agreements.count() == 3
    assert aarhus.agreements.filter(goal=shared).exists()
    assert Dialogue.objects.count() == 3
