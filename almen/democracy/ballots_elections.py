"""Elections of the estate board and its substitutes (issue 9): nomination until the
vote opens, the ranking with lots drawn for ties, and the result written into the
register's body memberships. The elections part fills this in; the admin part's
publishing calls ``outcome`` and ``apply`` for a ballot of kind ``valg``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from almen.democracy.models import Ballot


@dataclass(frozen=True)
class Seat:
    position: int  # the candidate's option position
    name: str
    votes: int
    elected: bool  # a member seat (else: a substitute, in ``rank`` order)
    rank: int  # 1 = most votes (after any draw)


@dataclass(frozen=True)
class ElectionOutcome:
    members: list[Seat]
    substitutes: list[Seat]
    not_elected: list[Seat]
    # Ties at a boundary that still need lots drawn (option positions); empty when the
    # result is decided.
    undecided_ties: list[list[int]]


def outcome(ballot: Ballot, tally: dict[str, Any]) -> ElectionOutcome:
    """The elected members and substitutes in order, from ``ballots_box.tally``."""
    raise NotImplementedError("the elections part fills this in")


def apply(*, actor: Any, ballot: Ballot, result: ElectionOutcome) -> list[Any]:
    """Write the result into the estate board's body memberships with their terms."""
    raise NotImplementedError("the elections part fills this in")
