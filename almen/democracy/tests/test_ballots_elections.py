"""Elections (issue 9): nomination until the vote starts, the ranking with ties and the
draw, the result written into the estate board with terms."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from almen.audit.models import AuditEntry
from almen.democracy import ballots_box
from almen.democracy import ballots_elections as elections
from almen.democracy import ballots_elections_testing as t
from almen.democracy.models import (
    Ballot,
    BallotOption,
    BallotState,
    ElectionDraw,
    OptionKind,
)
from almen.people.models import Invitation
from almen.register.models import (
    Body,
    BodyKind,
    BodyMembership,
    BodyRole,
    Estate,
    Household,
    Resident,
    Unit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(cast) -> Any:
    return cast["org_staff"].user


def resident_of(persona: Any) -> Resident:
    return Resident.objects.select_related("household__unit").get(user=persona.user)


def audited(action: str, ballot: Ballot) -> tuple[AuditEntry, dict[str, Any]]:
    """The ballot's one audit entry of ``action`` and what it recorded."""
    entry = AuditEntry.objects.get(action=action, object_id=str(ballot.pk))
    data = entry.after if entry.after is not None else entry.before
    assert isinstance(data, dict)
    return entry, data


def positions(ballot: Ballot) -> list[tuple[int, str]]:
    return list(
        BallotOption.objects.filter(ballot=ballot)
        .order_by("position")
        .values_list("position", "kind")
    )


def tally_of(**votes: int) -> dict[str, Any]:
    """A tally as ``ballots_box.tally`` shapes it: ``p2=5`` is 5 votes for option 2."""
    return {"options": {k.removeprefix("p"): {"total": v} for k, v in votes.items()}}


def names(seats: list[elections.Seat]) -> list[str]:
    return [s.name for s in seats]


def label(ballot: Ballot, position: int) -> str:
    return BallotOption.objects.get(ballot=ballot, position=position).label


# --- nomination ----------------------------------------------------------------------


def test_a_manager_nominates_before_the_vote_and_it_is_audited(staff) -> None:
    ballot = t.draft_election()
    resident = t.standable(ballot, 1)[0]
    option = elections.candidate_nominate(actor=staff, ballot=ballot, resident=resident)
    assert (option.position, option.kind, option.label) == (2, OptionKind.CANDIDATE, resident.name)
    assert option.resident == resident and option.nominated_by == staff
    assert positions(ballot) == [(1, OptionKind.BLANK), (2, OptionKind.CANDIDATE)]
    entry, data = audited("democracy.election_nominate", ballot)
    assert entry.actor == staff and data["kandidat"] == resident.name
    assert data["selv"] is False


def test_a_resident_stands_themself(cast) -> None:
    ballot = t.draft_election()
    me = resident_of(cast["resident_a"])
    option = elections.candidate_nominate(actor=cast["resident_a"].user, ballot=ballot, resident=me)
    assert option.resident == me and option.nominated_by == cast["resident_a"].user
    _entry, data = audited("democracy.election_nominate", ballot)
    assert data["selv"] is True


@pytest.mark.parametrize("state", [BallotState.OPEN, BallotState.CLOSED, BallotState.COUNTED])
def test_no_nomination_once_the_ballot_is_opened(staff, state) -> None:
    ballot = t.election(state=state)
    resident = t.standable(ballot, 1)[0]
    with pytest.raises(ValidationError, match="valget åbnede"):
        elections.candidate_nominate(actor=staff, ballot=ballot, resident=resident)
    assert not BallotOption.objects.filter(ballot=ballot, kind=OptionKind.CANDIDATE).exists()


def test_no_nomination_once_the_opening_time_has_come_even_in_a_draft(staff) -> None:
    ballot = t.draft_election()
    resident = t.standable(ballot, 1)[0]
    with (
        time_machine.travel(ballot.opens_at, tick=False),
        pytest.raises(ValidationError, match="valget åbnede"),
    ):
        elections.candidate_nominate(actor=staff, ballot=ballot, resident=resident)
    with time_machine.travel(ballot.opens_at - dt.timedelta(seconds=1), tick=False):
        elections.candidate_nominate(actor=staff, ballot=ballot, resident=resident)


