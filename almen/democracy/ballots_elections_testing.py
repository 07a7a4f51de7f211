"""Elections for tests and the write matrix, in organisation A (29190909) estate 1:
a ballot of kind ``valg`` with "Blank" as option 1 and a candidate per resident after
it, built like ``ballots_testing.yes_no_ballot``. Each ``*_path`` function makes what
its route needs and returns the path; what it made is kept in ``LAST``."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from almen.democracy import ballots_box, ballots_testing, rules
from almen.democracy.models import (
    Ballot,
    BallotKind,
    BallotOption,
    BallotPurpose,
    BallotState,
    OptionKind,
)
from almen.democracy.testing import matrix_estate
from almen.register.models import Resident

LAST: dict[str, Any] = {}


def standable(ballot: Ballot, n: int, *, exclude: Sequence[Resident] = ()) -> list[Resident]:
    """``n`` adult residents without a login, each of another household on the roll,
    each given an e-mail address (so that a seat can invite them)."""
    if n == 0:
        return []
    born_by = timezone.localdate().year - rules.ADULT_AGE
    taken = {r.household_id for r in exclude}
    found: list[Resident] = []
    qs = (
        Resident.objects.filter(
            household__in=ballots_box.roll(ballot).values("pk"),
            user__isnull=True,
            anonymised_at__isnull=True,
            birth_year__lte=born_by,
        )
        .select_related("household__unit")
        .order_by("household_id", "pk")
    )
    for resident in qs:
        if resident.household_id in taken:
            continue
        taken.add(resident.household_id)
        if not resident.email:
            resident.email = f"kandidat.{resident.pk}@valg.test"
            resident.save(update_fields=["email"])
        found.append(resident)
        if len(found) == n:
            return found
    raise AssertionError(f"estate 1 has only {len(found)} households for candidates")


def election(
    *,
    candidates: int | Sequence[Resident] = 0,
    seats: int = 2,
    substitute_seats: int = 1,
    term_years: int | None = 2,
    public_id: uuid.UUID | None = None,
    **fields: Any,
) -> Ballot:
    """An open election of estate 1's board (from yesterday for a week) unless
    ``fields`` say otherwise, with ``candidates`` (a number: residents on the roll)."""
    estate = matrix_estate()
    now = timezone.now()
    values: dict[str, Any] = {
        "organisation": estate.organisation,
        "estate": estate,
        "kind": BallotKind.ELECTION,
        "purpose": BallotPurpose.AFTER_MEETING,
        "title": "Valg til afdelingsbestyrelsen",
        "question": "Vælg medlemmer og suppleanter til afdelingsbestyrelsen.",
        "roll_on": timezone.localdate() - dt.timedelta(days=2),
        "opens_at": now - dt.timedelta(days=1),
        "closes_at": now + dt.timedelta(days=6),
        "state": BallotState.OPEN,
        "seats": seats,
        "substitute_seats": substitute_seats,
        "term_years": term_years,
    }
    values.update(fields)
    ballot = Ballot.objects.create(public_id=public_id or uuid.uuid4(), **values)
    BallotOption.objects.create(ballot=ballot, position=1, kind=OptionKind.BLANK, label="Blank")
    people = standable(ballot, candidates) if isinstance(candidates, int) else list(candidates)
    BallotOption.objects.bulk_create(
        BallotOption(ballot=ballot, position=n, kind=OptionKind.CANDIDATE, label=r.name, resident=r)
        for n, r in enumerate(people, start=2)
    )
    return ballot


def draft_election(**fields: Any) -> Ballot:
    """An election whose nomination is open: a draft that opens in a week."""
    now = timezone.now()
    values: dict[str, Any] = {
        "state": BallotState.DRAFT,
        "opens_at": now + dt.timedelta(days=7),
        "closes_at": now + dt.timedelta(days=14),
    }
    values.update(fields)
    return election(**values)


def count(ballot: Ballot, votes: Sequence[tuple[Sequence[int], int]]) -> Ballot:
    """Cast ``votes`` (marks, 1 or 2 votes), one household each, close the ballot and
    store its count (as the admin part's counting does)."""
    households = list(ballots_box.roll(ballot).order_by("pk")[: len(votes)])
    assert len(households) == len(votes), "estate 1 has too few households"
    for household, (marks, weight) in zip(households, votes, strict=True):
        ballots_box.cast(ballot=ballot, household=household, user=None, marks=marks, votes=weight)
    ballot = ballots_testing.close_now(ballot)
    Ballot.objects.filter(pk=ballot.pk).update(
        state=BallotState.COUNTED, tally=ballots_box.tally(ballot), counted_at=timezone.now()
    )
    ballot.refresh_from_db()
    return ballot


def tied_election(**fields: Any) -> Ballot:
    """A counted election for 1 seat and 1 substitute with three candidates: the
    first has 3 votes, the other two 2 each (a tie for the substitute)."""
    ballot = election(candidates=3, seats=1, substitute_seats=1, **fields)
    return count(ballot, [([2], 2), ([2], 1), ([3], 2), ([4], 2)])


# --- paths for the write matrix -------------------------------------------------------


def candidates_path() -> str:
    """A draft election with one candidate; ``LAST["resident"]`` may be nominated."""
    ballot = draft_election(candidates=1)
    LAST["ballot"] = ballot
    stands = BallotOption.objects.get(ballot=ballot, kind=OptionKind.CANDIDATE).resident
    assert stands is not None
    LAST["resident"] = standable(ballot, 1, exclude=[stands])[0]
    return f"/afstemninger/{ballot.public_id}/kandidater/"


def draw_path() -> str:
    """A counted election with an undecided tie."""
    ballot = tied_election()
    LAST["ballot"] = ballot
    return f"/afstemninger/{ballot.public_id}/lodtraekning/"
