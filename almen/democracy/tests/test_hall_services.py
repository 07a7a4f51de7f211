"""The hall's rules as services: check-in on the roll and in the hall's hours, proxies
per the estate's decision and cap, votes held to the votes present, simple majority,
elections, the decision row of a recorded item, closing the meeting. Time travels to
the matrix meeting's evening (``time_machine``); nothing of our own is mocked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from almen.audit.models import AuditEntry
from almen.democracy import hall_selectors, hall_services, services
from almen.democracy import hall_testing as t
from almen.democracy.models import (
    AgendaItem,
    AgendaKind,
    Amendment,
    Attendance,
    Candidate,
    CandidatePost,
    Decision,
    EstateRules,
    Forum,
    Meeting,
    MeetingStatus,
    Outcome,
)
from almen.democracy.testing import DECISION_ID, MEETING_ID
from almen.lib.visibility import Visibility
from almen.register.models import Household

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(cast) -> Meeting:
    return Meeting.objects.select_related("estate", "organisation").get(public_id=MEETING_ID)


@pytest.fixture
def hall(meeting: Meeting) -> Iterator[Meeting]:
    """Half an hour into the matrix meeting (60 days from the test run)."""
    with time_machine.travel(meeting.starts_at + dt.timedelta(minutes=30), tick=False):
        yield meeting


def households(meeting: Meeting, n: int) -> list[Household]:
    return t.roll_households(meeting, n)


def checkin(meeting: Meeting, household: Household) -> Attendance:
    return hall_services.attendance_checkin(actor=None, meeting=meeting, household=household)


def message(excinfo: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(excinfo.value.messages)


# --- when the hall is open -----------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "open_"), [(-1, False), (0, True), (1, True), (2, False)], ids=str
)
def test_the_hall_is_open_on_the_meeting_day_and_the_day_after(
    meeting: Meeting, days: int, open_: bool
) -> None:
    household = households(meeting, 1)[0]
    with time_machine.travel(meeting.starts_at + dt.timedelta(days=days), tick=False):
        if open_:
            checkin(meeting, household)
        else:
            with pytest.raises(ValidationError) as excinfo:
                checkin(meeting, household)
            assert "Salen åbner på mødedagen" in message(excinfo) or "Salen er lukket" in (
                message(excinfo)
            )
    assert Attendance.objects.filter(meeting=meeting).exists() == open_


def test_a_draft_meeting_has_no_hall(meeting: Meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.DRAFT)
    meeting.refresh_from_db()
    with time_machine.travel(meeting.starts_at, tick=False):
        assert "ikke indkaldt" in hall_services.hall_closed_reason(meeting)
        with pytest.raises(ValidationError):
            checkin(meeting, households(meeting, 1)[0])


# --- check-in ------------------------------------------------------------------------


def test_checkin_counts_the_household_and_its_two_votes(hall: Meeting) -> None:
    a, b = households(hall, 2)
    adult = a.residents.first()
    row = hall_services.attendance_checkin(
        actor=None, meeting=hall, household=a, residents=[adult] if adult else []
    )
    checkin(hall, b)
    count = hall_selectors.hall_count(hall)
    assert (count.present, count.represented, count.votes) == (2, 0, 4)
    assert count.on_roll == services.roll(hall).count()
    assert list(row.residents.all()) == ([adult] if adult else [])
    assert AuditEntry.objects.filter(action="democracy.attendance_checkin").count() == 2


def test_checking_in_twice_says_already_checked_in(hall: Meeting) -> None:
    household = households(hall, 1)[0]
    checkin(hall, household)
    with pytest.raises(ValidationError) as excinfo:
        checkin(hall, household)
    assert "allerede tjekket ind" in message(excinfo)
    assert Attendance.objects.filter(meeting=hall, household=household).count() == 1


def test_the_database_refuses_a_second_row_for_a_household(hall: Meeting) -> None:
    """Two desks checking in the same household at once: the unique constraint is the
    last word, and the service turns its refusal into the Danish message."""
    household = households(hall, 1)[0]
    checkin(hall, household)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(meeting=hall, household=household)


def test_a_household_not_on_the_roll_is_refused(hall: Meeting) -> None:
    moved = households(hall, 1)[0]
    assert hall.roll_on is not None
    Household.objects.filter(pk=moved.pk).update(moved_out=hall.roll_on - dt.timedelta(days=1))
    other_estate = Household.objects.active().exclude(unit__estate=hall.estate).first()
    assert other_estate is not None
    for household in (moved, other_estate):
        with pytest.raises(ValidationError) as excinfo:
            checkin(hall, household)
        assert "står ikke på listen" in message(excinfo)
    assert not Attendance.objects.filter(meeting=hall).exists()


def test_residents_of_another_household_are_refused(hall: Meeting) -> None:
    a, b = households(hall, 2)
    stranger = b.residents.first()
    assert stranger is not None
    with pytest.raises(ValidationError):
        hall_services.attendance_checkin(
            actor=None, meeting=hall, household=a, residents=[stranger]
        )
    assert not Attendance.objects.filter(meeting=hall).exists()


def test_undo_takes_the_proxies_with_it(hall: Meeting) -> None:
    t.allow_proxies(cap=1)
    a, b = households(hall, 2)
    row = checkin(hall, a)
    hall_services.proxy_register(actor=None, meeting=hall, holder=a, represented=b, shown=True)
    hall_services.attendance_undo(actor=None, attendance=row)
    assert not Attendance.objects.filter(meeting=hall).exists()
    entry = AuditEntry.objects.get(action="democracy.attendance_undo")
    assert entry.before is not None and entry.before["proxies"] == [str(b.public_id)]


# --- proxies -------------------------------------------------------------------------


def test_no_proxies_without_the_estates_decision(hall: Meeting) -> None:
    assert not EstateRules.objects.filter(estate=hall.estate).exists()
    a, b = households(hall, 2)
    checkin(hall, a)
    with pytest.raises(ValidationError) as excinfo:
        hall_services.proxy_register(actor=None, meeting=hall, holder=a, represented=b, shown=True)
    assert message(excinfo) == "Afdelingsmødet har ikke besluttet at tillade fuldmagter."


def test_a_proxy_counts_two_more_votes_up_to_the_cap(hall: Meeting) -> None:
    t.allow_proxies(cap=1)
    a, b, c = households(hall, 3)
    checkin(hall, a)
    hall_services.proxy_register(actor=None, meeting=hall, holder=a, represented=b, shown=True)
    count = hall_selectors.hall_count(hall)
    assert (count.present, count.represented, count.votes) == (1, 1, 4)
    with pytest.raises(ValidationError) as excinfo:
        hall_services.proxy_register(actor=None, meeting=hall, holder=a, represented=c, shown=True)
    assert "højst 1 pr. husstand" in message(excinfo)
    assert hall_selectors.hall_count(hall).votes == 4


@pytest.mark.parametrize("case", ["self", "present", "chain", "absent_holder", "not_shown"])
def test_proxies_that_are_refused(hall: Meeting, case: str) -> None:
    t.allow_proxies(cap=2)
    a, b, c = households(hall, 3)
    checkin(hall, a)
    expected = {
        "self": "sig selv",
        "present": "selv til stede",
        "chain": "kan ikke gives videre",
        "absent_holder": "skal selv være tjekket ind",
        "not_shown": "skriftlige fuldmagt",
    }[case]
    holder, represented, shown = a, b, True
    if case == "self":
        represented = a
    elif case == "present":
        checkin(hall, b)
    elif case == "chain":
        # b is represented by a; b cannot in turn carry c's proxy.
        hall_services.proxy_register(actor=None, meeting=hall, holder=a, represented=b, shown=True)
        holder, represented = b, c
    elif case == "absent_holder":
        holder, represented = c, b
    elif case == "not_shown":
        shown = False
    before = Attendance.objects.filter(meeting=hall).count()
    with pytest.raises(ValidationError) as excinfo:
        hall_services.proxy_register(
            actor=None, meeting=hall, holder=holder, represented=represented, shown=shown
        )
    assert expected in message(excinfo)
    assert Attendance.objects.filter(meeting=hall).count() == before


def test_estate_rules_allow_proxies_only_with_a_decision_of_the_estate(meeting: Meeting) -> None:
    estate = meeting.estate
    assert estate is not None
    with pytest.raises(ValidationError) as excinfo:
        hall_services.estate_rules_set(
            actor=None,
            estate=estate,
            proxies_allowed=True,
            proxy_cap=1,
            proxy_decision=None,
            two_ordinary_meetings=False,
        )
    assert "besluttet" in message(excinfo)
    foreign = Decision.objects.create(
        organisation=estate.organisation,
        estate=None,
        forum=Forum.ORGANISATION_BOARD,
        decided_on=dt.date(2026, 3, 1),
        title="Organisationsbestyrelsens beslutning",
        text="…",
    )
    with pytest.raises(ValidationError):
        hall_services.estate_rules_set(
            actor=None,
            estate=estate,
            proxies_allowed=True,
            proxy_cap=1,
            proxy_decision=foreign,
            two_ordinary_meetings=False,
        )
    for cap in (0, hall_services.PROXY_CAP_MAX + 1):
        with pytest.raises(ValidationError):
            hall_services.estate_rules_set(
                actor=None,
                estate=estate,
                proxies_allowed=True,
                proxy_cap=cap,
                proxy_decision=Decision.objects.get(public_id=DECISION_ID),
                two_ordinary_meetings=False,
            )
    assert not EstateRules.objects.filter(estate=estate).exists()
    rules = t.allow_proxies(cap=2)
    assert (rules.proxies_allowed, rules.proxy_cap, rules.proxy_decision_id) == (
        True,
        2,
        Decision.objects.get(public_id=DECISION_ID).pk,
    )


# --- votes ---------------------------------------------------------------------------


def vote(
    item: AgendaItem, f: int | None, a: int | None, b: int | None = 0, outcome: str = ""
) -> AgendaItem:
    return hall_services.item_vote_record(
        actor=None, item=item, votes_for=f, votes_against=a, votes_blank=b, outcome=outcome
    )


def test_votes_may_not_exceed_the_votes_present(hall: Meeting) -> None:
    for household in households(hall, 3):
        checkin(hall, household)
    item = t.item_of(hall, AgendaKind.BUDGET)
    with pytest.raises(ValidationError) as excinfo:
        vote(item, 5, 1, 1)
    assert "7 stemmer" in message(excinfo) and "kun 6 stemmer" in message(excinfo)
    item.refresh_from_db()
    assert (item.votes_for, item.outcome) == (None, "")
    assert not Decision.objects.filter(item=item).exists()
    vote(item, 4, 1, 1)
    item.refresh_from_db()
    assert (item.votes_for, item.votes_against, item.votes_blank) == (4, 1, 1)


@pytest.mark.parametrize(
    ("f", "a", "outcome", "ok", "recorded"),
    [
        (3, 2, "", True, Outcome.ADOPTED),  # computed: more for than against
        (2, 2, "", True, Outcome.REJECTED),  # a tie is not a majority
        (2, 2, Outcome.ADOPTED, False, ""),
        (3, 1, Outcome.REJECTED, False, ""),
        (1, 3, Outcome.REJECTED, True, Outcome.REJECTED),
    ],
)
def test_simple_majority_of_those_voting(
    hall: Meeting, f: int, a: int, outcome: str, ok: bool, recorded: str
) -> None:
    for household in households(hall, 3):
        checkin(hall, household)
    item = t.item_of(hall, AgendaKind.PROPOSALS)
    if ok:
        assert vote(item, f, a, 0, outcome).outcome == recorded
    else:
        with pytest.raises(ValidationError):
            vote(item, f, a, 0, outcome)
        item.refresh_from_db()
        assert item.outcome == ""


def test_an_item_without_a_vote_is_noted(hall: Meeting) -> None:
    item = t.item_of(hall, AgendaKind.REPORT)
    vote(item, None, None, None, Outcome.NOTED)
    item.refresh_from_db()
    assert (item.outcome, item.votes_for, item.recorded_at is not None) == (
        Outcome.NOTED,
        None,
        True,
    )
    decision = Decision.objects.get(item=item)
    assert decision.text == (
        "Afdelingsmødet tog punktet “Afdelingsbestyrelsens beretning” til efterretning."
    )
    with pytest.raises(ValidationError):
        vote(t.item_of(hall, AgendaKind.BUDGET), None, None, None, "")


def test_a_recorded_item_becomes_a_decision_of_the_register(hall: Meeting) -> None:
    for household in households(hall, 4):
        checkin(hall, household)
    item = t.item_of(hall, AgendaKind.BUDGET)
    vote(item, 5, 2, 1)
    decision = Decision.objects.get(item=item)
    assert decision.forum == Forum.RESIDENTS_MEETING
    assert decision.meeting_id == hall.pk and decision.estate_id == hall.estate_id
    assert decision.decided_on == hall.meeting_on
    assert decision.title == item.title
    assert (decision.votes_for, decision.votes_against, decision.votes_blank) == (5, 2, 1)
    assert decision.outcome == Outcome.ADOPTED
    assert decision.visibility == Visibility.ORGANISATION and decision.published_at is None
    assert decision.text.startswith("Afdelingsmødet vedtog punktet “Budget")
    assert "5 stemmer for, 2 imod og 1 blanke" in decision.text
    # Recorded again (a recount): the same row is updated, not a second one.
    vote(item, 2, 5, 1)
    decision.refresh_from_db()
    assert Decision.objects.filter(item=item).count() == 1
    assert decision.outcome == Outcome.REJECTED and "forkastede" in decision.text
    assert AuditEntry.objects.filter(action="democracy.decision_from_item").count() == 2


def test_decision_from_item_without_an_outcome_makes_nothing(hall: Meeting) -> None:
    item = t.item_of(hall, AgendaKind.AOB)
    assert hall_services.decision_from_item(actor=None, item=item) is None
    assert not Decision.objects.filter(item=item).exists()


def test_an_election_item_is_recorded_with_its_candidates(hall: Meeting) -> None:
    item = t.item_of(hall, AgendaKind.ELECTION)
    with pytest.raises(ValidationError):
        vote(item, 1, 0)
    for household in households(hall, 3):
        checkin(hall, household)
    kirsten = hall_services.candidate_add(
        actor=None, item=item, name="  Kirsten   Holm ", post=CandidatePost.MEMBER
    )
    assert kirsten.name == "Kirsten Holm"
    ole = hall_services.candidate_add(actor=None, item=item, name="Ole Berg", post="medlem")
    with pytest.raises(ValidationError):
        hall_services.candidate_add(actor=None, item=item, name="kirsten holm", post="medlem")
    with pytest.raises(ValidationError) as excinfo:
        hall_services.election_record(
            actor=None, item=item, votes={kirsten.pk: 7, ole.pk: 2}, elected=[kirsten.pk]
        )
    assert "kun 6 stemmer" in message(excinfo)
    hall_services.election_record(
        actor=None, item=item, votes={kirsten.pk: 5, ole.pk: 2}, elected=[kirsten.pk]
    )
    item.refresh_from_db()
    assert item.outcome == Outcome.ELECTED
    assert list(Candidate.objects.filter(item=item, elected=True)) == [kirsten]
    decision = Decision.objects.get(item=item)
    assert "Kirsten Holm (bestyrelsesmedlem)" in decision.text and "Ole" not in decision.text
    with pytest.raises(ValidationError) as excinfo:
        hall_services.candidate_add(actor=None, item=item, name="For sent", post="medlem")
    assert "Valget er registreret" in message(excinfo)


def test_an_amendment_is_voted_like_an_item(hall: Meeting) -> None:
    checkin(hall, households(hall, 1)[0])
    item = t.item_of(hall, AgendaKind.BUDGET)
    amendment = Amendment.objects.create(item=item, proposer_name="Jens", text="1 % i stedet.")
    with pytest.raises(ValidationError) as excinfo:
        hall_services.amendment_vote_record(
            actor=None,
            amendment=amendment,
            votes_for=2,
            votes_against=1,
            votes_blank=0,
            outcome="",
        )
    assert "3 stemmer" in message(excinfo) and "kun 2" in message(excinfo)
    hall_services.amendment_vote_record(
        actor=None, amendment=amendment, votes_for=0, votes_against=2, votes_blank=0, outcome=""
    )
    amendment.refresh_from_db()
    assert (amendment.outcome, amendment.votes_against) == (Outcome.REJECTED, 2)


# --- closing ---------------------------------------------------------------------------


def test_a_closed_meeting_is_held_and_its_hall_shut(hall: Meeting) -> None:
    a, b = households(hall, 2)
    checkin(hall, a)
    hall_services.meeting_close(actor=None, meeting=hall)
    hall.refresh_from_db()
    assert hall.status == MeetingStatus.HELD
    with pytest.raises(ValidationError) as excinfo:
        checkin(hall, b)
    assert "afsluttet" in message(excinfo)
    with pytest.raises(ValidationError):
        hall_services.meeting_close(actor=None, meeting=hall)


def test_a_meeting_cannot_be_closed_before_its_day(meeting: Meeting) -> None:
    with pytest.raises(ValidationError):
        hall_services.meeting_close(actor=None, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.NOTICED


# --- the live count --------------------------------------------------------------------


def test_the_live_count_makes_two_queries_whatever_the_attendance(
    hall: Meeting, django_assert_max_num_queries
) -> None:
    for household in services.roll(hall):
        checkin(hall, household)
    with django_assert_max_num_queries(2):
        count = hall_selectors.hall_count(hall)
    assert count.present == services.roll(hall).count() == count.on_roll
    assert count.share == 100.0