def test_the_same_resident_stands_once(staff) -> None:
    ballot = t.draft_election()
    resident = t.standable(ballot, 1)[0]
    elections.candidate_nominate(actor=staff, ballot=ballot, resident=resident)
    with pytest.raises(ValidationError, match="stiller allerede op"):
        elections.candidate_nominate(actor=staff, ballot=ballot, resident=resident)
    assert BallotOption.objects.filter(ballot=ballot, resident=resident).count() == 1


def test_a_resident_of_another_estate_cannot_stand(staff, cast) -> None:
    ballot = t.draft_election()
    other = resident_of(cast["resident_b"])
    assert other.household.unit.estate_id != ballot.estate_id
    with pytest.raises(ValidationError, match="bor ikke i afdelingen"):
        elections.candidate_nominate(actor=staff, ballot=ballot, resident=other)


def test_a_household_not_on_the_roll_cannot_stand(staff) -> None:
    ballot = t.draft_election()
    unit = Unit.objects.create(
        estate=ballot.estate, number="NY-1", address="Nyvej 1", area_m2=60, rooms=2
    )
    newcomer = Resident.objects.create(
        household=Household.objects.create(unit=unit, moved_in=timezone.localdate()),
        name="Nana Nytilflytter",
        birth_year=1990,
    )
    assert newcomer.household.moved_in > ballot.roll_on
    with pytest.raises(ValidationError, match="listen over stemmeberettigede"):
        elections.candidate_nominate(actor=staff, ballot=ballot, resident=newcomer)


def test_a_child_cannot_stand(staff) -> None:
    ballot = t.draft_election()
    household = t.standable(ballot, 1)[0].household
    child = Resident.objects.create(
        household=household, name="Lille Ida", birth_year=timezone.localdate().year - 10
    )
    with pytest.raises(ValidationError, match="fyldt 18"):
        elections.candidate_nominate(actor=staff, ballot=ballot, resident=child)


def test_withdrawing_renumbers_the_paper_and_is_audited(staff) -> None:
    ballot = t.draft_election(candidates=3)
    first, second, third = (label(ballot, p) for p in (2, 3, 4))
    option = BallotOption.objects.get(ballot=ballot, position=3)
    elections.candidate_withdraw(actor=staff, ballot=ballot, option=option)
    assert [(p, label(ballot, p)) for p, _k in positions(ballot)[1:]] == [(2, first), (3, third)]
    _entry, data = audited("democracy.election_withdraw", ballot)
    assert data["kandidat"] == second


def test_no_withdrawal_once_the_vote_has_started(staff) -> None:
    ballot = t.election(candidates=2)
    option = BallotOption.objects.get(ballot=ballot, position=2)
    with pytest.raises(ValidationError, match="valget åbnede"):
        elections.candidate_withdraw(actor=staff, ballot=ballot, option=option)
    assert BallotOption.objects.filter(pk=option.pk).exists()


def test_withdrawing_blank_or_another_ballots_option_is_refused(staff) -> None:
    ballot = t.draft_election(candidates=1)
    other = t.draft_election(candidates=1)
    for option in (
        BallotOption.objects.get(ballot=ballot, position=1),
        BallotOption.objects.get(ballot=other, position=2),
    ):
        with pytest.raises(ValidationError, match="står ikke på stemmesedlen"):
            elections.candidate_withdraw(actor=staff, ballot=ballot, option=option)
    assert len(positions(ballot)) == 2 and len(positions(other)) == 2


# --- the ranking ---------------------------------------------------------------------


