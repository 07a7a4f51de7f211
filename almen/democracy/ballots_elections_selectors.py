"""Reads for an election's candidates: the candidates on the ballot paper, the managers'
search for a resident to nominate (one search at a time, at most SEARCH_LIMIT hits:
no page lists the estate's residents), and the logged-in resident's own record to stand
with. Each makes a fixed number of queries, whatever the size of the estate."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from almen.democracy import ballots_box, rules
from almen.democracy.ballots_elections import not_standing_reason
from almen.democracy.hall_selectors import SEARCH_LIMIT, SEARCH_MAX, SEARCH_MIN
from almen.democracy.models import Ballot, BallotOption, OptionKind
from almen.register.models import Resident

__all__ = ["SEARCH_LIMIT", "SEARCH_MAX", "SEARCH_MIN"]


def candidates(ballot: Ballot) -> list[BallotOption]:
    """The candidates in ballot order, with the resident who stands (one query)."""
    return list(
        BallotOption.objects.filter(ballot=ballot, kind=OptionKind.CANDIDATE)
        .select_related("resident")
        .order_by("position")
    )


@dataclass
class Search:
    q: str
    hits: list[Resident] = field(default_factory=list)
    more: bool = False  # more than SEARCH_LIMIT matched: search more precisely
    too_short: bool = False


def _standable(ballot: Ballot) -> Any:
    """Adult residents of households on the roll (the rest cannot stand)."""
    born_by = timezone.localdate().year - rules.ADULT_AGE
    return Resident.objects.filter(
        Q(birth_year__isnull=True) | Q(birth_year__lte=born_by),
        household__in=ballots_box.roll(ballot).values("pk"),
        anonymised_at__isnull=True,
    )


def resident_search(ballot: Ballot, q: str) -> Search:
    """Residents who may stand whose name or address contains ``q`` (or whose unit
    number starts with it): at most SEARCH_LIMIT, nothing for fewer than SEARCH_MIN
    characters. Each hit says whether the resident stands already (one query)."""
    q = " ".join(q.split())[:SEARCH_MAX]
    if len(q) < SEARCH_MIN:
        return Search(q=q, too_short=bool(q))
    standing = BallotOption.objects.filter(ballot=ballot, resident=OuterRef("pk"))
    qs = (
        _standable(ballot)
        .filter(
            Q(name__icontains=q)
            | Q(household__unit__address__icontains=q)
            | Q(household__unit__number__istartswith=q)
        )
        .select_related("household__unit")
        .annotate(standing=Exists(standing))
        .order_by("name", "household__unit__address", "pk")
    )
    hits = list(qs[: SEARCH_LIMIT + 1])
    return Search(q=q, hits=hits[:SEARCH_LIMIT], more=len(hits) > SEARCH_LIMIT)


def resident_by_public_id(ballot: Ballot, public_id: uuid.UUID | str) -> Resident | None:
    """A resident of the ballot's estate (the service decides whether they may stand);
    None for an unknown id or another estate's resident."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return (
        Resident.objects.select_related("household__unit")
        .filter(public_id=key, household__unit__estate_id=ballot.estate_id)
        .first()
    )


def candidate_of(ballot: Ballot, resident_id: uuid.UUID | str) -> BallotOption | None:
    """The ballot's candidate who is the resident with this public id."""
    try:
        key = uuid.UUID(str(resident_id))
    except ValueError:
        return None
    return (
        BallotOption.objects.select_related("resident")
        .filter(ballot=ballot, kind=OptionKind.CANDIDATE, resident__public_id=key)
        .first()
    )


@dataclass(frozen=True)
class Standing:
    """The logged-in person as a would-be candidate: their resident record in the
    estate (if any), their candidacy (if they stand) and why they cannot stand."""

    resident: Resident | None
    candidacy: BallotOption | None
    reason: str


def own_standing(ballot: Ballot, user: Any) -> Standing:
    """The user's own resident record in the ballot's estate, preferring one whose
    household is on the roll (someone moving within the estate has two)."""
    if not getattr(user, "is_authenticated", False):
        return Standing(None, None, "")
    mine = list(
        Resident.objects.filter(
            user=user, household__unit__estate_id=ballot.estate_id, anonymised_at__isnull=True
        )
        .select_related("household__unit")
        .annotate(on_roll=Exists(ballots_box.roll(ballot).filter(pk=OuterRef("household_id"))))
        .order_by("-on_roll", "pk")
    )
    if not mine:
        return Standing(None, None, "")
    candidacy = (
        BallotOption.objects.filter(ballot=ballot, resident__in=mine)
        .select_related("resident")
        .first()
    )
    if candidacy is not None:
        return Standing(candidacy.resident, candidacy, "")
    return Standing(mine[0], None, not_standing_reason(ballot, mine[0]))
