"""Objects for the ballots' audit, secrecy and concurrency tests: extra households of
estate A (each in a unit of its own, some with a resident who logs in), and a small
counted ballot with digital votes and a confirmed hall count."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.utils import timezone

from almen.accounts.models import User
from almen.democracy import ballots_box
from almen.democracy.ballots_testing import close_now, yes_no_ballot
from almen.democracy.models import (
    Ballot,
    BallotState,
    CountChannel,
    CountStatus,
    PaperCount,
    Participation,
)
from almen.democracy.testing import matrix_estate
from almen.register.models import Estate, Household, Resident, Unit, UnitKind


def households(n: int, estate: Estate | None = None, *, residents: bool = False) -> list[Household]:
    """``n`` new households of ``estate`` (estate A), on the roll of any ballot whose
    cut-off is after 2020; with ``residents``, each has one resident with a login."""
    estate = estate or matrix_estate()
    tag = uuid.uuid4().hex[:8]
    units = Unit.objects.bulk_create(
        Unit(
            estate=estate,
            number=f"B-{tag}-{i}",
            address=f"Stemmevej {i}",
            kind=UnitKind.FAMILY,
            rooms=2,
            area_m2=Decimal("60.00"),
        )
        for i in range(n)
    )
    made = Household.objects.bulk_create(
        Household(unit=unit, moved_in=dt.date(2020, 1, 1)) for unit in units
    )
    if residents:
        for i, household in enumerate(made):
            email = f"stemmer-{tag}-{i}@test.dk"
            user = User.objects.create_user(email=email, name=f"Stemmer {tag} {i}")
            Resident.objects.create(household=household, name=user.name, email=email, user=user)
    return made


def counted_ballot(staff: User, checker: User) -> Ballot:
    """A counted urafstemning (Ja, Nej, Blank) of six new households: four voted on
    their phones (5 ballot papers, 7 votes), two came to the hall (4 votes there, of
    which 3 were cast: 2 Ja, 1 Nej, confirmed by a second person)."""
    ballot = yes_no_ballot()
    phone, hall = households(4), households(2)
    for household, papers in zip(
        phone, ([([1], 2)], [([2], 1)], [([1], 1), ([3], 1)], [([2], 2)]), strict=True
    ):
        for marks, votes in papers:
            ballots_box.cast(
                ballot=ballot, household=household, user=None, marks=marks, votes=votes
            )
    for household in hall:
        Participation.objects.create(ballot=ballot, household=household, votes_hall=2)
    PaperCount.objects.create(
        ballot=ballot,
        channel=CountChannel.HALL,
        counts={"1": 2, "2": 1, "3": 0},
        status=CountStatus.CONFIRMED,
        entered_by=staff,
        checked_by=checker,
        checked_at=timezone.now(),
    )
    ballot = close_now(ballot)
    Ballot.objects.filter(pk=ballot.pk).update(
        state=BallotState.COUNTED, tally=ballots_box.tally(ballot), counted_at=timezone.now()
    )
    ballot.refresh_from_db()
    return ballot
