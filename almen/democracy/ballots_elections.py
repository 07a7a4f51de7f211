"""Elections of the estate board and its substitutes (issue 9, decision 0030): nomination
until the vote starts, the ranking with lots drawn for ties, and the result written
into the register's body memberships. The admin part's publishing calls
``publish_blocker``, ``outcome`` and ``apply`` for a ballot of kind ``valg``.

The rules, in one place:

- **Nomination** is open while the ballot is a draft and its opening time is ahead
  (``nomination_closed_reason``): once it is opened, the ballot paper is fixed. The
  estate's board and the organisation's staff nominate any resident of the estate whose
  household is on the roll, and an adult; a resident may stand themself.
- **Ranking**: candidates by their votes (all channels), most first; blank votes are no
  candidate's. The top ``seats`` are members, the next ``substitute_seats`` substitutes
  in that order, the rest not elected. A candidate with no votes is ranked like any
  other (standing is enough: with as many candidates as places everyone is elected).
- **Ties**: candidates with equal votes are in one *tie*. Their order matters when the
  tie straddles the last member seat or touches a substitute place (the substitutes'
  order is the order they step in). Such a tie is undecided until lots are drawn
  (``draw_lots``, an ``ElectionDraw`` with the order drawn); the result cannot be
  published before (``publish_blocker``). Ties wholly among members or wholly among the
  not elected change nothing and need no draw.
- **Terms** start the day after the result is published (the day the elected learn it,
  and the outgoing board's last full day is the day of the result) and last
  ``term_years`` years: the term ends the day before the anniversary. No ``term_years``:
  no end date.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from almen.audit.services import audit_record, snapshot
from almen.democracy import ballots_box, rules
from almen.democracy.models import (
    Ballot,
    BallotKind,
    BallotOption,
    BallotState,
    ElectionDraw,
    OptionKind,
)
from almen.lib.bounds import date_in_bounds
from almen.people import services as people_services
from almen.register import services as register_services
from almen.register.models import Body, BodyKind, BodyMembership, BodyRole, Resident


@dataclass(frozen=True)
class Seat:
    position: int  # the candidate's option position
    name: str
    votes: int
    elected: bool  # a member seat (else: a substitute, in ``rank`` order)
    rank: int  # 1 = most votes (after any draw)
    drawn: bool = False  # its place among equal votes was decided by lot


@dataclass(frozen=True)
class Lot:
    """A recorded draw, for the result page: between whom, and the order drawn."""

    votes: int
    tied: list[str]  # names, in ballot order
    order: list[str]  # names, in the order drawn
    drawn_at: dt.datetime

    @property
    def tied_text(self) -> str:
        return _names(self.tied)

    @property
    def order_text(self) -> str:
        return ", ".join(self.order)


@dataclass(frozen=True)
class ElectionOutcome:
    members: list[Seat]
    substitutes: list[Seat]
    not_elected: list[Seat]
    # Ties at a boundary that still need lots drawn (option positions); empty when the
    # result is decided.
    undecided_ties: list[list[int]]
    seats: int = 0
    substitute_seats: int = 0
    draws: list[Lot] = field(default_factory=list)

    @property
    def ranked(self) -> list[Seat]:
        return [*self.members, *self.substitutes, *self.not_elected]

    @property
    def undecided_names(self) -> list[list[str]]:
        names = {s.position: s.name for s in self.ranked}
        return [[names.get(p, str(p)) for p in tie] for tie in self.undecided_ties]

    @property
    def undecided_votes(self) -> list[int]:
        votes = {s.position: s.votes for s in self.ranked}
        return [votes.get(tie[0], 0) for tie in self.undecided_ties]

    @property
    def decided(self) -> bool:
        return not self.undecided_ties

    @property
    def vacant_seats(self) -> int:
        return max(0, self.seats - len(self.members))

    @property
    def vacant_substitutes(self) -> int:
        return max(0, self.substitute_seats - len(self.substitutes))

    @property
    def ties(self) -> list[dict[str, Any]]:
        """The undecided ties for a page: names, votes and what the draw decides."""
        return [
            {"names": _names(names), "votes": votes, "stake": self.stake(tie)}
            for tie, names, votes in zip(
                self.undecided_ties, self.undecided_names, self.undecided_votes, strict=True
            )
        ]

    def stake(self, tie: list[int]) -> str:
        """What the order of a tie decides, in one Danish sentence."""
        ranks = [s.rank for s in self.ranked if s.position in tie]
        if not ranks:
            return ""
        low, high = min(ranks), max(ranks)
        if low <= self.seats < high:
            if self.substitute_seats:
                return _(
                    "Lodtrækningen afgør, hvem der bliver medlem, og hvem der bliver suppleant."
                )
            return _("Lodtrækningen afgør, hvem der bliver medlem af bestyrelsen.")
        if high > self.seats + self.substitute_seats:
            return _("Lodtrækningen afgør, hvem der bliver suppleant, og i hvilken rækkefølge.")
        return _("Lodtrækningen afgør suppleanternes rækkefølge.")


def _names(names: list[str]) -> str:
    """ "A, B og C" (Danish lists; the English catalogue has "and")."""
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s og %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def _local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%d-%m-%Y kl. %H:%M}"


# --- nomination ----------------------------------------------------------------------


def nomination_closed_reason(ballot: Ballot, now: dt.datetime | None = None) -> str:
    """Why no candidate can be nominated or withdrawn now ("" while nomination is open:
    the election is a draft and its vote has not started)."""
    if ballot.kind != BallotKind.ELECTION:
        return _("Afstemningen er ikke et valg.")
    now = now or timezone.now()
    if ballot.state != BallotState.DRAFT or now >= ballot.opens_at:
        return _(
            "Der kan ikke længere stilles kandidater op: valget åbnede %(when)s, og "
            "stemmesedlen ligger fast."
        ) % {"when": _local(ballot.opens_at)}
    return ""


def nomination_open(ballot: Ballot) -> bool:
    return not nomination_closed_reason(ballot)


def _locked(ballot: Ballot) -> Ballot:
    return Ballot.objects.select_for_update().get(pk=ballot.pk)


def _check_open(ballot: Ballot) -> None:
    reason = nomination_closed_reason(ballot)
    if reason:
        raise ValidationError(reason, code="closed")


def not_standing_reason(ballot: Ballot, resident: Resident) -> str:
    """Why ``resident`` cannot stand in the election ("" when they can): they must live
    in the estate, in a household on the roll, be adult and not stand already."""
    household = resident.household
    if resident.anonymised_at is not None:
        return _("Beboeren findes ikke længere i registret.")
    if household.unit.estate_id != ballot.estate_id:
        return _("%(name)s bor ikke i afdelingen og kan ikke stille op til dens bestyrelse.") % {
            "name": resident.name
        }
    if not ballots_box.roll(ballot).filter(pk=household.pk).exists():
        return _(
            "%(name)s bor ikke i en husstand på listen over stemmeberettigede "
            "(skæringsdato %(day)s) og kan ikke stille op."
        ) % {"name": resident.name, "day": f"{ballot.roll_on:%d-%m-%Y}"}
    if not rules.is_adult(resident.birth_year, timezone.localdate()):
        return _("Kandidater skal være fyldt %(age)s år.") % {"age": rules.ADULT_AGE}
    if BallotOption.objects.filter(ballot=ballot, resident=resident).exists():
        return _("%(name)s stiller allerede op.") % {"name": resident.name}
    return ""


@transaction.atomic
def candidate_nominate(*, actor: Any, ballot: Ballot, resident: Resident) -> BallotOption:
    """Put ``resident`` on the ballot paper as a candidate, after the options already
    there. Refused once the vote has started, for a resident of another estate, for a
    household not on the roll and for a resident who stands already. Who may nominate
    whom (managers anyone, a resident only themself) is ``access.py``'s question."""
    locked = _locked(ballot)
    _check_open(locked)
    resident = Resident.objects.select_related("household__unit").get(pk=resident.pk)
    reason = not_standing_reason(locked, resident)
    if reason:
        raise ValidationError({"resident": reason}, code="refused")
    last = BallotOption.objects.filter(ballot=locked).aggregate(n=Max("position"))["n"] or 0
    by = actor if getattr(actor, "is_authenticated", False) else None
    option = BallotOption.objects.create(
        ballot=locked,
        position=last + 1,
        kind=OptionKind.CANDIDATE,
        label=" ".join(resident.name.split())[:200],
        resident=resident,
        nominated_by=by,
    )
    audit_record(
        actor=actor,
        action="democracy.election_nominate",
        obj=locked,
        organisation_id=locked.organisation_id,
        after={
            "kandidat": option.label,
            "beboer": str(resident.public_id),
            "nummer": option.position,
            "selv": by is not None and resident.user_id == by.pk,
        },
    )
    return option