def test_outcome_without_ties() -> None:
    ballot = t.election(candidates=5, seats=2, substitute_seats=2)
    result = elections.outcome(ballot, tally_of(p1=9, p2=4, p3=7, p4=1, p5=5, p6=2))
    assert names(result.members) == [label(ballot, 3), label(ballot, 5)]
    assert names(result.substitutes) == [label(ballot, 2), label(ballot, 6)]
    assert names(result.not_elected) == [label(ballot, 4)]
    assert [s.rank for s in result.ranked] == [1, 2, 3, 4, 5]
    assert [s.votes for s in result.ranked] == [7, 5, 4, 2, 1]
    assert [s.elected for s in result.ranked] == [True, True, False, False, False]
    assert result.decided and result.undecided_ties == []


def test_blank_votes_are_no_candidates() -> None:
    """Blank (option 1) has the most votes and is in no list."""
    ballot = t.election(candidates=2, seats=1, substitute_seats=1)
    result = elections.outcome(ballot, tally_of(p1=50, p2=3, p3=2))
    assert names(result.members) == [label(ballot, 2)]
    assert names(result.substitutes) == [label(ballot, 3)]
    assert 1 not in [s.position for s in result.ranked]


def test_a_tie_at_the_last_member_seat_is_undecided() -> None:
    ballot = t.election(candidates=3, seats=2, substitute_seats=0)
    result = elections.outcome(ballot, tally_of(p2=5, p3=3, p4=3))
    assert result.undecided_ties == [[3, 4]]
    assert result.ties[0]["votes"] == 3 and "medlem" in result.ties[0]["stake"]
    # Provisionally in ballot order, but not decided.
    assert names(result.members) == [label(ballot, 2), label(ballot, 3)]
    assert not result.decided


def test_a_tie_among_substitutes_is_undecided_but_one_among_members_is_not() -> None:
    ballot = t.election(candidates=5, seats=2, substitute_seats=2)
    # Two members tie (both elected anyway); the two substitutes tie (their order).
    result = elections.outcome(ballot, tally_of(p2=6, p3=6, p4=2, p5=2, p6=1))
    assert result.undecided_ties == [[4, 5]]
    assert "suppleanternes rækkefølge" in result.ties[0]["stake"]
    assert names(result.members) == [label(ballot, 2), label(ballot, 3)]


def test_a_tie_at_the_last_substitute_place_is_undecided() -> None:
    ballot = t.election(candidates=4, seats=1, substitute_seats=1)
    result = elections.outcome(ballot, tally_of(p2=6, p3=2, p4=2, p5=2))
    assert result.undecided_ties == [[3, 4, 5]]
    assert "hvem der bliver suppleant" in result.ties[0]["stake"]


def test_a_tie_among_the_not_elected_needs_no_draw() -> None:
    ballot = t.election(candidates=4, seats=1, substitute_seats=1)
    result = elections.outcome(ballot, tally_of(p2=6, p3=4, p4=1, p5=1))
    assert result.decided
    assert names(result.not_elected) == [label(ballot, 4), label(ballot, 5)]


def test_more_seats_than_candidates() -> None:
    ballot = t.election(candidates=2, seats=3, substitute_seats=2)
    result = elections.outcome(ballot, tally_of(p2=0, p3=0))
    # Two candidates with no votes: both members, no tie matters.
    assert names(result.members) == [label(ballot, 2), label(ballot, 3)]
    assert result.substitutes == [] and result.not_elected == [] and result.decided
    assert (result.vacant_seats, result.vacant_substitutes) == (1, 2)


def test_a_tally_with_missing_or_odd_figures_counts_them_as_nothing() -> None:
    ballot = t.election(candidates=3, seats=1, substitute_seats=0)
    result = elections.outcome(
        ballot, {"options": {"2": {"total": "x"}, "3": {"total": 4}, "4": None}}
    )
    assert names(result.members) == [label(ballot, 3)]
    assert [s.votes for s in result.ranked] == [4, 0, 0]


