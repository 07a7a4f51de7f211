"""The secret ballots' demo (``manage.py seed_demo``, after the meetings' demo):

- the first demo estate (resident_a's) has an **open urafstemning** about new balconies,
  with votes already cast by some of its households;
- the second (resident_b's) a **closed urafstemning** about pets, counted, with its
  result and bulletin published and the decision in the register;
- the third a **board election** held digitally in the week after last September's
  afdelingsmøde, counted and published, with the elected members and substitutes in
  the register's body memberships of the estate board.

Votes go through the box itself (``ballots_box.cast``, ``ballot_close``, ``tally``), so
the bulletins have real chains; only the times are moved afterwards (a demo needs a
history, and the box refuses a vote outside the voting period, rightly). No household
with a login votes: the personas (resident_a, the estate board) can vote themselves.

Deterministic: who votes and what they choose come from a seeded generator (the
tracker codes and the box's shuffle are random by design, docs/voting.md).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from almen.democracy import ballots_box, rules
from almen.democracy.models import (
    Ballot,
    BallotInbox,
    BallotKind,
    BallotOption,
    BallotPurpose,
    BallotState,
    Decision,
    ElectionDraw,
    Forum,
    Meeting,
    MeetingKind,
    MeetingStatus,
    OptionKind,
    Outcome,
    Participation,
)
from almen.lib.visibility import Visibility
from almen.people import services as people_services
from almen.register.models import Body, BodyKind, BodyRole, Estate, Household, Resident
from almen.register.national import NATIONAL_CVR_PREFIX

# The personas' organisation (resident_a in estate 1, resident_b in estate 2).
DEMO_CVR = "29190909"
# The open urafstemning: the share of households that have voted so far (through the
# box, one by one: ~25 households in the full demo).
OPEN_TURNOUT = 0.12
YES_NO = ((OptionKind.YES, "Ja"), (OptionKind.NO, "Nej"), (OptionKind.BLANK, "Blank"))


def _demo_id(estate: Estate, what: str) -> uuid.UUID:
    return uuid.uuid5(estate.public_id, f"almen-demo-ballot-{what}")


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _estates() -> list[Estate]:
    """The three estates the demo uses: the personas' organisation's first, then the
    other demo organisations' (the tests' smaller demo has 2 estates per organisation)."""
    demo_estates = Estate.objects.exclude(
        organisation__cvr__startswith=NATIONAL_CVR_PREFIX
    ).select_related("organisation")
    own = list(demo_estates.filter(organisation__cvr=DEMO_CVR).order_by("number"))
    others = list(
        demo_estates.exclude(organisation__cvr=DEMO_CVR).order_by("organisation__cvr", "number")
    )
    return (own + others)[:3]


def _voters(ballot: Ballot) -> list[Household]:
    """The roll without the households that have a login (the personas vote
    themselves), in a fixed order, with their residents."""
    with_login = Resident.objects.filter(household_id=OuterRef("pk"), user__isnull=False)
    return list(
        ballots_box.roll(ballot)
        .exclude(Exists(with_login))
        .select_related("unit")
        .prefetch_related("residents")
        .order_by("id")
    )


def _adult(household: Household, rng: random.Random, on: dt.date) -> Resident | None:
    adults = [r for r in household.residents.all() if rules.is_adult(r.birth_year, on)]
    return rng.choice(adults) if adults else None


def _ballot(
    estate: Estate,
    what: str,
    *,
    kind: str,
    purpose: str,
    title: str,
    question: str,
    roll_on: dt.date,
    closes_at: dt.datetime,
    options: Sequence[tuple[str, str, Resident | None]],
    **fields: object,
) -> Ballot:
    """A ballot open from yesterday (so that the box takes votes) until ``closes_at``."""
    ballot = Ballot.objects.create(
        public_id=_demo_id(estate, what),
        organisation=estate.organisation,
        estate=estate,
        kind=kind,
        purpose=purpose,
        title=title,
        question=question,
        roll_on=roll_on,
        opens_at=timezone.now() - dt.timedelta(days=1),
        closes_at=closes_at,
        state=BallotState.OPEN,
        **fields,
    )
    BallotOption.objects.bulk_create(
        BallotOption(ballot=ballot, position=n, kind=k, label=label, resident=resident)
        for n, (k, label, resident) in enumerate(options, start=1)
    )
    return ballot


Vote = tuple[Household, list[int], int, Resident | None]  # marks, votes, who voted


def _yes_no_votes(
    ballot: Ballot, rng: random.Random, *, share: float, weights: tuple[int, int, int]
) -> list[Vote]:
    """Some households vote: Ja, Nej or Blank by ``weights``, mostly with both votes."""
    today = timezone.localdate()
    votes: list[Vote] = []
    for n, household in enumerate(_voters(ballot)):
        # At least the first household votes (the tests' estates are small).
        if n and rng.random() >= share:
            continue
        mark = rng.choices([1, 2, 3], weights=weights)[0]
        votes.append(
            (household, [mark], 2 if rng.random() < 0.7 else 1, _adult(household, rng, today))
        )
    return votes


def _cast(ballot: Ballot, votes: Sequence[Vote]) -> None:
    """Vote as residents do, one household at a time through the box."""
    for household, marks, weight, resident in votes:
        ballots_box.cast(
            ballot=ballot,
            household=household,
            user=None,
            marks=marks,
            votes=weight,
            resident=resident,
        )


def _cast_history(ballot: Ballot, votes: Sequence[Vote]) -> None:
    """The votes of a ballot in the demo's past, written at once: the same rows as
    ``ballots_box.cast`` writes (a participation row per household with its residents,
    an inbox row per ballot paper with its tracker code, nothing shared between them),
    checked by the box's own rules, without a transaction and an audit entry per vote
    (``seed_demo`` stays fast). ``ballot_close`` then chains the pool in a random order."""
    cleaned: dict[tuple[int, ...], str] = {}
    participations, papers, voters = [], [], []
    for household, marks, weight, resident in votes:
        if ballots_box.not_eligible_reason(ballot, household):
            continue
        key = tuple(marks)
        if key not in cleaned:
            cleaned[key] = ballots_box.clean_marks(ballot, marks)
        participations.append(
            Participation(ballot=ballot, household=household, votes_digital=weight)
        )
        papers.append(
            BallotInbox(
                ballot=ballot, tracker=ballots_box.new_tracker(), marks=cleaned[key], weight=weight
            )
        )
        voters.append((household.pk, resident))
    Participation.objects.bulk_create(participations)
    ids = dict(Participation.objects.filter(ballot=ballot).values_list("household_id", "pk"))
    Participation.residents.through.objects.bulk_create(
        Participation.residents.through(participation_id=ids[household_id], resident=resident)
        for household_id, resident in voters
        if resident is not None
    )
    BallotInbox.objects.bulk_create(papers)


def _close(ballot: Ballot, *, opens_at: dt.datetime, closes_at: dt.datetime) -> Ballot:
    """Close now (the box's own close: every pooled vote enters the chain), then move the
    voting period to where the demo's history has it."""
    Ballot.objects.filter(pk=ballot.pk).update(closes_at=timezone.now())
    ballot.refresh_from_db()
    ballot = ballots_box.ballot_close(actor=None, ballot=ballot)
    Ballot.objects.filter(pk=ballot.pk).update(opens_at=opens_at, closes_at=closes_at)
    ballot.refresh_from_db()
    return ballot


def _publish(ballot: Ballot, *, decision: Decision, published_at: dt.datetime) -> Ballot:
    ballot.tally = ballots_box.tally(ballot)
    ballot.counted_at = ballot.closes_at + dt.timedelta(hours=1)
    ballot.state = BallotState.PUBLISHED
    ballot.published_at = published_at
    ballot.decision = decision
    ballot.save(update_fields=["tally", "counted_at", "state", "published_at", "decision"])
    return ballot


def _decision(estate: Estate, *, visibility: str = Visibility.PUBLIC, **fields: object) -> Decision:
    return Decision.objects.create(
        organisation=estate.organisation, estate=estate, visibility=visibility, **fields
    )


def _last_meeting(estate: Estate) -> Meeting | None:
    return (
        Meeting.objects.filter(
            estate=estate,
            kind=MeetingKind.ORDINARY,
            status=MeetingStatus.HELD,
            starts_at__lt=timezone.now(),
        )
        .order_by("-starts_at")
        .first()
    )


def _calling_decision(estate: Estate, meeting: Meeting | None, title: str, text: str) -> Decision:
    day = meeting.meeting_on if meeting else timezone.localdate() - dt.timedelta(days=60)
    return _decision(
        estate,
        forum=Forum.RESIDENTS_MEETING,
        meeting=meeting,
        decided_on=day,
        title=title,
        text=text,
        outcome=Outcome.ADOPTED,
        published_at=_at(day + dt.timedelta(days=10), 12),
    )


# --- 1. the open urafstemning --------------------------------------------------------


def _open_referendum(estate: Estate, rng: random.Random) -> Ballot:
    today = timezone.localdate()
    meeting = _last_meeting(estate)
    called = _calling_decision(
        estate,
        meeting,
        "Urafstemning om nye altaner",
        "Afdelingsmødet besluttede at sende forslaget om nye altaner til urafstemning "
        "blandt alle husstande i afdelingen.",
    )
    ballot = _ballot(
        estate,
        "open",
        kind=BallotKind.YES_NO,
        purpose=BallotPurpose.REFERENDUM,
        title="Urafstemning om nye altaner",
        question=(
            "Skal afdelingen have nye, større altaner? Huslejen stiger med 185 kr. om "
            "måneden for en bolig med 3 værelser. Arbejdet tager et år."
        ),
        roll_on=today - dt.timedelta(days=7),
        closes_at=_at(today + dt.timedelta(days=12), 20),
        options=[(k, label, None) for k, label in YES_NO],
        meeting=meeting,
        authorised_by=called,
        visibility=Visibility.PUBLIC,
    )
    _cast(ballot, _yes_no_votes(ballot, rng, share=OPEN_TURNOUT, weights=(55, 38, 7)))
    Ballot.objects.filter(pk=ballot.pk).update(opens_at=_at(today - dt.timedelta(days=2), 8))
    ballot.refresh_from_db()
    return ballot


# --- 2. the closed, published urafstemning ------------------------------------------


def _closed_referendum(estate: Estate, rng: random.Random) -> Ballot:
    today = timezone.localdate()
    opens_on, closes_on = today - dt.timedelta(days=24), today - dt.timedelta(days=10)
    meeting = _last_meeting(estate)
    called = _calling_decision(
        estate,
        meeting,
        "Urafstemning om husdyr",
        "Afdelingsmødet besluttede at lade alle husstande stemme om, hvorvidt man må "
        "holde hund eller kat i afdelingen.",
    )
    ballot = _ballot(
        estate,
        "closed",
        kind=BallotKind.YES_NO,
        purpose=BallotPurpose.REFERENDUM,
        title="Urafstemning om husdyr",
        question=(
            "Må man holde én hund eller én kat i sin bolig? Dyret skal være i snor "
            "udenfor, og man skal følge husordenen."
        ),
        roll_on=opens_on - dt.timedelta(days=7),
        closes_at=timezone.now() + dt.timedelta(days=1),
        options=[(k, label, None) for k, label in YES_NO],
        meeting=meeting,
        authorised_by=called,
        visibility=Visibility.PUBLIC,
    )
    _cast_history(ballot, _yes_no_votes(ballot, rng, share=0.45, weights=(48, 45, 7)))
    ballot = _close(ballot, opens_at=_at(opens_on, 8), closes_at=_at(closes_on, 20))
    result = ballots_box.tally(ballot)
    kinds = dict(ballot.options.values_list("position", "kind"))
    votes = {kinds[int(p)]: row["total"] for p, row in result["options"].items()}
    outcome = ballots_box.yes_no_outcome(result, kinds)
    published = _at(closes_on + dt.timedelta(days=2), 10)
    decision = _decision(
        estate,
        forum=Forum.BALLOT,
        meeting=meeting,
        decided_on=closes_on,
        title=ballot.title,
        text=(
            f"Urafstemningen {closes_on:%d-%m-%Y}: {votes[OptionKind.YES]} stemmer for, "
            f"{votes[OptionKind.NO]} imod og {votes[OptionKind.BLANK]} blanke. "
            f"{result['households']} af {result['roll']} husstande stemte. Forslaget blev "
            f"{'vedtaget' if outcome == Outcome.ADOPTED else 'forkastet'}."
        ),
        votes_for=votes[OptionKind.YES],
        votes_against=votes[OptionKind.NO],
        votes_blank=votes[OptionKind.BLANK],
        outcome=outcome,
        published_at=published,
    )
    return _publish(ballot, decision=decision, published_at=published)


# --- 3. the board election -----------------------------------------------------------

CANDIDATES = 6
SEATS = 3
SUBSTITUTES = 2
TERM_YEARS = 2
POPULARITY = (30, 24, 19, 14, 8, 5)  # how often each candidate is marked
# The digital vote after a meeting lasts at most 7 days (issue 9).
AFTER_MEETING_DAYS = 7


def _pick(rng: random.Random, positions: list[int], weights: Sequence[int], n: int) -> list[int]:
    """``n`` different positions, drawn by weight."""
    left = list(zip(positions, weights, strict=True))
    chosen: list[int] = []
    while left and len(chosen) < n:
        position = rng.choices([p for p, _w in left], weights=[w for _p, w in left])[0]
        chosen.append(position)
        left = [(p, w) for p, w in left if p != position]
    return chosen


def _ranking(ballot: Ballot, totals: dict[int, int], rng: random.Random) -> list[int]:
    """Candidates by votes; a tie that decides a seat or a substitute's place is drawn
    by lot and the draw recorded (``ElectionDraw``)."""
    order = sorted(totals, key=lambda p: (-totals[p], p))
    boundaries = {SEATS, SEATS + SUBSTITUTES}
    n = 0
    while n < len(order):
        tied = [p for p in order if totals[p] == totals[order[n]]]
        start, end = order.index(tied[0]), order.index(tied[0]) + len(tied)
        if len(tied) > 1 and any(start < b < end for b in boundaries):
            drawn = list(tied)
            rng.shuffle(drawn)
            ElectionDraw.objects.create(ballot=ballot, tied=tied, order=drawn, drawn_by=None)
            order[start:end] = drawn
        n = end
    return order


def _seat_user(resident: Resident, estate: Estate, n: int) -> object:
    """The account of an elected resident (made for the demo: no password, a login
    with an e-mailed code like every resident)."""
    if resident.user_id is not None:
        return resident.user
    email = resident.email or f"valgt.{estate.organisation.cvr}.{estate.number}.{n}@almen.demo"
    user, created = get_user_model().objects.get_or_create(
        email=email, defaults={"name": resident.name}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    Resident.objects.filter(pk=resident.pk).update(user=user, email=email)
    return user


def _election(estate: Estate, rng: random.Random) -> Ballot:
    today = timezone.localdate()
    meeting = _last_meeting(estate)
    held_on = meeting.meeting_on if meeting else today - dt.timedelta(days=60)
    opens_at = (meeting.ends_at or meeting.starts_at) if meeting else _at(held_on, 21)
    # A week after the meeting, and over by now (a meeting held late in September).
    closes_on = min(held_on + dt.timedelta(days=AFTER_MEETING_DAYS), today - dt.timedelta(days=2))
    called = _calling_decision(
        estate,
        meeting,
        "Valg til afdelingsbestyrelsen holdes digitalt efter mødet",
        f"Afdelingsmødet besluttede, at valget af {SEATS} medlemmer og {SUBSTITUTES} "
        f"suppleanter til afdelingsbestyrelsen holdes som digital afstemning i "
        f"{AFTER_MEETING_DAYS} dage efter mødet.",
    )
    roll_on = (meeting.roll_on if meeting else None) or held_on - dt.timedelta(days=30)
    pool = list(
        Household.objects.active(roll_on)
        .filter(unit__estate=estate)
        .exclude(Exists(Resident.objects.filter(household_id=OuterRef("pk"), user__isnull=False)))
        .prefetch_related("residents")
        .order_by("id")
    )
    # One candidate from each of some households; a small estate fills up with more
    # adults of the same households.
    adults = [[r for r in h.residents.all() if rules.is_adult(r.birth_year, held_on)] for h in pool]
    firsts = [group[0] for group in adults if group]
    rest = [r for group in adults for r in group[1:]]
    standing = rng.sample(firsts, min(len(firsts), CANDIDATES))
    standing += rng.sample(rest, min(len(rest), CANDIDATES - len(standing)))
    options: list[tuple[str, str, Resident | None]] = [
        (OptionKind.CANDIDATE, r.name, r) for r in standing
    ]
    options.append((OptionKind.BLANK, "Blank", None))
    ballot = _ballot(
        estate,
        "election",
        kind=BallotKind.ELECTION,
        purpose=BallotPurpose.AFTER_MEETING,
        title=f"Valg til afdelingsbestyrelsen {held_on.year}",
        question=(
            f"Vælg op til {SEATS} kandidater. De {SEATS} med flest stemmer bliver "
            f"medlemmer af afdelingsbestyrelsen i {TERM_YEARS} år; de næste "
            f"{SUBSTITUTES} bliver suppleanter."
        ),
        roll_on=roll_on,
        closes_at=timezone.now() + dt.timedelta(days=1),
        options=options,
        meeting=meeting,
        authorised_by=called,
        seats=SEATS,
        substitute_seats=SUBSTITUTES,
        term_years=TERM_YEARS,
        visibility=Visibility.ORGANISATION,
    )
    candidates = list(range(1, len(standing) + 1))
    blank = len(standing) + 1
    votes: list[Vote] = []
    for n, household in enumerate(_voters(ballot)):
        if n and rng.random() >= 0.4:
            continue
        if rng.random() < 0.04 or not candidates:
            marks = [blank]
        else:
            marks = _pick(rng, candidates, POPULARITY[: len(candidates)], rng.randint(1, SEATS))
        weight = 2 if rng.random() < 0.7 else 1
        votes.append((household, marks, weight, _adult(household, rng, today)))
    _cast_history(ballot, votes)
    ballot = _close(ballot, opens_at=opens_at, closes_at=_at(closes_on, 20))
    result = ballots_box.tally(ballot)
    totals = {p: result["options"][str(p)]["total"] for p in candidates}
    order = _ranking(ballot, totals, rng)
    members, substitutes = order[:SEATS], order[SEATS : SEATS + SUBSTITUTES]
    # The new board, in the register: members and substitutes, with their terms.
    board = Body.objects.get(estate=estate, kind=BodyKind.ESTATE_BOARD)
    term_start = closes_on + dt.timedelta(days=1)
    term_end = _years_later(closes_on, TERM_YEARS)
    for n, position in enumerate(members + substitutes, start=1):
        people_services.body_member_add(
            actor=None,
            body=board,
            user=_seat_user(standing[position - 1], estate, n),  # type: ignore[arg-type]
            role=BodyRole.MEMBER if position in members else BodyRole.SUBSTITUTE,
            term_start=term_start,
            term_end=term_end,
        )

    def named(positions: list[int]) -> str:
        return ", ".join(f"{standing[p - 1].name} ({totals[p]} stemmer)" for p in positions)

    published = _at(closes_on + dt.timedelta(days=1), 10)
    decision = _decision(
        estate,
        forum=Forum.RESIDENTS_MEETING,
        meeting=meeting,
        decided_on=closes_on,
        title=ballot.title,
        text=(
            f"Valgt til afdelingsbestyrelsen for {TERM_YEARS} år: {named(members)}. "
            f"Suppleanter i denne rækkefølge: {named(substitutes)}. "
            f"{result['households']} af {result['roll']} husstande stemte."
        ),
        outcome=Outcome.ELECTED,
        visibility=Visibility.ORGANISATION,
        published_at=published,
    )
    return _publish(ballot, decision=decision, published_at=published)


@transaction.atomic
def ballots_demo_create(*, seed: int = 2026) -> int:
    """Idempotent: does nothing once the demo's open urafstemning exists. Returns the
    number of ballots made."""
    estates = _estates()
    if not estates or Ballot.objects.filter(public_id=_demo_id(estates[0], "open")).exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 (demo data, not a secret)
    makers = (_open_referendum, _closed_referendum, _election)
    for estate, make in zip(estates, makers, strict=False):
        make(estate, rng)
    return min(len(estates), len(makers))