@transaction.atomic
def candidate_withdraw(*, actor: Any, ballot: Ballot, option: BallotOption) -> None:
    """Take a candidate off the ballot paper before the vote starts. The candidates
    after it move up one number, so the paper stays numbered 1, 2, 3 …"""
    locked = _locked(ballot)
    _check_open(locked)
    found = (
        BallotOption.objects.select_related("resident")
        .filter(pk=option.pk, ballot=locked, kind=OptionKind.CANDIDATE)
        .first()
    )
    if found is None:
        raise ValidationError(_("Kandidaten står ikke på stemmesedlen."), code="missing")
    position, label, resident = found.position, found.label, found.resident
    found.delete()
    # Ascending, one at a time: each number is free when the next one moves into it.
    for later in BallotOption.objects.filter(ballot=locked, position__gt=position).order_by(
        "position"
    ):
        BallotOption.objects.filter(pk=later.pk).update(position=later.position - 1)
    audit_record(
        actor=actor,
        action="democracy.election_withdraw",
        obj=locked,
        organisation_id=locked.organisation_id,
        before={
            "kandidat": label,
            "beboer": str(resident.public_id) if resident is not None else "",
            "nummer": position,
        },
    )


# --- the ranking ---------------------------------------------------------------------


def _votes(tally: dict[str, Any], position: int) -> int:
    entry = (tally.get("options") or {}).get(str(position)) or {}
    try:
        return max(0, int(entry.get("total") or 0))
    except (TypeError, ValueError, AttributeError):
        return 0