def test_the_outcome_of_a_real_count() -> None:
    """Through the box: each vote marks up to the seats; totals from every vote."""
    ballot = t.election(candidates=3, seats=2, substitute_seats=1)
    ballot = t.count(ballot, [([2, 3], 2), ([3, 4], 1), ([3], 1), ([1], 2)])
    tally = ballots_box.tally(ballot)
    result = elections.outcome(ballot, tally)
    assert [s.votes for s in result.ranked] == [4, 2, 1]
    assert names(result.members) == [label(ballot, 3), label(ballot, 2)]
    assert names(result.substitutes) == [label(ballot, 4)]
    assert tally["blank"] == 2 and result.decided


def test_three_marks_are_refused_for_two_seats() -> None:
    ballot = t.election(candidates=3, seats=2)
    household = ballots_box.roll(ballot).first()
    assert household is not None
    with pytest.raises(ValidationError, match="højst sætte 2 krydser"):
        ballots_box.cast(ballot=ballot, household=household, user=None, marks=[2, 3, 4], votes=1)


# --- the draw ------------------------------------------------------------------------


def test_the_draw_decides_the_tie_and_is_recorded(staff) -> None:
    ballot = t.tied_election()
    assert elections.ballot_outcome(ballot).undecided_ties == [[3, 4]]
    assert "lige mange stemmer" in elections.publish_blocker(ballot)
    draw = elections.draw_lots(actor=staff, ballot=ballot)
    assert sorted(draw.order) == [3, 4] and draw.tied == [3, 4] and draw.drawn_by == staff
    result = elections.ballot_outcome(ballot)
    assert result.decided and elections.publish_blocker(ballot) == ""
    first = label(ballot, draw.order[0])
    assert names(result.substitutes) == [first]
    assert result.substitutes[0].drawn and result.not_elected[0].drawn
    assert not result.members[0].drawn
    assert result.draws[0].order == [label(ballot, p) for p in draw.order]
    entry, data = audited("democracy.election_draw", ballot)
    assert entry.actor == staff
    assert data["raekkefoelge"] == [label(ballot, p) for p in draw.order]
    # Nothing left to draw.
    with pytest.raises(ValidationError, match="ingen stemmelighed"):
        elections.draw_lots(actor=staff, ballot=ballot)
    assert ElectionDraw.objects.filter(ballot=ballot).count() == 1


def test_both_orders_come_out_of_the_draw(staff) -> None:
    """The draw is random: over 40 draws (rolled back) each order appears (the chance
    that one of two never does is 2 × 2^-40)."""
    from django.db import transaction

    ballot = t.tied_election()
    seen = set()
    for _ in range(40):
        with transaction.atomic():
            seen.add(tuple(elections.draw_lots(actor=staff, ballot=ballot).order))
            transaction.set_rollback(True)
    assert seen == {(3, 4), (4, 3)}


def test_a_draw_for_other_candidates_does_not_decide_a_tie(staff) -> None:
    """A draw recorded before a recount changed who is tied no longer applies."""
    ballot = t.tied_election()
    ElectionDraw.objects.create(ballot=ballot, tied=[2, 3], order=[3, 2], drawn_by=staff)
    ElectionDraw.objects.create(ballot=ballot, tied="garbage", order={"x": 1}, drawn_by=staff)
    assert elections.ballot_outcome(ballot).undecided_ties == [[3, 4]]


def test_a_draw_of_the_right_candidates_is_used_in_its_order(staff) -> None:
    ballot = t.election(candidates=3, seats=2, substitute_seats=0)
    ElectionDraw.objects.create(ballot=ballot, tied=[3, 4], order=[4, 3], drawn_by=staff)
    result = elections.outcome(ballot, tally_of(p2=5, p3=3, p4=3))
    assert result.decided
    assert names(result.members) == [label(ballot, 2), label(ballot, 4)]


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (BallotState.OPEN, "når stemmerne er talt op"),
        (BallotState.CLOSED, "når stemmerne er talt op"),
        (BallotState.PUBLISHED, "offentliggjort"),
    ],
)
def test_no_draw_before_the_count_or_after_publication(staff, state, message) -> None:
    ballot = t.tied_election()
    Ballot.objects.filter(pk=ballot.pk).update(state=state)
    ballot.refresh_from_db()
    with pytest.raises(ValidationError, match=message):
        elections.draw_lots(actor=staff, ballot=ballot)
    assert not ElectionDraw.objects.filter(ballot=ballot).exists()


