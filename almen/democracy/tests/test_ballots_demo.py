"""The secret ballots' demo on the tests' small demo: an open urafstemning in
resident_a's estate that no persona has voted in, a closed one in resident_b's estate
with its result, bulletin and decision published, and a past board election whose
members and substitutes are in the register. Idempotent, with real chains."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from almen.democracy import ballots_box
from almen.democracy.ballots_demo import ballots_demo_create
from almen.democracy.ballots_testing import BALLOT_COUNTED_ID, BALLOT_OPEN_ID
from almen.democracy.bulletin_verify import entry_hash
from almen.democracy.demo import democracy_demo_create
from almen.democracy.models import (
    Ballot,
    BallotEntry,
    BallotInbox,
    BallotKind,
    BallotPurpose,
    BallotState,
    Forum,
    OptionKind,
    Outcome,
    Participation,
)
from almen.lib import metrics
from almen.lib.metrics import Period
from almen.register.models import BodyKind, BodyMembership, BodyRole, Household, Resident

pytestmark = pytest.mark.django_db


def _chain_holds(ballot: Ballot) -> bool:
    prev = ballots_box.ballot_genesis(ballot)
    for entry in BallotEntry.objects.filter(ballot=ballot).order_by("seq"):
        if entry.prev_hash != prev:
            return False
        prev = entry_hash(
            prev, str(ballot.public_id), entry.seq, entry.tracker, entry.marks, entry.weight
        )
        if entry.hash != prev:
            return False
    return prev == (ballot.chain_head or ballots_box.ballot_genesis(ballot))


def _login_households() -> set[int]:
    return set(Resident.objects.filter(user__isnull=False).values_list("household_id", flat=True))


@pytest.fixture
def demo(cast) -> dict[str, Ballot]:
    democracy_demo_create()
    assert ballots_demo_create() == 3
    ballots = Ballot.objects.exclude(
        public_id__in=[BALLOT_OPEN_ID, BALLOT_COUNTED_ID]
    ).select_related("estate__organisation", "decision")
    return {
        "open": ballots.get(state=BallotState.OPEN),
        "closed": ballots.get(kind=BallotKind.YES_NO, state=BallotState.PUBLISHED),
        "election": ballots.get(kind=BallotKind.ELECTION),
    }


def test_the_open_urafstemning_is_in_resident_as_estate_and_no_persona_voted(demo, cast) -> None:
    ballot = demo["open"]
    household = Resident.objects.get(user=cast["resident_a"].user).household
    assert ballot.estate_id == household.unit.estate_id
    assert ballot.purpose == BallotPurpose.REFERENDUM and ballot.kind == BallotKind.YES_NO
    assert ballots_box.closed_reason(ballot) == ""  # open now
    assert ballot.authorised_by is not None and ballot.authorised_by.published_at
    voted = set(Participation.objects.filter(ballot=ballot).values_list("household", flat=True))
    assert voted  # some households have voted
    assert not voted & _login_households()  # resident_a and the board can still vote
    assert ballots_box.votes_left(ballot, household) == 2
    # Cast through the box: every vote is in the pool or the box, none is counted yet.
    papers = BallotInbox.objects.filter(ballot=ballot).count() + ballot.box_size
    assert papers == len(voted)
    assert ballot.tally is None and ballot.decision is None


def test_the_closed_urafstemning_is_published_with_its_decision(demo, cast) -> None:
    ballot = demo["closed"]
    household_b = Resident.objects.get(user=cast["resident_b"].user).household
    assert ballot.estate_id == household_b.unit.estate_id
    assert ballot.opens_at < ballot.closes_at < ballot.counted_at <= ballot.published_at
    assert _chain_holds(ballot)
    assert not BallotInbox.objects.filter(ballot=ballot).exists()  # all in the box
    tally = ballots_box.tally(ballot)
    assert ballot.tally["options"] == tally["options"]  # a recount gives the same
    assert tally["households"] == Participation.objects.filter(ballot=ballot).count() > 0
    kinds = dict(ballot.options.values_list("position", "kind"))
    votes = {kinds[int(p)]: row["total"] for p, row in tally["options"].items()}
    decision = ballot.decision
    assert decision is not None and decision.forum == Forum.BALLOT
    assert decision.published_at is not None
    assert (decision.votes_for, decision.votes_against, decision.votes_blank) == (
        votes[OptionKind.YES],
        votes[OptionKind.NO],
        votes[OptionKind.BLANK],
    )
    assert decision.outcome == ballots_box.yes_no_outcome(tally, kinds)
    assert (
        not set(Participation.objects.filter(ballot=ballot).values_list("household", flat=True))
        & _login_households()
    )
    # Everyone reads it through the API: the result and the bulletin.
    client = Client()
    result = client.get(f"/api/v1/ballots/{ballot.public_id}/result").json()
    assert result["decision_id"] == str(decision.public_id)
    assert result["votes"] == tally["votes"]
    bulletin = client.get(f"/api/v1/ballots/{ballot.public_id}/bulletin").json()
    assert len(bulletin["entries"]) == ballot.box_size == tally["box_size"]


def test_the_board_election_is_in_the_register(demo) -> None:
    ballot = demo["election"]
    assert ballot.state == BallotState.PUBLISHED and ballot.seats == 3
    assert _chain_holds(ballot)
    assert ballot.decision is not None and ballot.decision.outcome == Outcome.ELECTED
    candidates = ballot.options.filter(kind=OptionKind.CANDIDATE)
    assert candidates.count() >= 5 and all(c.resident_id for c in candidates)
    board = ballot.estate.bodies.get(kind=BodyKind.ESTATE_BOARD)
    seats = list(BodyMembership.objects.filter(body=board).select_related("user"))
    assert sorted(s.role for s in seats) == [BodyRole.MEMBER] * 3 + [BodyRole.SUBSTITUTE] * 2
    term_start = timezone.localtime(ballot.closes_at).date()
    for seat in seats:
        assert seat.term_start > term_start and seat.term_end is not None
        assert seat.term_end.year == term_start.year + 2
        # The seat is the candidate's own account.
        assert candidates.filter(resident__user=seat.user).exists()
    # The members have more votes than the substitutes (or won a recorded draw).
    totals = {
        c.resident.user_id: ballot.tally["options"][str(c.position)]["total"]
        for c in candidates.select_related("resident")
    }
    members = [totals[s.user_id] for s in seats if s.role == BodyRole.MEMBER]
    substitutes = [totals[s.user_id] for s in seats if s.role == BodyRole.SUBSTITUTE]
    assert min(members) > max(substitutes) or ballot.draws.exists()
    for seat in seats:
        assert seat.user.name in ballot.decision.text


def test_the_demo_is_idempotent_and_feeds_the_turnout_metric(demo) -> None:
    before = (Ballot.objects.count(), Participation.objects.count(), BodyMembership.objects.count())
    assert ballots_demo_create() == 0
    after = (Ballot.objects.count(), Participation.objects.count(), BodyMembership.objects.count())
    assert after == before
    closed = demo["closed"]
    day = closed.closes_at.date()
    turnout = metrics.get("democracy.referendum_turnout").value(
        "estate", closed.estate_id, Period(day.replace(month=1, day=1), day)
    )
    assert turnout is not None and turnout > 0


def test_the_demo_runs_without_the_meetings_demo(cast) -> None:
    """Without last September's meetings the ballots still have a history."""
    assert ballots_demo_create() == 3
    election = Ballot.objects.get(kind=BallotKind.ELECTION)
    assert election.meeting is None and election.state == BallotState.PUBLISHED
    assert Household.objects.filter(
        pk__in=Participation.objects.filter(ballot=election).values("household")
    ).exists()