def _positions(value: Any) -> list[int] | None:
    """A draw's list of option positions as stored (JSON), or None when the row holds
    something else."""
    if not isinstance(value, list):
        return None
    try:
        return [int(v) for v in value]
    except (TypeError, ValueError):
        return None


def outcome(ballot: Ballot, tally: dict[str, Any]) -> ElectionOutcome:
    """The elected members and substitutes in order, from ``ballots_box.tally``.

    Candidates with equal votes keep the ballot's order among themselves unless a
    draw decided theirs; a tie whose order decides a seat or a substitute's place and
    has no draw is reported in ``undecided_ties`` (publishing waits for the draw)."""
    seats = ballot.seats or 0
    substitutes = ballot.substitute_seats or 0
    places = seats + substitutes
    candidates = list(
        BallotOption.objects.filter(ballot=ballot, kind=OptionKind.CANDIDATE).order_by("position")
    )
    draws = list(ElectionDraw.objects.filter(ballot=ballot).order_by("drawn_at", "id"))
    names = {c.position: c.label for c in candidates}
    ranked = sorted(candidates, key=lambda c: (-_votes(tally, c.position), c.position))
    ordered: list[tuple[BallotOption, bool]] = []
    undecided: list[list[int]] = []
    lots: list[Lot] = []
    for votes, group_iter in groupby(ranked, key=lambda c: _votes(tally, c.position)):
        group = list(group_iter)
        first, last = len(ordered) + 1, len(ordered) + len(group)
        # The order inside the tie matters if it reaches past the last member seat
        # into a place that is decided by rank (a member seat or a substitute's).
        matters = len(group) > 1 and first <= places and last > seats
        drawn = False
        if matters:
            key = sorted(c.position for c in group)
            draw = next(
                (
                    d
                    for d in reversed(draws)
                    if sorted(_positions(d.tied) or []) == key
                    and sorted(_positions(d.order) or []) == key
                ),
                None,
            )
            if draw is None:
                undecided.append(key)
            else:
                order = _positions(draw.order) or []
                group.sort(key=lambda c: order.index(c.position))
                drawn = True
                lots.append(
                    Lot(
                        votes=votes,
                        tied=[names[p] for p in key],
                        order=[names[p] for p in order],
                        drawn_at=draw.drawn_at,
                    )
                )
        ordered.extend((c, drawn) for c in group)
    result = [
        Seat(
            position=c.position,
            name=c.label,
            votes=_votes(tally, c.position),
            elected=rank <= seats,
            rank=rank,
            drawn=drawn,
        )
        for rank, (c, drawn) in enumerate(ordered, start=1)
    ]
    return ElectionOutcome(
        members=result[:seats],
        substitutes=result[seats:places],
        not_elected=result[places:],
        undecided_ties=undecided,
        seats=seats,
        substitute_seats=substitutes,
        draws=lots,
    )


