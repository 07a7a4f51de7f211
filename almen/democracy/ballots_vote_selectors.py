"""Reads of the voting part (a resident votes and checks their vote): who of the user's
households votes, the ballot paper, the bulletin's list and search, and the ballots a
resident's panel shows. Nothing here reads a choice together with a household."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from almen.democracy import ballots_box
from almen.democracy.access import RESULT_STATES
from almen.democracy.models import (
    Ballot,
    BallotEntry,
    BallotInbox,
    BallotKind,
    BallotOption,
    BallotState,
    OptionKind,
    Participation,
)
from almen.democracy.opendata import cached_on_democracy
from almen.register.models import Household, Resident

# The bulletin's list of tracker codes, per page.
BULLETIN_PAGE = 50
# How long a counted ballot stays on the residents' panels.
RESULT_DAYS = 60
PANEL_LIMIT = 6
# The most ballots the home panel's cache keeps per set of estates (open and lately counted).
CANDIDATES = 50


# --- who votes -----------------------------------------------------------------------


@dataclass(frozen=True)
class Voter:
    """The user's resident row whose household votes in the ballot, or why none may."""

    resident: Resident | None
    reason: str

    @property
    def household(self) -> Household | None:
        return self.resident.household if self.resident is not None else None


def voter(ballot: Ballot, user: Any) -> Voter:
    """Of the user's households in the ballot's estate, the one on the roll (the most
    recent first); otherwise the reason the most recent one may not vote. One query."""
    rows = list(
        Resident.objects.filter(user_id=user.pk, household__unit__estate_id=ballot.estate_id)
        .select_related("household__unit")
        .order_by("-household__moved_in", "-pk")
    )
    reasons = []
    for row in rows:
        reason = ballots_box.not_eligible_reason(ballot, row.household)
        if not reason:
            return Voter(row, "")
        reasons.append(reason)
    if reasons:
        return Voter(None, reasons[0])
    return Voter(None, _("Du står ikke som beboer i den afdeling, der stemmer."))


# --- the ballot paper ------------------------------------------------------------------


def ballot_options(ballot: Ballot) -> list[BallotOption]:
    return list(BallotOption.objects.filter(ballot=ballot).order_by("position"))


def marks_text(marks: str, labels: dict[int, str]) -> str:
    """The options a ballot paper marks ("1,4"), as their labels ("Ja", "Anna, Bo").
    A mark that is not an option (a row changed in the database) shows as "?"."""
    shown = []
    for mark in str(marks).split(","):
        mark = mark.strip()
        shown.append(labels.get(int(mark), "?") if mark.isdigit() else "?")
    return ", ".join(shown)


def chosen_text(ballot: Ballot, options: list[BallotOption], stored: str) -> str:
    return marks_text(stored, {o.position: o.label for o in options})


# --- the bulletin ----------------------------------------------------------------------


def bulletin_entries(ballot: Ballot) -> QuerySet[BallotEntry]:
    """Every ballot paper in the box, by tracker code (so a voter can find theirs by
    eye too; the box's own order is the chain's)."""
    return (
        BallotEntry.objects.filter(ballot=ballot)
        .order_by("tracker")
        .only("tracker", "marks", "weight")
    )


def find_entry(ballot: Ballot, typed: str) -> BallotEntry | None:
    """The ballot paper with the code someone typed (any case, spaces, no dashes), or
    None: a code that cannot be one and a code that is not there are the same answer."""
    tracker = ballots_box.normalise_tracker(typed)
    if not tracker:
        return None
    return BallotEntry.objects.filter(ballot=ballot, tracker=tracker).first()


def tracker_known(ballot: Ballot, tracker: str) -> bool:
    """Is this a code of the ballot, in the pool or in the box? Two indexed lookups."""
    return (
        BallotInbox.objects.filter(ballot=ballot, tracker=tracker).exists()
        or BallotEntry.objects.filter(ballot=ballot, tracker=tracker).exists()
    )


@dataclass(frozen=True)
class ResultRow:
    label: str
    kind: str
    digital: int
    hall: int
    paper: int
    total: int