def test_publish_blocker_for_an_election_without_candidates_and_other_ballots() -> None:
    assert "ingen kandidater" in elections.publish_blocker(t.election(candidates=0))
    from almen.democracy.ballots_testing import yes_no_ballot

    assert elections.publish_blocker(yes_no_ballot()) == ""


# --- the result into the register ----------------------------------------------------


def board_of(estate: Estate) -> Body:
    return Body.objects.get(estate=estate, kind=BodyKind.ESTATE_BOARD)


def decided(staff: Any, **fields: Any) -> tuple[Ballot, elections.ElectionOutcome]:
    ballot = t.tied_election(**fields)
    elections.draw_lots(actor=staff, ballot=ballot)
    return ballot, elections.ballot_outcome(ballot)


def test_apply_writes_members_and_substitutes_with_terms(staff, client_for) -> None:
    ballot, result = decided(staff)
    invitations = Invitation.objects.count()
    written = elections.apply(actor=staff, ballot=ballot, result=result)
    start = timezone.localdate() + dt.timedelta(days=1)
    end = start.replace(year=start.year + 2) - dt.timedelta(days=1)
    assert [(m.role, m.term_start, m.term_end, m.body) for m in written] == [
        (BodyRole.MEMBER, start, end, board_of(ballot.estate)),
        (BodyRole.SUBSTITUTE, start, end, board_of(ballot.estate)),
    ]
    assert [m.user.name for m in written] == names(result.members) + names(result.substitutes)
    assert written.skipped == []
    # Both had no account: each got one, linked to their resident record, and an
    # invitation to set a password.
    assert Invitation.objects.count() == invitations + 2
    for membership, seat in zip(written, result.members + result.substitutes, strict=True):
        option = BallotOption.objects.get(ballot=ballot, position=seat.position)
        assert option.resident is not None and option.resident.user == membership.user
    _entry, data = audited("democracy.election_apply", ballot)
    assert data["skrevet_ind"] == [m.pk for m in written]
    assert AuditEntry.objects.filter(
        action="create", object_type="register.bodymembership", object_id=str(written[0].pk)
    ).exists()
    # The board page of the estate and the people page of the organisation show them.
    board_page = client_for("estate_board_a").get(
        "/organisationer/29190909/afdelinger/1/bestyrelse/"
    )
    text = board_page.content.decode()
    for membership in written:
        assert membership.user.name in text
    assert "Suppleant" in text and f"{end:%d-%m-%Y}" in text
    people_page = client_for("org_staff").get("/organisationer/29190909/personer/")
    assert all(m.user.name in people_page.content.decode() for m in written)


def test_apply_after_publication_starts_the_day_after(staff) -> None:
    ballot, result = decided(staff, term_years=None)
    published = timezone.now() - dt.timedelta(days=3)
    Ballot.objects.filter(pk=ballot.pk).update(published_at=published)
    ballot.refresh_from_db()
    written = elections.apply(actor=staff, ballot=ballot, result=result)
    day = timezone.localdate(published) + dt.timedelta(days=1)
    assert {(m.term_start, m.term_end) for m in written} == {(day, None)}


def test_term_ends_the_day_before_the_anniversary() -> None:
    assert elections.term_end_for(dt.date(2026, 12, 2), 2) == dt.date(2028, 12, 1)
    assert elections.term_end_for(dt.date(2028, 2, 29), 1) == dt.date(2029, 2, 28)
    assert elections.term_end_for(dt.date(2028, 3, 1), 1) == dt.date(2029, 2, 28)
    assert elections.term_end_for(dt.date(2026, 12, 2), None) is None
    assert elections.term_end_for(dt.date(2026, 12, 2), 0) is None


def test_apply_refuses_an_undecided_result(staff) -> None:
    ballot = t.tied_election()
    seats = BodyMembership.objects.count()
    with pytest.raises(ValidationError, match="Træk lod"):
        elections.apply(actor=staff, ballot=ballot, result=elections.ballot_outcome(ballot))
    assert BodyMembership.objects.count() == seats


