"""The democracy's demo (``manage.py seed_demo``): every demo estate gets last
September's ordinary afdelingsmøde, held, with results on its agenda, the households
that came, published minutes and the decisions in the register; and an upcoming
ordinary meeting whose notice is out, with proposals from residents. One estate has a
petition for an extraordinary meeting that is still collecting signatures.

The past meeting is written through the ORM: the services refuse a meeting in the
past, rightly, and the demo needs a history. The upcoming meeting goes through
``services.meeting_create`` and ``services.notice_publish`` like a board's would.

Decisions are not linked to goals here: that link is goals' side (``lib.decisions``).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from almen.democracy import rules, services
from almen.democracy.models import (
    MINIMUM_AGENDA,
    AgendaItem,
    AgendaKind,
    Attendance,
    Candidate,
    CandidatePost,
    Decision,
    Forum,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Minutes,
    Outcome,
    Petition,
    PetitionSignature,
    PetitionStatus,
    Proposal,
    ProposalStatus,
    ProposalSupport,
)
from almen.lib import demo
from almen.lib.visibility import Visibility
from almen.register.models import Estate, Household, Resident
from almen.register.national import NATIONAL_CVR_PREFIX

PROPOSALS = [
    (
        "Overdækket cykelparkering ved opgang 3",
        "Vi foreslår, at afdelingen bygger et overdækket cykelskur med plads til 40 cykler "
        "ved opgang 3. Prisen er anslået til 180.000 kr. og betales over 10 år.",
    ),
    (
        "Fælles køkkenhave på græsplænen",
        "Vi foreslår, at en del af græsplænen bag blok B bliver til højbede, som beboerne "
        "kan låne en sæson ad gangen.",
    ),
    (
        "Hundeluftning kun i hundegården",
        "Vi foreslår en husorden, hvor hunde kun luftes i den indhegnede hundegård.",
    ),
]
PAST_PROPOSAL = (
    "Ladestandere til elbiler",
    "Vi foreslår fire ladestandere på parkeringspladsen, betalt af dem, der bruger dem.",
)
CHAIRS = ["Hanne Nielsen", "Peter Jørgensen", "Mette Larsen", "Ali Hassan", "Sofie Madsen"]
TURNOUT = (0.12, 0.32)  # share of the roll that came
NEXT_MEETING_IN = dt.timedelta(days=45)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def last_september(today: dt.date) -> int:
    """The year of the most recent September that is over."""
    return today.year if today > dt.date(today.year, 9, 30) else today.year - 1


def _votes(rng: random.Random, present: int, share_for: float) -> tuple[int, int, int]:
    """A show of hands that never exceeds the votes present."""
    votes = present * rules.VOTES_PER_HOUSEHOLD
    cast = int(votes * rng.uniform(0.85, 1.0))
    votes_for = int(cast * share_for)
    blank = int((cast - votes_for) * 0.2)
    return votes_for, cast - votes_for - blank, blank


def _past_meeting(estate: Estate, year: int, rng: random.Random) -> Meeting:
    day = dt.date(year, 9, rng.randint(8, 24))
    starts = _at(day, 19)
    meeting = Meeting.objects.create(
        organisation=estate.organisation,
        estate=estate,
        kind=MeetingKind.ORDINARY,
        title=f"Ordinært afdelingsmøde {year}",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2, minutes=30),
        place=f"Fælleshuset, {estate.address}".strip(", "),
        status=MeetingStatus.HELD,
        roll_on=day - dt.timedelta(days=30),
        notice_published_at=starts - dt.timedelta(days=30),
        material_published_at=starts - dt.timedelta(days=9),
    )
    roll = list(
        Household.objects.active(meeting.roll_on)
        .filter(unit__estate=estate)
        .order_by("id")
        .prefetch_related("residents")
    )
    came = [h for h in roll if rng.random() < rng.uniform(*TURNOUT)]
    if not came and roll:
        came = roll[:1]
    for household in came:
        attendance = Attendance.objects.create(
            meeting=meeting, household=household, checked_in_at=starts - dt.timedelta(minutes=5)
        )
        adults = [r for r in household.residents.all() if rules.is_adult(r.birth_year, day)][:2]
        attendance.residents.set(adults)
    present = len(came)
    proposer = came[0] if came else None
    proposal = Proposal.objects.create(
        estate=estate,
        meeting=meeting,
        household=proposer,
        proposer_name=_name_of(proposer) or "Afdelingsbestyrelsen",
        title=PAST_PROPOSAL[0],
        text=PAST_PROPOSAL[1],
        status=ProposalStatus.ACCEPTED,
        submitted_at=starts - dt.timedelta(days=20),
        decided_at=starts - dt.timedelta(days=12),
    )
    chair = rng.choice(CHAIRS)
    agenda: list[tuple[str, str, str, tuple[int, int, int] | None]] = []
    for kind in MINIMUM_AGENDA:
        if kind == AgendaKind.CHAIR:
            agenda.append((kind, str(kind.label), Outcome.ELECTED, None))
        elif kind == AgendaKind.RULES:
            agenda.append((kind, str(kind.label), Outcome.ADOPTED, None))
        elif kind == AgendaKind.REPORT:
            agenda.append((kind, str(kind.label), Outcome.NOTED, None))
        elif kind == AgendaKind.PROPOSALS:
            agenda.append((kind, str(kind.label), Outcome.NONE, None))
            agenda.append(
                (AgendaKind.PROPOSAL, proposal.title, Outcome.ADOPTED, _votes(rng, present, 0.7))
            )
            # The estate's goals under Almene mål (the goals demo points at this one).
            agenda.append(
                (
                    AgendaKind.OTHER,
                    demo.GOALS_ADOPTED_ITEM,
                    Outcome.ADOPTED,
                    _votes(rng, present, 0.8),
                )
            )
        elif kind == AgendaKind.ACCOUNTS:
            agenda.append((kind, str(kind.label), Outcome.NOTED, None))
        elif kind == AgendaKind.BUDGET:
            agenda.append((kind, str(kind.label), Outcome.ADOPTED, _votes(rng, present, 0.85)))
        elif kind == AgendaKind.ELECTION:
            agenda.append((kind, str(kind.label), Outcome.ELECTED, None))
        else:
            agenda.append((kind, str(kind.label), Outcome.NONE, None))
    items = []
    for position, (item_kind, title, outcome, votes) in enumerate(agenda, start=1):
        votes_for, votes_against, votes_blank = votes or (None, None, None)
        items.append(
            AgendaItem.objects.create(
                meeting=meeting,
                position=position,
                kind=item_kind,
                title=title,
                proposal=proposal if item_kind == AgendaKind.PROPOSAL else None,
                votes_for=votes_for,
                votes_against=votes_against,
                votes_blank=votes_blank,
                outcome=outcome,
                note=f"{chair} blev valgt som dirigent." if item_kind == AgendaKind.CHAIR else "",
                recorded_at=starts + dt.timedelta(minutes=10 * position),
            )
        )
    election = next(i for i in items if i.kind == AgendaKind.ELECTION)
    for n, name in enumerate(rng.sample(CHAIRS, 3)):
        Candidate.objects.create(
            item=election,
            name=name,
            post=CandidatePost.MEMBER if n else CandidatePost.CHAIR,
            elected=n < 2,
            term_years=2,
        )
    published = starts + dt.timedelta(days=rng.randint(7, 20))
    minutes = Minutes.objects.create(
        meeting=meeting, text=_minutes_text(meeting, items, present), published_at=published
    )
    Minutes.objects.filter(pk=minutes.pk).update(drafted_at=starts + dt.timedelta(days=2))
    for item in items:
        if item.votes_for is None:
            continue
        adopted_goals = item.title == demo.GOALS_ADOPTED_ITEM
        Decision.objects.create(
            **(
                {"public_id": demo.goals_adoption_decision_id(estate.public_id)}
                if adopted_goals
                else {}
            ),
            organisation=estate.organisation,
            estate=estate,
            forum=Forum.RESIDENTS_MEETING,
            meeting=meeting,
            item=item,
            decided_on=day,
            title=item.title,
            text=f"Afdelingsmødet {day:%d-%m-%Y} vedtog: {item.title}.",
            votes_for=item.votes_for,
            votes_against=item.votes_against,
            votes_blank=item.votes_blank,
            outcome=item.outcome,
            visibility=Visibility.PUBLIC,
            published_at=published,
        )
    return meeting


def _name_of(household: Household | None) -> str:
    if household is None:
        return ""
    first = next(iter(household.residents.all()), None)
    return first.name if first else ""


def _minutes_text(meeting: Meeting, items: list[AgendaItem], present: int) -> str:
    lines = [
        f"Referat af {meeting.title.lower()} {meeting.meeting_on:%d-%m-%Y} i {meeting.place}.",
        f"Til stede: {present} husstande med {present * rules.VOTES_PER_HOUSEHOLD} stemmer.",
        "",
    ]
    for item in items:
        lines.append(f"{item.position}. {item.title}")
        if item.votes_for is not None:
            lines.append(
                f"   {item.get_outcome_display()}: {item.votes_for} for, "
                f"{item.votes_against} imod, {item.votes_blank} blanke."
            )
        elif item.outcome:
            lines.append(f"   {item.get_outcome_display()}.")
        if item.note:
            lines.append(f"   {item.note}")
    return "\n".join(lines)


def _upcoming_meeting(estate: Estate, today: dt.date, rng: random.Random) -> Meeting | None:
    if Meeting.objects.filter(
        estate=estate, kind=MeetingKind.ORDINARY, starts_at__gt=timezone.now()
    ).exists():
        return None
    day = today + NEXT_MEETING_IN
    meeting = services.meeting_create(
        actor=None,
        organisation=estate.organisation,
        estate=estate,
        kind=MeetingKind.ORDINARY,
        title=f"Ordinært afdelingsmøde {day.year}",
        starts_at=_at(day, 19),
        place=f"Fælleshuset, {estate.address}".strip(", "),
    )
    meeting = services.notice_publish(actor=None, meeting=meeting)
    roll = list(services.roll(meeting).order_by("id").prefetch_related("residents"))
    for n, (title, text) in enumerate(PROPOSALS[: rng.choice([2, 3])]):
        household = roll[(n * 7) % len(roll)] if roll else None
        resident: Resident | None = (
            next(iter(household.residents.all()), None) if household else None
        )
        proposal = Proposal.objects.create(
            estate=estate,
            meeting=meeting,
            household=household,
            author=resident.user if resident else None,
            proposer_name=resident.name if resident else "Afdelingsbestyrelsen",
            title=title,
            text=text,
            status=ProposalStatus.ACCEPTED if n == 0 else ProposalStatus.SUBMITTED,
            submitted_at=timezone.now() - dt.timedelta(days=2 + n),
        )
        for supporter in roll[1 + n : 3 + n]:
            if supporter != household:
                ProposalSupport.objects.create(proposal=proposal, household=supporter)
        if n == 0:
            # Accepted onto the agenda: its own item under "Indkomne forslag".
            after = meeting.items.get(kind=AgendaKind.PROPOSALS).position
            meeting.items.filter(position__gt=after).update(position=F("position") + 1)
            AgendaItem.objects.create(
                meeting=meeting,
                position=after + 1,
                kind=AgendaKind.PROPOSAL,
                title=title,
                description=text,
                proposal=proposal,
            )
    return meeting


def _petition(estate: Estate) -> Petition | None:
    if Petition.objects.filter(estate=estate, status=PetitionStatus.OPEN).exists():
        return None
    households = list(Household.objects.active().filter(unit__estate=estate).order_by("id"))
    if not households:
        return None
    threshold = rules.petition_threshold(len(households))
    petition = Petition.objects.create(
        estate=estate,
        topic="Ekstraordinært afdelingsmøde om vaskeriet",
        text="Vi ønsker et ekstraordinært afdelingsmøde om vaskeriets åbningstider og priser.",
        households_at_start=len(households),
        threshold=threshold,
    )
    # Short of the 25 %: still collecting.
    for household in households[: max(threshold - 1, 0)]:
        PetitionSignature.objects.create(petition=petition, household=household)
    return petition


@transaction.atomic
def democracy_demo_create(*, seed: int = 2026) -> int:
    """Idempotent: does nothing once a held meeting exists. Returns the number of
    meetings made."""
    # The demo's estates, not the national benchmark data (seed_national's CVRs).
    demo_estates = Estate.objects.exclude(organisation__cvr__startswith=NATIONAL_CVR_PREFIX)
    if Meeting.objects.filter(status=MeetingStatus.HELD, estate__in=demo_estates).exists():
        return 0
    rng = random.Random(seed)
    today = timezone.localdate()
    year = last_september(today)
    estates = list(
        demo_estates.select_related("organisation").order_by("organisation__cvr", "number")
    )
    made = 0
    for estate in estates:
        _past_meeting(estate, year, rng)
        made += 1
        if _upcoming_meeting(estate, today, rng) is not None:
            made += 1
    # The petition: in the second estate of the first organisation where there is one
    # (the first is where the tests' own petition lives).
    if estates:
        _petition(estates[1] if len(estates) > 1 else estates[0])
    return made
