"""A held meeting with everything minutes are made of, for the minutes' tests: estate
A's ordinary meeting of ``days_ago`` days ago with the minimum agenda, a resident's
proposal with the board's comment and an amendment, show-of-hands results, an
election with candidates, notes, and households present (one by proxy). Built with
the ORM: the services refuse a meeting in the past, and running one is the hall's."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from almen.democracy import services
from almen.democracy.models import (
    MINIMUM_AGENDA,
    AgendaItem,
    AgendaKind,
    Amendment,
    Attendance,
    Candidate,
    CandidatePost,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Outcome,
    Proposal,
    ProposalStatus,
)
from almen.democracy.testing import RESIDENT_A_EMAIL, matrix_estate
from almen.register.models import Resident

PROPOSAL_TITLE = "Hønsehus i gården"
PROPOSER = "Karen Madsen"
BOARD_COMMENT = "Bestyrelsen anbefaler forslaget."
AMENDMENT = "Hønsehuset placeres ved blok 2 i stedet."
ELECTED = "Ole Sørensen"
NOT_ELECTED = "Lise Holm"
NOTE_AOB = "Der blev spurgt til vaskeriets åbningstider."


def held_meeting(*, days_ago: int = 3, title: str = "Ordinært afdelingsmøde 2026") -> Meeting:
    estate = matrix_estate()
    starts = timezone.now().replace(hour=19, minute=0, second=0, microsecond=0)
    meeting = Meeting.objects.create(
        organisation=estate.organisation,
        estate=estate,
        kind=MeetingKind.ORDINARY,
        title=title,
        starts_at=starts - dt.timedelta(days=days_ago),
        place="Fælleshuset, Byvej 2",
        status=MeetingStatus.HELD,
        roll_on=timezone.localdate() - dt.timedelta(days=days_ago + 30),
        notice_published_at=starts - dt.timedelta(days=days_ago + 30),
    )
    resident = Resident.objects.select_related("household").get(user__email=RESIDENT_A_EMAIL)
    proposal = Proposal.objects.create(
        estate=estate,
        meeting=meeting,
        household=resident.household,
        author=resident.user,
        proposer_name=PROPOSER,
        title=PROPOSAL_TITLE,
        text="Vi foreslår et hønsehus i gården.",
        status=ProposalStatus.ACCEPTED,
        board_comment=BOARD_COMMENT,
    )
    # The minimum agenda, with the proposal as its own item after "Indkomne forslag".
    items = {}
    position = 0
    for kind in MINIMUM_AGENDA:
        position += 1
        items[kind] = AgendaItem.objects.create(
            meeting=meeting, position=position, kind=kind, title=str(kind.label)
        )
        if kind == AgendaKind.PROPOSALS:
            position += 1
            proposal_position = position
    chair = items[AgendaKind.CHAIR]
    chair.note = "Jens Hansen blev valgt som dirigent."
    chair.outcome = Outcome.ELECTED
    chair.save()
    report = items[AgendaKind.REPORT]
    report.outcome = Outcome.NOTED
    report.save()
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=proposal_position,
        kind=AgendaKind.PROPOSAL,
        title=PROPOSAL_TITLE,
        proposal=proposal,
        votes_for=6,
        votes_against=2,
        votes_blank=0,
        outcome=Outcome.ADOPTED,
    )
    Amendment.objects.create(
        item=item,
        proposer_name="Per Nielsen",
        text=AMENDMENT,
        votes_for=2,
        votes_against=6,
        votes_blank=0,
        outcome=Outcome.REJECTED,
    )
    election = items[AgendaKind.ELECTION]
    election.outcome = Outcome.ELECTED
    election.save()
    Candidate.objects.create(
        item=election,
        name=ELECTED,
        post=CandidatePost.MEMBER,
        votes=6,
        elected=True,
        term_years=2,
    )
    Candidate.objects.create(item=election, name=NOT_ELECTED, post=CandidatePost.MEMBER, votes=2)
    aob = items[AgendaKind.AOB]
    aob.note = NOTE_AOB
    aob.save()
    households = list(services.roll(meeting).order_by("pk")[:4])
    holder = Attendance.objects.create(meeting=meeting, household=households[0])
    for household in households[1:3]:
        Attendance.objects.create(meeting=meeting, household=household)
    Attendance.objects.create(meeting=meeting, household=households[3], holder=holder)
    return meeting