def test_a_candidate_already_on_the_board_is_skipped_with_a_note(staff, cast) -> None:
    """Karen Lund (the estate board persona) chairs the board with no end date; she is
    elected again and keeps her post, the others are written."""
    chair = resident_of(cast["estate_board_a"])
    others = t.standable(t.election(), 2, exclude=[chair])
    ballot = t.election(candidates=[chair, *others], seats=2, substitute_seats=1)
    ballot = t.count(ballot, [([2], 2), ([2, 3], 2), ([4], 1)])
    result = elections.ballot_outcome(ballot)
    assert names(result.members) == [chair.name, others[0].name]
    written = elections.apply(actor=staff, ballot=ballot, result=result)
    assert [m.user.name for m in written] == [others[0].name, others[1].name]
    assert len(written.skipped) == 1 and chair.name in written.skipped[0]
    assert "formand" in written.skipped[0]
    seats = BodyMembership.objects.filter(
        body=board_of(ballot.estate), user=cast["estate_board_a"].user
    )
    assert list(seats.values_list("role", flat=True)) == [BodyRole.CHAIR]
    _entry, data = audited("democracy.election_apply", ballot)
    assert data["ikke_skrevet_ind"] == written.skipped


def test_applying_twice_writes_nothing_twice(staff) -> None:
    ballot, result = decided(staff)
    first = elections.apply(actor=staff, ballot=ballot, result=result)
    again = elections.apply(actor=staff, ballot=ballot, result=result)
    assert len(first) == 2 and list(again) == [] and len(again.skipped) == 2
    assert BodyMembership.objects.filter(body=board_of(ballot.estate)).count() == 3  # + chair


def test_a_member_re_elected_as_their_seat_runs_out_gets_the_next_term(staff, cast) -> None:
    chair = resident_of(cast["estate_board_a"])
    seat = BodyMembership.objects.get(user=cast["estate_board_a"].user, role=BodyRole.CHAIR)
    BodyMembership.objects.filter(pk=seat.pk).update(term_end=timezone.localdate())
    ballot = t.election(candidates=[chair], seats=1, substitute_seats=0)
    ballot = t.count(ballot, [([2], 2)])
    written = elections.apply(actor=staff, ballot=ballot, result=elections.ballot_outcome(ballot))
    assert [(m.user, m.role, m.term_start) for m in written] == [
        (cast["estate_board_a"].user, BodyRole.MEMBER, timezone.localdate() + dt.timedelta(days=1))
    ]
    assert written.skipped == []


def test_a_candidate_without_e_mail_or_who_moved_out_is_skipped(staff) -> None:
    ballot, result = decided(staff)
    member, substitute = (
        BallotOption.objects.select_related("resident__household")
        .get(ballot=ballot, position=s.position)
        .resident
        for s in (result.members[0], result.substitutes[0])
    )
    assert member is not None and substitute is not None
    Resident.objects.filter(pk=member.pk).update(email="")
    Household.objects.filter(pk=substitute.household_id).update(moved_out=timezone.localdate())
    seats = BodyMembership.objects.count()
    written = elections.apply(actor=staff, ballot=ballot, result=result)
    assert list(written) == [] and BodyMembership.objects.count() == seats
    assert "e-mail" in written.skipped[0] and member.name in written.skipped[0]
    assert "flyttet" in written.skipped[1] and substitute.name in written.skipped[1]


def test_apply_makes_the_estate_board_if_the_estate_has_none(staff) -> None:
    ballot, result = decided(staff)
    Body.objects.filter(estate=ballot.estate, kind=BodyKind.ESTATE_BOARD).delete()
    written = elections.apply(actor=staff, ballot=ballot, result=result)
    assert len(written) == 2 and written[0].body == board_of(ballot.estate)
    assert AuditEntry.objects.filter(action="create", object_type="register.body").exists()
