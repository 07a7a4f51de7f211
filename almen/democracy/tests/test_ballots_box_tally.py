"""The tally reads the box once: papers and votes per marking in one grouped query
(bench/ballots.py times it on 100,000 papers), and its figures still add up."""

from __future__ import annotations

import pytest

from almen.democracy import ballots_box
from almen.democracy.ballots_testing import BALLOT_COUNTED_ID, close_now, yes_no_ballot
from almen.democracy.models import Ballot, BallotEntry

pytestmark = pytest.mark.django_db


def test_the_counted_ballot_tallies_its_three_households(cast) -> None:
    ballot = Ballot.objects.get(public_id=BALLOT_COUNTED_ID)
    result = ballots_box.tally(ballot)
    assert result["box_size"] == 3
    assert result["votes_digital"] == 6
    assert result["options"]["1"]["digital"] == 4
    assert result["options"]["2"]["digital"] == 2
    assert result["households"] == 3


def test_papers_of_one_and_two_votes_are_counted_apart_from_votes(
    cast, django_assert_max_num_queries
) -> None:
    ballot = yes_no_ballot(title="Urafstemning om cykelskur")
    households = list(ballots_box.roll(ballot).select_related("unit")[:4])
    for household, marks, votes in zip(households, ([1], [1], [2], [3]), (2, 1, 1, 2), strict=True):
        ballots_box.cast(ballot=ballot, household=household, user=None, marks=marks, votes=votes)
    ballot = close_now(ballot)
    with django_assert_max_num_queries(5):
        result = ballots_box.tally(ballot)
    assert result["box_size"] == BallotEntry.objects.filter(ballot=ballot).count() == 4
    assert result["votes_digital"] == 6
    assert result["options"]["1"]["digital"] == 3
    assert result["options"]["2"]["digital"] == 1
    assert result["blank"] == 2
