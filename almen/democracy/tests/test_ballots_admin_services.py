"""Running a ballot, rule by rule: creating each purpose with its defaults and refusals
(the deciding decision, the same proposal before the next ordinary meeting, always a
"no"), the times, opening (scheduled, hall voters marked), closing, paper votes by
post, hand counts with four eyes and their limits, the count and a recount, publishing
the result as a decision readable per persona, the messages and the tick. The box
itself is ``ballots_box``'s; nothing of our own is mocked."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from almen.access.policy import ANONYMOUS, principal_for
from almen.audit.models import AuditEntry
from almen.conftest import PERSONA_KEYS
from almen.democracy import ballots_admin_reminders as reminders
from almen.democracy import ballots_admin_testing as t
from almen.democracy import ballots_box, hall_services
from almen.democracy import ballots_services as svc
from almen.democracy import hall_testing as hall
from almen.democracy.access import can_read_decision
from almen.democracy.ballots_testing import close_now, yes_no_ballot
from almen.democracy.models import (
    AgendaKind,
    Ballot,
    BallotEntry,
    BallotKind,
    BallotOption,
    BallotPurpose,
    BallotState,
    CountChannel,
    CountStatus,
    Decision,
    EstateRules,
    Forum,
    Meeting,
    MeetingKind,
    MeetingStatus,
    OptionKind,
    Outcome,
    PaperCount,
    Participation,
    Proposal,
)
from almen.democracy.testing import PROPOSAL_ID, RESIDENT_A_EMAIL, matrix_estate
from almen.lib.visibility import Visibility
from almen.notify.models import Notification, NotificationPreference, Status
from almen.register.models import Estate, Household, Resident

pytestmark = pytest.mark.django_db


def message(excinfo: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(excinfo.value.messages)


def refused(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(ValidationError) as excinfo:
        call(*args, **kwargs)
    return message(excinfo)


def labels(ballot: Ballot) -> list[tuple[str, str]]:
    return list(ballot.options.order_by("position").values_list("kind", "label"))


def tally(ballot: Ballot) -> dict[str, Any]:
    assert ballot.tally is not None
    return ballot.tally


def after(entry: AuditEntry | None) -> dict[str, Any]:
    assert entry is not None and entry.after is not None
    return entry.after


def estate_b() -> Estate:
    return Estate.objects.get(organisation__cvr="29190909", number=2)


def resident_a_household() -> Household:
    return Resident.objects.get(user__email=RESIDENT_A_EMAIL).household


# --- creating: defaults and the urafstemning's rules ----------------------------------------


def test_a_yes_no_urafstemning_is_a_draft_with_ja_nej_blank_and_the_estates_rule(cast) -> None:
    EstateRules.objects.update_or_create(
        estate=matrix_estate(), defaults={"moved_out_keeps_vote": True}
    )
    ballot = t.draft(actor=cast["org_staff"].user)
    assert ballot.state == BallotState.DRAFT
    assert labels(ballot) == [("ja", "Ja"), ("nej", "Nej"), ("blank", "Blank")]
    assert ballot.moved_out_keeps_vote is True
    assert ballot.roll_on == timezone.localdate()
    assert ballot.meeting is None or ballot.meeting.estate_id == ballot.estate_id
    entry = AuditEntry.objects.get(action="democracy.ballot_create", object_id=str(ballot.pk))
    assert after(entry)["options"] == ["Ja", "Nej", "Blank"]


def test_the_estates_rule_is_copied_not_followed_afterwards(cast) -> None:
    ballot = t.draft()
    assert ballot.moved_out_keeps_vote is False
    EstateRules.objects.update_or_create(
        estate=matrix_estate(), defaults={"moved_out_keeps_vote": True}
    )
    ballot.refresh_from_db()
    assert ballot.moved_out_keeps_vote is False


def test_an_urafstemning_needs_the_decision_that_called_it(cast) -> None:
    text = refused(t.draft, authorised_by=None)
    assert "besluttet af afdelingsmødet" in text
    assert not Ballot.objects.filter(title="Urafstemning om solceller").exists()


def test_a_decision_of_another_estate_does_not_call_an_urafstemning(cast) -> None:
    other = Decision.objects.create(
        organisation=estate_b().organisation,
        estate=estate_b(),
        forum=Forum.RESIDENTS_MEETING,
        decided_on=timezone.localdate(),
        title="Urafstemning i afdeling 2",
        text="Afdelingsmødet i afdeling 2 besluttede en urafstemning.",
    )
    assert "denne afdeling" in refused(t.draft, authorised_by=other)


def test_the_organisation_boards_decision_does_not_call_an_urafstemning(cast) -> None:
    estate = matrix_estate()
    board = Decision.objects.create(
        organisation=estate.organisation,
        estate=estate,
        forum=Forum.ORGANISATION_BOARD,
        decided_on=timezone.localdate(),
        title="Organisationsbestyrelsen",
        text="Besluttet.",
    )
    assert "afdelingsmødet eller afdelingsbestyrelsen" in refused(t.draft, authorised_by=board)


def test_the_estate_board_may_call_one_within_its_competence(cast) -> None:
    estate = matrix_estate()
    board = Decision.objects.create(
        organisation=estate.organisation,
        estate=estate,
        forum=Forum.ESTATE_BOARD,
        decided_on=timezone.localdate(),
        title="Afdelingsbestyrelsen sender affaldsordningen til urafstemning",
        text="Besluttet.",
    )
    assert t.draft(authorised_by=board).authorised_by == board


def _held_ordinary(starts_at: dt.datetime) -> Meeting:
    estate = matrix_estate()
    return Meeting.objects.create(
        organisation=estate.organisation,
        estate=estate,
        kind=MeetingKind.ORDINARY,
        title="Ordinært afdelingsmøde",
        starts_at=starts_at,
        place="Fælleshuset",
        status=MeetingStatus.HELD,
        roll_on=starts_at.date() - dt.timedelta(days=30),
        notice_published_at=starts_at - dt.timedelta(days=30),
    )


def test_no_new_urafstemning_on_the_same_proposal_before_the_next_ordinary_meeting(cast) -> None:
    proposal = Proposal.objects.get(public_id=PROPOSAL_ID)
    last = _held_ordinary(timezone.now() - dt.timedelta(days=10))
    first = t.draft(proposal=proposal)
    text = refused(t.draft, proposal=proposal, title="Igen")
    assert "først holdes efter næste ordinære afdelingsmøde" in text
    assert f"{last.meeting_on:%d-%m-%Y}" in text
    # Another proposal, or none, is not held back.
    t.draft(title="Uden forslag")
    # The next ordinary meeting is held: from then on a new one may be called.
    _held_ordinary(timezone.now() + dt.timedelta(days=1))
    with time_machine.travel(timezone.now() + dt.timedelta(days=2), tick=False):
        again = t.draft(proposal=proposal, title="Igen efter mødet")
    assert again.proposal == first.proposal


def test_a_proposal_of_another_estate_is_refused(cast) -> None:
    proposal = Proposal.objects.create(
        estate=estate_b(), proposer_name="Bo", title="Andet forslag", text="Tekst."
    )
    assert "fra afdelingen" in refused(t.draft, proposal=proposal)


def test_a_choose_one_urafstemning_always_has_a_no_option_that_stays(cast) -> None:
    ballot = t.draft(kind=BallotKind.CHOICE, options=("Solceller", "Varmepumpe"))
    assert labels(ballot) == [
        ("mulighed", "Solceller"),
        ("mulighed", "Varmepumpe"),
        ("nej", "Ingen af dem"),
        ("blank", "Blank"),
    ]
    no = ballot.options.get(kind=OptionKind.NO)
    assert "altid have en nej-mulighed" in refused(svc.option_remove, actor=None, option=no)
    blank = ballot.options.get(kind=OptionKind.BLANK)
    assert "Blank står altid" in refused(svc.option_remove, actor=None, option=blank)
    # Not even around the services: a paper without its "no" does not open.
    BallotOption.objects.filter(pk=no.pk).delete()
    assert "nej-mulighed" in refused(svc.ballot_open, actor=None, ballot=ballot)
    assert Ballot.objects.get(pk=ballot.pk).state == BallotState.DRAFT


def test_a_yes_no_ballot_keeps_ja_nej_and_blank(cast) -> None:
    ballot = t.draft()
    for option in ballot.options.all():
        assert refused(svc.option_remove, actor=None, option=option)
    assert "ligger fast" in refused(svc.option_add, actor=None, ballot=ballot, label="Måske")
    assert ballot.options.count() == 3


def test_options_are_added_before_no_and_blank_and_removed_on_drafts_only(cast) -> None:
    ballot = t.draft(kind=BallotKind.CHOICE, options=("Solceller",))
    assert "mindst to" in refused(svc.ballot_open, actor=None, ballot=ballot)
    svc.option_add(actor=None, ballot=ballot, label="  Varmepumpe  ")
    assert [label for _k, label in labels(ballot)] == [
        "Solceller",
        "Varmepumpe",
        "Ingen af dem",
        "Blank",
    ]
    assert "to gange" in refused(svc.option_add, actor=None, ballot=ballot, label="varmepumpe")
    assert "af sig selv" in refused(svc.option_add, actor=None, ballot=ballot, label="Blank")
    svc.option_remove(actor=None, option=ballot.options.get(label="Solceller"))
    assert list(ballot.options.order_by("position").values_list("position", "label")) == [
        (1, "Varmepumpe"),
        (2, "Ingen af dem"),
        (3, "Blank"),
    ]
    svc.option_add(actor=None, ballot=ballot, label="Solceller")
    svc.ballot_open(actor=None, ballot=ballot)
    assert "Kun en kladde" in refused(svc.option_add, actor=None, ballot=ballot, label="Vind")


BAD_VALUES: list[tuple[Any, str]] = [
    (lambda: {"closes_at": t.later(1)}, "closes_at"),  # not after the opening
    (lambda: {"closes_at": t.later(1 + 24 * 61)}, "closes_at"),  # more than 60 days
    (lambda: {"opens_at": t.later(-2)}, "opens_at"),  # in the past
    (lambda: {"roll_on": timezone.localdate() + dt.timedelta(days=3)}, "roll_on"),
    (lambda: {"roll_on": dt.date(1850, 1, 1)}, "roll_on"),
    (lambda: {"title": "   "}, "title"),
    (lambda: {"question": ""}, "question"),
    (lambda: {"kind": "flertal"}, "kind"),
    (lambda: {"purpose": "nogen"}, "purpose"),
    (lambda: {"visibility": Visibility.SECTOR}, "visibility"),
    (lambda: {"kind": BallotKind.YES_NO, "options": ("Måske",)}, "options"),
    (lambda: {"kind": BallotKind.CHOICE, "options": tuple(f"M{n}" for n in range(21))}, "options"),
    (lambda: {"kind": BallotKind.ELECTION, "seats": 0}, "seats"),
    (lambda: {"kind": BallotKind.ELECTION, "seats": 3, "term_years": 9}, "term_years"),
]


@pytest.mark.parametrize(("change", "field"), BAD_VALUES, ids=[f for _c, f in BAD_VALUES])
def test_bad_values_are_refused_field_by_field(cast, change: Any, field: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        t.draft(**change())
    assert field in excinfo.value.error_dict, excinfo.value
    assert not Ballot.objects.filter(title="Urafstemning om solceller").exists()


def test_the_year_bounds_hold(cast) -> None:
    far = timezone.make_aware(dt.datetime(2101, 1, 1, 12, 0))
    with pytest.raises(ValidationError) as excinfo:
        t.draft(opens_at=far, closes_at=far + dt.timedelta(days=1))
    assert "opens_at" in excinfo.value.error_dict


def test_an_election_has_blank_and_its_seats(cast) -> None:
    ballot = t.draft(kind=BallotKind.ELECTION, seats=3, substitute_seats=2)
    assert labels(ballot) == [("blank", "Blank")]
    assert (ballot.seats, ballot.substitute_seats, ballot.term_years) == (3, 2, 2)
    assert "mindst én kandidat" in refused(svc.ballot_open, actor=None, ballot=ballot)


def test_a_draft_is_edited_and_an_open_ballot_is_not(cast) -> None:
    ballot = t.draft()
    fields: dict[str, Any] = {
        "title": "Urafstemning om solceller på blok 3",
        "question": ballot.question,
        "opens_at": ballot.opens_at,
        "closes_at": ballot.closes_at + dt.timedelta(days=1),
        "visibility": Visibility.PUBLIC,
    }
    svc.ballot_update(actor=cast["org_staff"].user, ballot=ballot, **fields)
    ballot.refresh_from_db()
    assert (ballot.title, ballot.visibility) == (fields["title"], Visibility.PUBLIC)
    entry = AuditEntry.objects.get(action="democracy.ballot_update", object_id=str(ballot.pk))
    assert set(after(entry)) == {"title", "closes_at", "visibility"}
    bad = {**fields, "closes_at": ballot.opens_at}
    with pytest.raises(ValidationError):
        svc.ballot_update(actor=None, ballot=ballot, **bad)
    svc.ballot_open(actor=None, ballot=ballot)
    assert "Kun en kladde" in refused(
        svc.ballot_update, actor=None, ballot=ballot, **{**fields, "title": "Ændret"}
    )


# --- opening, scheduling, closing ------------------------------------------------------------


def test_opened_before_its_time_a_ballot_is_scheduled(cast) -> None:
    ballot = svc.ballot_open(actor=None, ballot=t.draft())
    assert ballot.state == BallotState.OPEN
    household = resident_a_household()
    assert "åbner" in refused(
        ballots_box.cast, ballot=ballot, household=household, user=None, marks=[1], votes=1
    )
    with time_machine.travel(ballot.opens_at + dt.timedelta(minutes=1), tick=False):
        receipt = ballots_box.cast(
            ballot=ballot, household=household, user=None, marks=[1], votes=1
        )
    assert receipt.votes_left == 1


def test_a_draft_opened_after_its_time_opens_now(cast) -> None:
    ballot = t.draft()
    with time_machine.travel(ballot.opens_at + dt.timedelta(hours=2), tick=False):
        opened = svc.ballot_open(actor=None, ballot=ballot)
        assert opened.opens_at == timezone.now()
    assert "allerede åbnet" in refused(svc.ballot_open, actor=None, ballot=ballot)


def test_a_digital_vote_closes_at_its_time_and_the_tick_closes_it(cast) -> None:
    ballot = svc.ballot_open(actor=None, ballot=t.draft())
    assert "lukker" in refused(svc.ballot_close_now, actor=None, ballot=ballot)
    other = t.draft(title="Kladden åbnes ikke af sig selv")
    with time_machine.travel(ballot.closes_at + dt.timedelta(minutes=1), tick=False):
        assert svc.ballots_tick()["closed"] >= 1  # ours (and the matrix's open one)
        assert svc.ballots_tick()["closed"] == 0
    assert Ballot.objects.get(pk=ballot.pk).state == BallotState.CLOSED
    assert Ballot.objects.get(pk=other.pk).state == BallotState.DRAFT


def test_the_managers_close_a_digital_vote_once_its_time_has_passed(cast) -> None:
    ballot = t.past_closing()
    closed = svc.ballot_close_now(actor=cast["org_staff"].user, ballot=ballot)
    assert closed.state == BallotState.CLOSED


# --- digital after the meeting ----------------------------------------------------------------


def _meeting_decision(meeting: Meeting, title: str = "Digital afstemning om budgettet") -> Decision:
    return Decision.objects.create(
        organisation=meeting.organisation,
        estate=meeting.estate,
        forum=Forum.RESIDENTS_MEETING,
        meeting=meeting,
        decided_on=meeting.meeting_on,
        title=title,
        text="Afdelingsmødet besluttede digital afstemning i 7 dage efter mødet.",
    )


def _after_meeting(meeting: Meeting, **fields: Any) -> Ballot:
    now = timezone.now()
    values: dict[str, Any] = {
        "purpose": BallotPurpose.AFTER_MEETING,
        "title": "Budgettet: digital afstemning efter mødet",
        "question": "Skal budgettet for 2027 godkendes?",
        "item": hall.item_of(meeting, AgendaKind.BUDGET),
        "authorised_by": _meeting_decision(meeting),
        "opens_at": now,
        "closes_at": now + dt.timedelta(days=3),
    }
    values.update(fields)
    return t.draft(**values)


def test_digital_after_the_meeting_needs_the_meetings_own_decision(cast) -> None:
    meeting = hall.meeting_today()
    assert "mødets beslutning" in refused(_after_meeting, meeting, authorised_by=None)
    assert "mødets beslutning" in refused(
        _after_meeting, meeting, authorised_by=t.matrix_decision()
    )
    ballot = _after_meeting(meeting)
    assert ballot.meeting == meeting and ballot.roll_on == meeting.roll_on


def test_digital_after_the_meeting_closes_within_7_days_of_it(cast) -> None:
    meeting = hall.meeting_today()
    day7 = timezone.make_aware(
        dt.datetime.combine(meeting.meeting_on + dt.timedelta(days=7), dt.time(23, 0))
    )
    assert _after_meeting(meeting, closes_at=day7).closes_at == day7
    text = refused(_after_meeting, meeting, closes_at=day7 + dt.timedelta(hours=1, minutes=30))
    assert "højst vare 7 dage" in text


def test_households_that_voted_in_the_hall_cannot_vote_online(cast) -> None:
    meeting = hall.meeting_today()
    allowed = hall.allow_proxies(cap=1)
    assert allowed.proxies_allowed
    present, proxy, away = hall.roll_households(meeting, 3)
    holder = hall_services.attendance_checkin(actor=None, meeting=meeting, household=present)
    hall_services.proxy_register(
        actor=None, meeting=meeting, holder=present, represented=proxy, shown=True
    )
    assert holder.pk
    ballot = svc.ballot_open(actor=None, ballot=_after_meeting(meeting))
    votes = dict(
        Participation.objects.filter(ballot=ballot).values_list("household_id", "votes_hall")
    )
    assert votes == {present.pk: 2, proxy.pk: 2}
    for household in (present, proxy):
        text = refused(
            ballots_box.cast, ballot=ballot, household=household, user=None, marks=[1], votes=1
        )
        assert "begge sine 2 stemmer" in text
    assert ballots_box.cast(ballot=ballot, household=away, user=None, marks=[2], votes=2)


# --- written vote in the hall -----------------------------------------------------------------


def _hall_ballot(meeting: Meeting, **fields: Any) -> Ballot:
    now = timezone.now()
    values: dict[str, Any] = {
        "purpose": BallotPurpose.HALL,
        "title": "Skriftlig afstemning om budgettet",
        "question": "Skal budgettet for 2027 godkendes?",
        "item": hall.item_of(meeting, AgendaKind.BUDGET),
        "authorised_by": None,
        "opens_at": now,
        "closes_at": now + dt.timedelta(hours=2),
    }
    values.update(fields)
    return t.draft(**values)


def test_a_vote_in_the_hall_is_only_held_while_the_hall_is_open(cast) -> None:
    future = Meeting.objects.get(public_id="00000000-0000-4000-8000-000000000101")
    assert "Salen åbner" in refused(_hall_ballot, future)
    meeting = hall.meeting_today()
    ballot = _hall_ballot(meeting)
    assert ballot.roll_on == meeting.roll_on and ballot.item is not None
    assert ballot.item.meeting == meeting


def test_a_hall_count_cannot_exceed_the_votes_checked_in(cast) -> None:
    meeting = hall.meeting_today()
    for household in hall.roll_households(meeting, 2):
        hall_services.attendance_checkin(actor=None, meeting=meeting, household=household)
    ballot = svc.ballot_open(actor=None, ballot=_hall_ballot(meeting))
    staff, board = cast["org_staff"].user, cast["estate_board_a"].user
    text = refused(
        svc.count_enter, actor=staff, ballot=ballot, channel=CountChannel.HALL, counts={1: 3, 2: 2}
    )
    assert "kun 2 husstande" in text and "højst 4 stemmer" in text
    count = svc.count_enter(
        actor=staff, ballot=ballot, channel=CountChannel.HALL, counts={1: 3, 2: 1}
    )
    svc.count_confirm(actor=board, count=count)
    ballot = svc.ballot_close_now(actor=board, ballot=ballot)
    assert ballot.state == BallotState.CLOSED and ballot.closes_at <= timezone.now()
    ballot = svc.ballot_count(actor=staff, ballot=ballot)
    assert tally(ballot)["votes_hall"] == 4 and tally(ballot)["households"] == 2
    assert tally(ballot)["options"]["1"] == {"digital": 0, "salen": 3, "papir": 0, "total": 3}
    assert set(
        Participation.objects.filter(ballot=ballot).values_list("votes_hall", flat=True)
    ) == {2}


# --- paper by post -----------------------------------------------------------------------------


def test_paper_votes_never_exceed_a_households_two(cast) -> None:
    ballot = yes_no_ballot()
    first, second = t.roll_households(ballot, 2)
    svc.paper_received(actor=cast["org_staff"].user, ballot=ballot, household=first, votes=2)
    text = refused(svc.paper_received, actor=None, ballot=ballot, household=first, votes=1)
    assert "begge sine 2 stemmer" in text
    assert "begge sine 2 stemmer" in refused(
        ballots_box.cast, ballot=ballot, household=first, user=None, marks=[1], votes=1
    )
    ballots_box.cast(ballot=ballot, household=second, user=None, marks=[1], votes=1)
    text = refused(svc.paper_received, actor=None, ballot=ballot, household=second, votes=2)
    assert "kun 1 stemme tilbage" in text
    svc.paper_received(actor=None, ballot=ballot, household=second, votes=1)
    assert Participation.objects.get(ballot=ballot, household=second).votes == 2
    for votes in (0, 3, True, "2"):
        refused(svc.paper_received, actor=None, ballot=ballot, household=second, votes=votes)
    entry = AuditEntry.objects.filter(action="democracy.ballot_paper_received").first()
    assert entry is not None and set(after(entry)) == {"husstand", "brevstemmer"}


def test_paper_from_a_household_off_the_roll_is_refused(cast) -> None:
    ballot = yes_no_ballot()
    elsewhere = Household.objects.active().filter(unit__estate=estate_b()).first()
    assert "hører ikke til afdelingen" in refused(
        svc.paper_received, actor=None, ballot=ballot, household=elsewhere, votes=1
    )
    newcomer = t.roll_households(ballot, 1)[0]
    Household.objects.filter(pk=newcomer.pk).update(moved_in=timezone.localdate())
    assert "flyttede ind efter" in refused(
        svc.paper_received, actor=None, ballot=ballot, household=newcomer, votes=1
    )
    assert not Participation.objects.filter(ballot=ballot).exists()


def test_a_paper_count_cannot_exceed_the_envelopes_received(cast) -> None:
    ballot = t.closed(paper=2)
    staff = cast["org_staff"].user
    text = refused(
        svc.count_enter, actor=staff, ballot=ballot, channel=CountChannel.PAPER, counts={1: 2, 2: 1}
    )
    assert "kun 2 brevstemmer" in text
    assert svc.count_enter(
        actor=staff, ballot=ballot, channel=CountChannel.PAPER, counts={1: 1, 2: 1}
    )


def test_a_paper_count_waits_for_the_close(cast) -> None:
    ballot = yes_no_ballot()
    svc.paper_received(
        actor=None, ballot=ballot, household=t.roll_households(ballot, 1)[0], votes=1
    )
    assert "når afstemningen er lukket" in refused(
        svc.count_enter,
        actor=cast["org_staff"].user,
        ballot=ballot,
        channel=CountChannel.PAPER,
        counts={1: 1},
    )


@pytest.mark.parametrize(
    "counts",
    [{1: -1}, {1: 1.5}, {1: "2"}, {1: True}, {9: 1}, {"x": 1}, {1: 1_000_001}, [1, 2]],
    ids=str,
)
def test_bad_numbers_in_a_count_are_refused(cast, counts: Any) -> None:
    ballot = t.closed(paper=2)
    with pytest.raises(ValidationError):
        svc.count_enter(
            actor=cast["org_staff"].user, ballot=ballot, channel=CountChannel.PAPER, counts=counts
        )
    assert not PaperCount.objects.filter(ballot=ballot).exists()


def test_a_channel_that_is_not_the_ballots_is_refused(cast) -> None:
    ballot = t.closed(paper=2)
    assert "hører ikke til" in refused(
        svc.count_enter,
        actor=cast["org_staff"].user,
        ballot=ballot,
        channel=CountChannel.HALL,
        counts={1: 1},
    )


# --- four eyes ---------------------------------------------------------------------------------


def test_the_one_who_entered_a_count_cannot_confirm_it(cast) -> None:
    ballot = t.closed(paper=2)
    staff, board = cast["org_staff"].user, cast["estate_board_a"].user
    count = svc.count_enter(actor=staff, ballot=ballot, channel=CountChannel.PAPER, counts={1: 2})
    assert "en anden end den, der tastede den ind" in refused(
        svc.count_confirm, actor=staff, count=count
    )
    # The database is the last line, whatever the path.
    count.refresh_from_db()
    count.status, count.checked_by = CountStatus.CONFIRMED, staff
    with pytest.raises(IntegrityError), transaction.atomic():
        count.save()
    count.refresh_from_db()
    assert count.status == CountStatus.ENTERED
    assert "venter allerede på kontrol" in refused(
        svc.count_enter, actor=board, ballot=ballot, channel=CountChannel.PAPER, counts={1: 2}
    )
    confirmed = svc.count_confirm(actor=board, count=count)
    assert (confirmed.status, confirmed.checked_by) == (CountStatus.CONFIRMED, board)
    assert "allerede kontrolleret" in refused(svc.count_confirm, actor=board, count=count)
    assert "allerede kontrolleret og godkendt" in refused(
        svc.count_enter, actor=board, ballot=ballot, channel=CountChannel.PAPER, counts={1: 2}
    )
    assert "person" in refused(svc.count_confirm, actor=None, count=count)


def test_a_wrong_count_is_rejected_or_withdrawn_and_entered_again(cast) -> None:
    ballot = t.closed(paper=2)
    staff, board = cast["org_staff"].user, cast["estate_board_a"].user
    wrong = svc.count_enter(actor=staff, ballot=ballot, channel=CountChannel.PAPER, counts={2: 2})
    rejected = svc.count_reject(actor=board, count=wrong)
    assert (rejected.status, rejected.checked_by) == (CountStatus.REJECTED, board)
    again = svc.count_enter(actor=staff, ballot=ballot, channel=CountChannel.PAPER, counts={1: 1})
    withdrawn = svc.count_reject(actor=staff, count=again)
    assert (withdrawn.status, withdrawn.checked_by) == (CountStatus.REJECTED, None)
    right = svc.count_enter(actor=board, ballot=ballot, channel=CountChannel.PAPER, counts={1: 2})
    svc.count_confirm(actor=staff, count=right)
    ballot = svc.ballot_count(actor=staff, ballot=ballot)
    assert tally(ballot)["votes_paper"] == 2 and tally(ballot)["options"]["2"]["papir"] == 0


# --- the count and a recount -------------------------------------------------------------------


def test_the_count_waits_for_the_paper_and_a_recount_gives_the_same_result(cast) -> None:
    ballot = t.closed(paper=2, digital=(1, 2, 1))
    staff, board = cast["org_staff"].user, cast["estate_board_a"].user
    assert "Brevstemmerne er ikke talt op" in refused(svc.ballot_count, actor=staff, ballot=ballot)
    count = svc.count_enter(
        actor=staff, ballot=ballot, channel=CountChannel.PAPER, counts={1: 1, 3: 1}
    )
    assert "venter på kontrol" in refused(svc.ballot_count, actor=staff, ballot=ballot)
    svc.count_confirm(actor=board, count=count)
    ballot = svc.ballot_count(actor=staff, ballot=ballot)
    assert ballot.state == BallotState.COUNTED and ballot.counted_at is not None
    figures = tally(ballot)
    assert figures["options"]["1"] == {"digital": 4, "salen": 0, "papir": 1, "total": 5}
    assert figures["options"]["2"]["total"] == 2 and figures["blank"] == 1
    assert (figures["votes"], figures["households"]) == (8, 4)
    again = svc.ballot_recount(actor=board, ballot=ballot)
    assert again["options"] == figures["options"] and again["votes"] == figures["votes"]
    entry = AuditEntry.objects.get(action="democracy.ballot_recount", object_id=str(ballot.pk))
    assert after(entry) == {"samme_resultat": True}
    assert "allerede talt op" in refused(svc.ballot_count, actor=staff, ballot=ballot)
    assert "allerede kontrolleret" in refused(svc.count_reject, actor=staff, count=count)


def test_a_recount_that_differs_is_refused_and_recorded(cast) -> None:
    ballot = svc.ballot_count(actor=None, ballot=t.closed(digital=(1, 2)))
    BallotEntry.objects.filter(ballot=ballot, marks="2").delete()  # someone at the database
    text = refused(svc.ballot_recount, actor=cast["org_staff"].user, ballot=ballot)
    assert "ikke samme resultat" in text and "Nej: 2 → 0" in text
    ballot.refresh_from_db()
    assert tally(ballot)["options"]["2"]["total"] == 2  # the stored count stays
    entry = AuditEntry.objects.get(action="democracy.ballot_recount", object_id=str(ballot.pk))
    assert after(entry)["samme_resultat"] is False


def test_only_a_closed_ballot_is_counted(cast) -> None:
    assert "når den er lukket" in refused(svc.ballot_count, actor=None, ballot=yes_no_ballot())


# --- publishing the result ----------------------------------------------------------------------


def _principals(cast: dict[str, Any]) -> dict[str, Any]:
    return {
        key: principal_for(cast[key].user) if cast[key].user else ANONYMOUS for key in PERSONA_KEYS
    }


def test_publishing_makes_a_decision_with_the_numbers_readable_per_persona(cast) -> None:
    ballot = t.counted()  # Ja 4, Nej 2 (households of 2 votes each)
    decision = svc.ballot_publish(actor=cast["org_staff"].user, ballot=ballot)
    ballot.refresh_from_db()
    assert ballot.state == BallotState.PUBLISHED and ballot.decision == decision
    assert ballot.published_at is not None
    assert decision.forum == Forum.BALLOT and decision.estate == ballot.estate
    assert (decision.votes_for, decision.votes_against, decision.votes_blank) == (4, 2, 0)
    assert decision.outcome == Outcome.ADOPTED
    assert decision.text.startswith("Ja 4, nej 2, blanke 0 – vedtaget.")
    assert "fra 3 af" in decision.text
    assert decision.published_at is not None
    assert decision.visibility == Visibility.ORGANISATION
    readers = {key for key, p in _principals(cast).items() if can_read_decision(p, decision)}
    assert readers == {"resident_a", "estate_board_a", "org_board", "org_staff"}
    assert "allerede offentliggjort" in refused(svc.ballot_publish, actor=None, ballot=ballot)


def test_a_public_ballots_decision_is_read_by_everyone(cast) -> None:
    ballot = svc.ballot_count(actor=None, ballot=t.closed(digital=(2, 2, 1)))
    Ballot.objects.filter(pk=ballot.pk).update(visibility=Visibility.PUBLIC)
    decision = svc.ballot_publish(actor=None, ballot=ballot)
    assert decision.outcome == Outcome.REJECTED
    assert decision.text.startswith("Ja 2, nej 4, blanke 0 – forkastet.")
    assert all(can_read_decision(p, decision) for p in _principals(cast).values())


def _choice_counted(marks: tuple[int, ...]) -> Ballot:
    ballot = svc.ballot_open(
        actor=None, ballot=t.draft(kind=BallotKind.CHOICE, options=("Skyggetag", "Markise"))
    )
    Ballot.objects.filter(pk=ballot.pk).update(opens_at=timezone.now() - dt.timedelta(hours=1))
    ballot.refresh_from_db()
    for household, mark in zip(t.roll_households(ballot, len(marks)), marks, strict=True):
        ballots_box.cast(ballot=ballot, household=household, user=None, marks=[mark], votes=1)
    return svc.ballot_count(actor=None, ballot=close_now(ballot))


def test_a_choose_one_result_names_the_option_with_most_votes(cast) -> None:
    decision = svc.ballot_publish(actor=None, ballot=_choice_counted((1, 1, 2, 4)))
    assert decision.outcome == Outcome.ADOPTED
    assert decision.text.startswith(
        "Skyggetag 2, Markise 1, Ingen af dem 0, blanke 1 – »Skyggetag« fik flest stemmer."
    )


def test_a_choose_one_tie_is_undecided(cast) -> None:
    decision = svc.ballot_publish(actor=None, ballot=_choice_counted((1, 2, 3)))
    assert decision.outcome == Outcome.NOTED
    assert "uafgjort: »Skyggetag« og »Markise« og »Ingen af dem« fik lige mange" in decision.text


def test_none_of_them_winning_adopts_nothing(cast) -> None:
    decision = svc.ballot_publish(actor=None, ballot=_choice_counted((3, 3, 1)))
    assert decision.outcome == Outcome.REJECTED
    assert "ingen af mulighederne er valgt" in decision.text


def test_a_vote_of_the_meeting_becomes_the_afdelingsmodes_decision(cast) -> None:
    meeting = hall.meeting_today()
    hall_services.attendance_checkin(
        actor=None, meeting=meeting, household=hall.roll_households(meeting, 1)[0]
    )
    ballot = svc.ballot_open(actor=None, ballot=_hall_ballot(meeting))
    count = svc.count_enter(
        actor=cast["org_staff"].user, ballot=ballot, channel=CountChannel.HALL, counts={1: 2}
    )
    svc.count_confirm(actor=cast["estate_board_a"].user, count=count)
    svc.ballot_close_now(actor=None, ballot=ballot)
    decision = svc.ballot_publish(actor=None, ballot=svc.ballot_count(actor=None, ballot=ballot))
    assert (decision.forum, decision.meeting) == (Forum.RESIDENTS_MEETING, meeting)
    assert decision.text.startswith("Ja 2, nej 0, blanke 0 – vedtaget.")


# --- messages ------------------------------------------------------------------------------------


def test_opening_tells_the_rolls_residents_with_their_preferences(cast) -> None:
    resident = cast["resident_a"].user
    NotificationPreference.objects.create(
        user=cast["estate_board_a"].user, kind=reminders.BALLOT_OPEN, preference="off"
    )
    ballot = svc.ballot_open(actor=None, ballot=t.draft())
    told = Notification.objects.filter(kind=reminders.BALLOT_OPEN)
    mine = told.get(recipient=resident)
    assert mine.status == Status.QUEUED
    assert mine.context["path"] == f"/afstemninger/{ballot.public_id}/"
    assert mine.context["title"] == ballot.title
    board = told.filter(recipient=cast["estate_board_a"].user).first()
    if board is not None:  # the board member lives in the estate: told, but turned off
        assert board.status == Status.SUPPRESSED
    estate = ballot.estate
    assert not told.exclude(recipient__residencies__household__unit__estate=estate).exists()
    assert not told.filter(recipient=cast["resident_b"].user).exists()


def test_the_closing_reminder_goes_24_hours_before_to_households_with_votes_left(cast) -> None:
    now = timezone.now()
    ballot = yes_no_ballot(
        opens_at=now - dt.timedelta(days=3), closes_at=now + dt.timedelta(days=2)
    )
    mine = resident_a_household()
    first, second = t.roll_households(ballot, 2)
    other = second if first.pk == mine.pk else first
    neighbour = Resident.objects.filter(household=other).first()
    assert neighbour is not None
    from almen.accounts.models import User

    neighbour_user = User.objects.create_user(email="nabo@almen.test", name="Nabo")
    Resident.objects.filter(pk=neighbour.pk).update(user=neighbour_user)
    ballots_box.cast(ballot=ballot, household=other, user=None, marks=[1], votes=2)
    kind = Notification.objects.filter(kind=reminders.BALLOT_CLOSING)
    assert svc.ballots_tick()["reminded"] == 0  # 2 days before: not yet
    with time_machine.travel(ballot.closes_at - dt.timedelta(hours=23), tick=False):
        assert svc.ballots_tick()["reminded"] >= 1
        assert kind.filter(recipient=cast["resident_a"].user).exists()
        assert not kind.filter(recipient=neighbour_user).exists()  # both votes used
        count = kind.count()
        assert svc.ballots_tick()["reminded"] == 0
        from almen.notify.services import reminders_queue_all

        reminders_queue_all(today=timezone.localdate())
        assert kind.count() == count
    assert (
        AuditEntry.objects.filter(action=reminders.CLOSING_MARK, object_id=str(ballot.pk)).count()
        == 1
    )


def test_the_daily_producer_reminds_when_the_tick_did_not(cast) -> None:
    now = timezone.now()
    ballot = yes_no_ballot(
        opens_at=now - dt.timedelta(days=3), closes_at=now + dt.timedelta(hours=5)
    )
    produced = list(reminders.ballot_closing_reminders(timezone.localdate()))
    assert {r.kind for r in produced} == {reminders.BALLOT_CLOSING}
    assert cast["resident_a"].user.pk in {r.user_id for r in produced}
    assert {r.key for r in produced} == {f"ballot:{ballot.public_id}:closing"}


def test_a_short_ballot_or_a_hall_vote_gets_no_closing_reminder(cast) -> None:
    now = timezone.now()
    yes_no_ballot(opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(hours=5))
    yes_no_ballot(
        purpose=BallotPurpose.HALL,
        opens_at=now - dt.timedelta(days=3),
        closes_at=now + dt.timedelta(hours=5),
    )
    assert svc.ballots_tick()["reminded"] == 0
    assert not Notification.objects.filter(kind=reminders.BALLOT_CLOSING).exists()


def test_the_result_is_told_to_the_roll_and_a_preference_off_is_respected(cast) -> None:
    NotificationPreference.objects.create(
        user=cast["resident_a"].user, kind=reminders.BALLOT_RESULT, preference="off"
    )
    ballot = t.counted()
    svc.ballot_publish(actor=None, ballot=ballot)
    told = Notification.objects.filter(kind=reminders.BALLOT_RESULT)
    assert told.get(recipient=cast["resident_a"].user).status == Status.SUPPRESSED
    assert not told.exclude(recipient__residencies__household__unit__estate=ballot.estate).exists()
