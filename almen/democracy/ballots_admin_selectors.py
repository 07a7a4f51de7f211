"""Reads for running a ballot: the lists, the ballot page's turnout and result, the
household search of the post's envelopes (one search at a time, never the roll), the
hand counts, and the choices of the create form. Each makes a fixed number of queries,
whatever the size of the estate."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from almen.democracy import ballots_box, rules
from almen.democracy.access import can_read_decision
from almen.democracy.hall_selectors import SEARCH_LIMIT, SEARCH_MAX, SEARCH_MIN
from almen.democracy.models import (
    RESIDENTS_MEETINGS,
    AgendaItem,
    Ballot,
    BallotOption,
    BallotState,
    Decision,
    Forum,
    MeetingStatus,
    OptionKind,
    PaperCount,
    Participation,
    Proposal,
    ProposalStatus,
)
from almen.lib import decisions
from almen.register.models import Estate, Household, Organisation

# What the create form offers: decisions and proposals of the last two years (an
# urafstemning follows its decision within months), and the items of afdelingsmøder of
# the last month and to come (a vote in the hall or after the meeting is on one).
CHOICES_SINCE = datetime.timedelta(days=730)
ITEMS_SINCE = datetime.timedelta(days=30)


def estate_ballots(qs: QuerySet[Ballot]) -> QuerySet[Ballot]:
    return qs.select_related("estate", "estate__organisation").order_by("-opens_at", "-id")


def organisation_ballots(organisation: Organisation) -> QuerySet[Ballot]:
    return (
        Ballot.objects.filter(organisation=organisation)
        .select_related("estate", "estate__organisation")
        .order_by("-opens_at", "-id")
    )


@dataclass(frozen=True)
class Turnout:
    households: int  # households that have used at least one vote
    roll: int

    @property
    def share(self) -> float | None:
        return round(100 * self.households / self.roll, 1) if self.roll else None


def turnout(ballot: Ballot) -> Turnout:
    """Households that took part, of the roll: two queries, no option's figure."""
    voted = (
        Participation.objects.filter(ballot=ballot)
        .filter(Q(votes_digital__gt=0) | Q(votes_hall__gt=0) | Q(votes_paper__gt=0))
        .count()
    )
    return Turnout(households=voted, roll=ballots_box.roll(ballot).count())


@dataclass(frozen=True)
class ResultRow:
    option: BallotOption
    digital: int
    hall: int
    paper: int
    total: int


def result_rows(ballot: Ballot, options: list[BallotOption]) -> list[ResultRow]:
    """The stored count per option (no query: the tally is on the ballot)."""
    per = (ballot.tally or {}).get("options") or {}
    rows = []
    for option in options:
        figures = per.get(str(option.position)) or {}
        rows.append(
            ResultRow(
                option=option,
                digital=int(figures.get("digital") or 0),
                hall=int(figures.get("salen") or 0),
                paper=int(figures.get("papir") or 0),
                total=int(figures.get("total") or 0),
            )
        )
    return rows


def decision_uses(decision: Decision | None, principal: Any) -> list[decisions.UseLink]:
    """What serves a decision (goals adopted by it …), for one who may read it."""
    if decision is None or not can_read_decision(principal, decision):
        return []
    return decisions.uses(decision.public_id, principal)


# --- the post's envelopes: a search, never the roll ---------------------------------------


@dataclass
class Search:
    q: str
    hits: list[Household] = field(default_factory=list)
    more: bool = False
    too_short: bool = False


def envelope_search(ballot: Ballot, q: str) -> Search:
    """Households on the ballot's roll whose address contains ``q`` or whose unit number
    starts with it, each with the votes it has used: at most SEARCH_LIMIT."""
    q = " ".join(q.split())[:SEARCH_MAX]
    if len(q) < SEARCH_MIN:
        return Search(q=q, too_short=bool(q))
    used = Participation.objects.filter(ballot=ballot, household=OuterRef("pk")).annotate(
        used=F("votes_digital") + F("votes_hall") + F("votes_paper")
    )
    qs = (
        ballots_box.roll(ballot)
        .filter(Q(unit__address__icontains=q) | Q(unit__number__istartswith=q))
        .select_related("unit")
        .annotate(
            votes_used=Coalesce(Subquery(used.values("used")[:1]), Value(0)),
            paper_used=Coalesce(Subquery(used.values("votes_paper")[:1]), Value(0)),
        )
        .order_by("unit__address", "unit__number")
    )
    hits: list[Household] = list(qs[: SEARCH_LIMIT + 1])
    for hit in hits:
        hit.votes_left = rules.VOTES_PER_HOUSEHOLD - hit.votes_used  # type: ignore[attr-defined]
    return Search(q=q, hits=hits[:SEARCH_LIMIT], more=len(hits) > SEARCH_LIMIT)


def household_by_public_id(public_id: Any) -> Household | None:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return Household.objects.select_related("unit").filter(public_id=key).first()


# --- hand counts ---------------------------------------------------------------------------


def paper_counts(ballot: Ballot) -> list[PaperCount]:
    return list(
        PaperCount.objects.filter(ballot=ballot)
        .select_related("entered_by", "checked_by")
        .order_by("-entered_at", "-id")
    )


def count_rows(count: PaperCount, options: list[BallotOption]) -> list[tuple[BallotOption, int]]:
    values = count.counts or {}
    return [(o, int(values.get(str(o.position)) or 0)) for o in options]


# --- the create form's choices ---------------------------------------------------------------


def authorising_decisions(estate: Estate) -> QuerySet[Decision]:
    """The estate's recent decisions that can call a ballot: the afdelingsmøde's and
    the estate board's, newest first."""
    return Decision.objects.filter(
        estate=estate,
        forum__in=[Forum.RESIDENTS_MEETING, Forum.ESTATE_BOARD],
        decided_on__gte=timezone.localdate() - CHOICES_SINCE,
    ).order_by("-decided_on", "-id")


def meeting_items(estate: Estate) -> QuerySet[AgendaItem]:
    """Agenda items of the estate's noticed or held afdelingsmøder, newest meeting
    first."""
    return (
        AgendaItem.objects.filter(
            meeting__estate=estate,
            meeting__kind__in=[k.value for k in RESIDENTS_MEETINGS],
            meeting__status__in=[MeetingStatus.NOTICED, MeetingStatus.HELD],
            meeting__starts_at__gte=timezone.now() - ITEMS_SINCE,
        )
        .select_related("meeting")
        .order_by("-meeting__starts_at", "position", "id")
    )


def estate_proposals(estate: Estate) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(estate=estate, submitted_at__gte=timezone.now() - CHOICES_SINCE)
        .exclude(status=ProposalStatus.WITHDRAWN)
        .order_by("-submitted_at", "-id")
    )


def open_ballots(qs: QuerySet[Ballot]) -> QuerySet[Ballot]:
    return qs.filter(state=BallotState.OPEN).order_by("closes_at", "id")


def options_of(ballot: Ballot) -> list[BallotOption]:
    return list(ballot.options.order_by("position"))


def has_no_option(options: list[BallotOption]) -> bool:
    return any(o.kind == OptionKind.NO for o in options)