def ballot_tally(ballot: Ballot) -> dict[str, Any]:
    """The stored count once counted, else the box's figures as they are."""
    return ballot.tally if isinstance(ballot.tally, dict) else ballots_box.tally(ballot)


def ballot_outcome(ballot: Ballot) -> ElectionOutcome:
    return outcome(ballot, ballot_tally(ballot))


def publish_blocker(ballot: Ballot) -> str:
    """Why the election's result cannot be published yet ("" when it can): no
    candidates, or equal votes that decide a place and wait for a draw."""
    if ballot.kind != BallotKind.ELECTION:
        return ""
    if not BallotOption.objects.filter(ballot=ballot, kind=OptionKind.CANDIDATE).exists():
        return _("Valget har ingen kandidater, så der er intet resultat at offentliggøre.")
    result = ballot_outcome(ballot)
    if result.undecided_ties:
        return _(
            "%(names)s har lige mange stemmer (%(votes)s), og rækkefølgen afgør, hvem der "
            "bliver valgt eller suppleant. Træk lod, før resultatet offentliggøres."
        ) % {"names": _names(result.undecided_names[0]), "votes": result.undecided_votes[0]}
    return ""


# --- the draw ------------------------------------------------------------------------


def draw_refused_reason(ballot: Ballot) -> str:
    """Why no lots can be drawn now ("" when they can: the election is counted, not yet
    published, and a tie is undecided)."""
    if ballot.kind != BallotKind.ELECTION:
        return _("Afstemningen er ikke et valg.")
    if ballot.state == BallotState.PUBLISHED:
        return _("Resultatet er offentliggjort. Der kan ikke længere trækkes lod.")
    if ballot.state != BallotState.COUNTED:
        return _("Der trækkes først lod, når stemmerne er talt op.")
    if not ballot_outcome(ballot).undecided_ties:
        return _("Der er ingen stemmelighed, der skal afgøres ved lodtrækning.")
    return ""


