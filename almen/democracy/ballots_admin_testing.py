"""Ballots in every state of their run, in organisation A estate 1, for the admin part's
tests and write-matrix rows: a draft urafstemning (yes/no, or choose one), an open one,
one past its closing time, a closed one with paper votes received, one with a hand
count waiting for its check, a counted one. Built through the services (the draft, the
paper, the counts) and ``ballots_testing`` (the box). Each ``*_path`` makes what its
route needs and returns the path; what it made is kept in ``LAST``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from almen.accounts.models import User
from almen.democracy import ballots_box
from almen.democracy import ballots_services as svc
from almen.democracy.ballots_testing import close_now, yes_no_ballot
from almen.democracy.models import (
    Ballot,
    BallotKind,
    BallotPurpose,
    CountChannel,
    Decision,
    PaperCount,
)
from almen.democracy.testing import DECISION_ID, matrix_estate
from almen.register.models import Household

LAST: dict[str, Any] = {}
COUNTER_EMAIL = "optaeller@almen.test"


def matrix_decision() -> Decision:
    return Decision.objects.get(public_id=DECISION_ID)


def later(hours: float = 1) -> dt.datetime:
    return (timezone.now() + dt.timedelta(hours=hours)).replace(second=0, microsecond=0)


def draft(*, kind: str = BallotKind.YES_NO, options: tuple[str, ...] = (), **fields: Any) -> Ballot:
    """A draft urafstemning decided by the matrix decision of estate A's meeting, opening
    in an hour for a week."""
    values: dict[str, Any] = {
        "actor": None,
        "estate": matrix_estate(),
        "purpose": BallotPurpose.REFERENDUM,
        "kind": kind,
        "title": "Urafstemning om solceller",
        "question": "Skal afdelingen sætte solceller på tagene?",
        "opens_at": later(1),
        "closes_at": later(1 + 24 * 7),
        "authorised_by": matrix_decision(),
        "options": options,
    }
    values.update(fields)
    return svc.ballot_create(**values)


def roll_households(ballot: Ballot, n: int) -> list[Household]:
    households = list(ballots_box.roll(ballot).select_related("unit").order_by("pk")[:n])
    assert len(households) == n, "the estate has too few households for the test"
    return households


def past_closing() -> Ballot:
    """An open urafstemning whose closing time passed a minute ago."""
    now = timezone.now()
    return yes_no_ballot(
        opens_at=now - dt.timedelta(days=2), closes_at=now - dt.timedelta(minutes=1)
    )


def closed(*, paper: int = 0, digital: tuple[int, ...] = ()) -> Ballot:
    """A closed urafstemning: ``digital`` marks cast with 2 votes each by the first
    households of the roll, then ``paper`` votes received by post from the next one."""
    ballot = yes_no_ballot()
    households = roll_households(ballot, len(digital) + (1 if paper else 0))
    for household, mark in zip(households, digital, strict=False):
        ballots_box.cast(ballot=ballot, household=household, user=None, marks=[mark], votes=2)
    if paper:
        svc.paper_received(actor=None, ballot=ballot, household=households[-1], votes=paper)
    return close_now(ballot)


def counter() -> User:
    """Someone of the administration who is none of the personas (the first pair of eyes
    of a hand count, so that every persona may be the second)."""
    user, _created = User.objects.get_or_create(
        email=COUNTER_EMAIL, defaults={"name": "Optæller Olsen"}
    )
    return user


def entered(ballot: Ballot, counts: dict[int, int]) -> PaperCount:
    return svc.count_enter(
        actor=counter(), ballot=ballot, channel=CountChannel.PAPER, counts=counts
    )


def counted() -> Ballot:
    ballot = closed(digital=(1, 2, 1))
    return svc.ballot_count(actor=None, ballot=ballot)


def _path(ballot: Ballot, tail: str = "") -> str:
    LAST["ballot"] = ballot
    return f"/afstemninger/{ballot.public_id}/{tail}"


# --- paths for the write matrix -------------------------------------------------------------


def edit_path() -> str:
    return _path(draft(), "rediger/")


def options_path() -> str:
    return _path(draft(kind=BallotKind.CHOICE, options=("Solceller", "Varmepumpe")), "muligheder/")


def open_path() -> str:
    return _path(draft(), "aabn/")


def close_path() -> str:
    return _path(past_closing(), "luk/")


def paper_path() -> str:
    ballot = yes_no_ballot()
    LAST["household"] = roll_households(ballot, 1)[0]
    return _path(ballot, "papir/")


def counts_path() -> str:
    return _path(closed(paper=2), "optaelling/")


def check_path() -> str:
    ballot = closed(paper=2)
    count = entered(ballot, {1: 2})
    return _path(ballot, f"optaelling/{count.pk}/kontrol/")


def count_path() -> str:
    return _path(closed(digital=(1, 2)), "optael/")


def publish_path() -> str:
    return _path(counted(), "offentliggoer/")