def result(ballot: Ballot, options: list[BallotOption]) -> dict[str, Any]:
    """The count as the bulletin shows it: the stored tally (``ballots_box.tally``) per
    option in the ballot's order, the turnout, and the outcome of a yes/no ballot."""
    tally = ballot.tally or ballots_box.tally(ballot)
    per = tally.get("options", {})
    rows = []
    for option in options:
        counts = per.get(str(option.position), {})
        rows.append(
            ResultRow(
                label=option.label,
                kind=option.kind,
                digital=int(counts.get("digital", 0)),
                hall=int(counts.get("salen", 0)),
                paper=int(counts.get("papir", 0)),
                total=int(counts.get("total", 0)),
            )
        )
    outcome = ""
    if ballot.kind == BallotKind.YES_NO:
        outcome = ballots_box.yes_no_outcome(tally, {o.position: o.kind for o in options})
    return {
        "rows": rows,
        "votes": int(tally.get("votes", 0)),
        "blank": int(tally.get("blank", 0)),
        "households": int(tally.get("households", 0)),
        "roll": int(tally.get("roll", 0)),
        "possible_votes": int(tally.get("possible_votes", 0)),
        "by_hand": bool(tally.get("votes_hall") or tally.get("votes_paper")),
        "outcome": outcome,
        "has_no": any(o.kind == OptionKind.NO for o in options),
    }


# --- the residents' panels -------------------------------------------------------------


def _panel_candidates(estate_ids: frozenset[int], now: dt.datetime) -> list[Ballot]:
    """The estates' open ballots and those counted in the last RESULT_DAYS, as of
    ``now``: the same for every resident of these estates until a ballot is saved (the
    democracy's data version), so cached; ``resident_ballots`` drops those closed or
    aged out since."""
    key = "democracy:ballot-panel:" + ",".join(map(str, sorted(estate_ids)))
    return cached_on_democracy(
        key,
        lambda: list(
            Ballot.objects.filter(estate_id__in=estate_ids)
            .filter(
                Q(state=BallotState.OPEN, closes_at__gt=now)
                | Q(state__in=RESULT_STATES, counted_at__gte=now - dt.timedelta(days=RESULT_DAYS))
            )
            .select_related("estate")
            .order_by("closes_at", "id")[:CANDIDATES]
        ),
        seconds=5 * 60,
    )


def resident_ballots(
    user_id: int | None, estate_ids: frozenset[int] | set[int], *, now: dt.datetime | None = None
) -> list[Ballot]:
    """The open ballots of these estates, then those counted in the last RESULT_DAYS,
    each with ``used``: the votes the user's household has used in it (for "I har brugt
    1 af 2 stemmer"). The ballots are cached per set of estates (no query when warm);
    what the household used is one query, and only when there is a ballot to show."""
    if not user_id or not estate_ids:
        return []
    now = now or timezone.now()
    candidates = _panel_candidates(frozenset(estate_ids), now)
    ballots = [
        b
        for b in candidates
        if (b.state == BallotState.OPEN and b.closes_at > now)
        or (
            b.state in RESULT_STATES
            and b.counted_at is not None
            and b.counted_at >= now - dt.timedelta(days=RESULT_DAYS)
        )
    ]
    open_ = [b for b in ballots if b.state == BallotState.OPEN]
    counted = sorted(
        (b for b in ballots if b.state != BallotState.OPEN),
        key=lambda b: b.counted_at or b.closes_at,
        reverse=True,
    )
    shown = (open_ + counted)[:PANEL_LIMIT]
    if not shown:
        return []
    estate_of = {b.pk: b.estate_id for b in shown}
    used: dict[int, int] = {}
    for ballot_id, estate_id, n in (
        Participation.objects.filter(
            ballot_id__in=[b.pk for b in shown], household__residents__user_id=user_id
        )
        .annotate(n=F("votes_digital") + F("votes_hall") + F("votes_paper"))
        .values_list("ballot_id", "household__unit__estate_id", "n")
    ):
        # Only the household on the ballot's own estate counts (as before: a person
        # may live in two estates); the most any of its households used.
        if estate_of[ballot_id] == estate_id:
            used[ballot_id] = max(used.get(ballot_id, 0), int(n or 0))
    for ballot in shown:
        ballot.used = used.get(ballot.pk, 0)  # type: ignore[attr-defined]
    return shown