@transaction.atomic
def draw_lots(*, actor: Any, ballot: Ballot) -> ElectionDraw:
    """Draw lots for the first undecided tie (the one nearest the top): the tied
    candidates in a random order from the operating system's generator, stored with
    who drew and when, and audited. Two managers pressing at once draw once: the
    ballot is locked and the second finds the tie decided."""
    locked = _locked(ballot)
    reason = draw_refused_reason(locked)
    if reason:
        raise ValidationError(reason, code="refused")
    result = ballot_outcome(locked)
    tied = result.undecided_ties[0]
    order = list(tied)
    secrets.SystemRandom().shuffle(order)
    draw = ElectionDraw.objects.create(
        ballot=locked,
        tied=tied,
        order=order,
        drawn_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    names = {s.position: s.name for s in result.ranked}
    audit_record(
        actor=actor,
        action="democracy.election_draw",
        obj=locked,
        organisation_id=locked.organisation_id,
        after={
            "stemmer": result.undecided_votes[0],
            "lige_mange_stemmer": [names.get(p, str(p)) for p in tied],
            "raekkefoelge": [names.get(p, str(p)) for p in order],
        },
    )
    return draw


# --- the result into the register ----------------------------------------------------


def term_start_for(ballot: Ballot) -> dt.date:
    """The day after the result: after its publication, or today when not yet set."""
    day = timezone.localdate(ballot.published_at) if ballot.published_at else timezone.localdate()
    return day + dt.timedelta(days=1)


def term_end_for(start: dt.date, years: int | None) -> dt.date | None:
    """The day before the ``years``-th anniversary of ``start`` (29 February's
    anniversary in a common year is 1 March)."""
    if not years:
        return None
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:
        anniversary = dt.date(start.year + years, 3, 1)
    return anniversary - dt.timedelta(days=1)


class SeatsWritten(list[BodyMembership]):
    """The memberships written, in rank order (members, then substitutes), with a
    Danish note for each elected candidate who was not written."""

    def __init__(self) -> None:
        super().__init__()
        self.skipped: list[str] = []


def estate_board(*, actor: Any, ballot: Ballot) -> Body:
    """The estate's board in the register; made if the estate has none (the register's
    ``estate_create`` makes one for every estate, so only old data lacks it)."""
    body = Body.objects.filter(estate_id=ballot.estate_id, kind=BodyKind.ESTATE_BOARD).first()
    if body is not None:
        return body
    try:
        with transaction.atomic():
            body = Body.objects.create(
                kind=BodyKind.ESTATE_BOARD,
                organisation_id=ballot.estate.organisation_id,
                estate_id=ballot.estate_id,
            )
    except IntegrityError:  # made by a concurrent request
        return Body.objects.get(estate_id=ballot.estate_id, kind=BodyKind.ESTATE_BOARD)
    audit_record(
        actor=actor,
        action="create",
        obj=body,
        organisation_id=body.organisation_id,
        after=snapshot(body),
    )
    return body


def _seat(
    *,
    actor: Any,
    ballot: Ballot,
    body: Body,
    resident: Resident,
    role: str,
    start: dt.date,
    end: dt.date | None,
) -> BodyMembership | str:
    """Seat one elected candidate, or say why not (a Danish note)."""
    name = resident.name
    if resident.anonymised_at is not None:
        return _("En valgt kandidat findes ikke længere i registret og er ikke skrevet ind.")
    household = resident.household
    if household.moved_out is not None and household.moved_out < start:
        return _("%(name)s er flyttet fra afdelingen og er ikke skrevet ind i bestyrelsen.") % {
            "name": name
        }
    try:
        with transaction.atomic():
            person = people_services.person_for_seat(
                actor=actor, organisation=ballot.organisation, resident=resident
            )
            overlapping = (
                BodyMembership.objects.filter(body=body, user=person.user)
                .filter(Q(term_end__isnull=True) | Q(term_end__gte=start))
                .first()
            )
            if overlapping is not None:
                raise ValidationError(
                    _(
                        "%(name)s sidder allerede i afdelingsbestyrelsen som %(role)s og er "
                        "ikke skrevet ind igen. Ret posten under Personer og roller, hvis "
                        "den skal ændres."
                    )
                    % {"name": name, "role": overlapping.get_role_display().lower()}
                )
            if end is not None and not date_in_bounds(end):
                raise ValidationError(_("Valgperioden slutter uden for de gyldige datoer."))
            if BodyMembership.objects.current().filter(body=body, user=person.user).exists():
                # Re-elected as their seat runs out (it ends before the new term
                # starts): the people service counts any seat running today as
                # "already seated", so the follow-on term is written directly.
                return register_services.body_membership_add(
                    actor=actor,
                    body=body,
                    user=person.user,
                    role=role,
                    term_start=start,
                    term_end=end,
                )
            return people_services.body_member_add(
                actor=actor,
                body=body,
                user=person.user,
                role=role,
                term_start=start,
                term_end=end,
            )
    except ValidationError as error:
        return _("%(name)s er ikke skrevet ind: %(why)s") % {
            "name": name,
            "why": " ".join(error.messages),
        }


@transaction.atomic
def apply(
    *,
    actor: Any,
    ballot: Ballot,
    result: ElectionOutcome,
    term_start: dt.date | None = None,
) -> SeatsWritten:
    """Write the result into the estate board's body memberships with their terms:
    the members with role member, then the substitutes in their order (the rows are
    written in rank order). Each elected candidate gets their own account through
    ``people.services.person_for_seat`` (a resident without one is invited).

    Terms start ``term_start`` (default: the day after the result, see
    ``term_start_for``) and run ``term_years`` years (``term_end_for``).

    An elected candidate who cannot be seated does not stop the others: one who already
    sits on the board for part of the new term (the post is kept as it is: a chair
    stays chair), one who has moved out, one whose record was erased, or one with no
    account and no e-mail to invite is skipped with a note in ``.skipped`` (and in the
    audit entry), for the staff to settle by hand under "Personer og roller". A
    member re-elected as their seat runs out gets the new term after it. Nobody's seat
    is ended here: outgoing members leave when their own term ends.

    Refused while a tie is undecided. Calling it again writes nothing twice (everyone
    is seated by then, and skipped)."""
    if ballot.kind != BallotKind.ELECTION:
        raise ValidationError(_("Afstemningen er ikke et valg."))
    if result.undecided_ties:
        raise ValidationError(
            _("Træk lod om stemmeligheden mellem %(names)s, før resultatet skrives ind.")
            % {"names": _names(result.undecided_names[0])}
        )
    start = term_start or term_start_for(ballot)
    if not date_in_bounds(start):
        raise ValidationError(_("Valgperioden begynder uden for de gyldige datoer."))
    end = term_end_for(start, ballot.term_years)
    body = estate_board(actor=actor, ballot=ballot)
    options = {
        o.position: o
        for o in BallotOption.objects.filter(ballot=ballot, kind=OptionKind.CANDIDATE)
        .select_related("resident__household__unit")
        .order_by("position")
    }
    written = SeatsWritten()
    places = [(s, BodyRole.MEMBER) for s in result.members] + [
        (s, BodyRole.SUBSTITUTE) for s in result.substitutes
    ]
    for seat, role in places:
        option = options.get(seat.position)
        resident = option.resident if option is not None else None
        if resident is None:
            written.skipped.append(
                _("%(name)s står ikke i registret og er ikke skrevet ind.") % {"name": seat.name}
            )
            continue
        made = _seat(
            actor=actor,
            ballot=ballot,
            body=body,
            resident=resident,
            role=role,
            start=start,
            end=end,
        )
        if isinstance(made, str):
            written.skipped.append(made)
        else:
            written.append(made)
    audit_record(
        actor=actor,
        action="democracy.election_apply",
        obj=ballot,
        organisation_id=ballot.organisation_id,
        after={
            "organ": body.pk,
            "fra": start.isoformat(),
            "til": end.isoformat() if end else None,
            "skrevet_ind": [m.pk for m in written],
            "ikke_skrevet_ind": written.skipped,
        },
    )
    return written


__all__ = [
    "ElectionOutcome",
    "Lot",
    "Seat",
    "SeatsWritten",
    "apply",
    "ballot_outcome",
    "candidate_nominate",
    "candidate_withdraw",
    "draw_lots",
    "draw_refused_reason",
    "nomination_closed_reason",
    "outcome",
    "publish_blocker",
    "term_end_for",
    "term_start_for",
]
