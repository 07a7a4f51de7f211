"""Secret ballots at fixed ids, for the authorisation matrix and other tests, in
organisation A (29190909) estate 1 (``testing.py``'s estate): an open urafstemning
(yes/no/blank), and a counted one whose result and bulletin are published to everyone.
Built with the box itself (``ballots_box``), so that the counted one has a real chain."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from almen.democracy import ballots_box
from almen.democracy.models import (
    Ballot,
    BallotKind,
    BallotOption,
    BallotPurpose,
    BallotState,
    OptionKind,
)
from almen.democracy.testing import matrix_estate
from almen.lib.visibility import Visibility

BALLOT_OPEN_ID = uuid.UUID("00000000-0000-4000-8000-000000000105")
BALLOT_COUNTED_ID = uuid.UUID("00000000-0000-4000-8000-000000000106")

YES_NO = ((OptionKind.YES, "Ja"), (OptionKind.NO, "Nej"), (OptionKind.BLANK, "Blank"))


def yes_no_ballot(*, public_id: uuid.UUID | None = None, **fields: object) -> Ballot:
    """An urafstemning with Ja, Nej and Blank in estate 1, open for a week from
    yesterday unless ``fields`` say otherwise."""
    estate = matrix_estate()
    now = timezone.now()
    values: dict[str, object] = {
        "organisation": estate.organisation,
        "estate": estate,
        "kind": BallotKind.YES_NO,
        "purpose": BallotPurpose.REFERENDUM,
        "title": "Urafstemning om nye altaner",
        "question": "Skal afdelingen have nye altaner mod en huslejestigning på 3 %?",
        "roll_on": timezone.localdate() - dt.timedelta(days=2),
        "opens_at": now - dt.timedelta(days=1),
        "closes_at": now + dt.timedelta(days=6),
        "state": BallotState.OPEN,
    }
    values.update(fields)
    ballot = Ballot.objects.create(public_id=public_id or uuid.uuid4(), **values)
    BallotOption.objects.bulk_create(
        BallotOption(ballot=ballot, position=n, kind=k, label=label)
        for n, (k, label) in enumerate(YES_NO, start=1)
    )
    return ballot


def close_now(ballot: Ballot) -> Ballot:
    """Move the closing time to just now and close (tests and fixtures only)."""
    Ballot.objects.filter(pk=ballot.pk).update(
        closes_at=max(timezone.now(), ballot.opens_at + dt.timedelta(seconds=1))
    )
    ballot.refresh_from_db()
    return ballots_box.ballot_close(actor=None, ballot=ballot)


def matrix_ballots_create() -> None:
    if Ballot.objects.filter(public_id=BALLOT_OPEN_ID).exists():
        return
    yes_no_ballot(public_id=BALLOT_OPEN_ID)
    counted = yes_no_ballot(
        public_id=BALLOT_COUNTED_ID,
        title="Urafstemning om husdyr",
        question="Må man holde hund i afdelingen?",
        opens_at=timezone.now() - dt.timedelta(days=10),
        visibility=Visibility.PUBLIC,
    )
    households = list(ballots_box.roll(counted).select_related("unit")[:3])
    for household, marks in zip(households, ([1], [2], [1]), strict=False):
        ballots_box.cast(ballot=counted, household=household, user=None, marks=marks, votes=2)
    counted = close_now(counted)
    Ballot.objects.filter(pk=counted.pk).update(
        state=BallotState.PUBLISHED,
        tally=ballots_box.tally(counted),
        counted_at=timezone.now(),
        published_at=timezone.now(),
    )
