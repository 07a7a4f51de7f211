"""Democracy objects at fixed ids, for the authorisation matrix and other tests, in
organisation A (29190909) estate 1: an ordinary afdelingsmøde whose notice is out, a
proposal handed in by persona resident_a (not yet accepted, so only its author, the
estate's board, the organisation's staff and board may read it), a petition, and a
published decision of the estate's meeting."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from almen.democracy import rules, services
from almen.democracy.models import (
    Decision,
    Forum,
    Meeting,
    MeetingKind,
    Outcome,
    Petition,
    Proposal,
)
from almen.lib.visibility import Visibility
from almen.register.models import Estate, Resident

MEETING_ID = uuid.UUID("00000000-0000-4000-8000-000000000101")
PROPOSAL_ID = uuid.UUID("00000000-0000-4000-8000-000000000102")
PETITION_ID = uuid.UUID("00000000-0000-4000-8000-000000000103")
DECISION_ID = uuid.UUID("00000000-0000-4000-8000-000000000104")
RESIDENT_A_EMAIL = "beboer.a@almen.demo"


def matrix_estate() -> Estate:
    return Estate.objects.select_related("organisation").get(organisation__cvr="29190909", number=1)


def matrix_democracy_create() -> Meeting:
    existing = Meeting.objects.filter(public_id=MEETING_ID).first()
    if existing:
        return existing
    estate = matrix_estate()
    starts = timezone.now().replace(hour=17, minute=0, second=0, microsecond=0) + dt.timedelta(
        days=60
    )
    meeting = services.meeting_create(
        actor=None,
        organisation=estate.organisation,
        estate=estate,
        kind=MeetingKind.ORDINARY,
        title="Ordinært afdelingsmøde",
        starts_at=starts,
        place="Fælleshuset",
    )
    Meeting.objects.filter(pk=meeting.pk).update(public_id=MEETING_ID)
    meeting.refresh_from_db()
    services.notice_publish(actor=None, meeting=meeting)
    resident = Resident.objects.select_related("household", "user").get(
        user__email=RESIDENT_A_EMAIL
    )
    Proposal.objects.create(
        public_id=PROPOSAL_ID,
        estate=estate,
        meeting=meeting,
        household=resident.household,
        author=resident.user,
        proposer_name=resident.name,
        title="Cykelskur ved blok 3",
        text="Vi foreslår et overdækket cykelskur ved blok 3.",
    )
    households = services.roll(meeting).count()
    Petition.objects.create(
        public_id=PETITION_ID,
        estate=estate,
        topic="Ekstraordinært møde om vaskeriet",
        text="Vi ønsker et ekstraordinært afdelingsmøde om vaskeriets åbningstider.",
        created_by=resident.user,
        households_at_start=households,
        threshold=rules.petition_threshold(households),
    )
    Decision.objects.create(
        public_id=DECISION_ID,
        organisation=estate.organisation,
        estate=estate,
        forum=Forum.RESIDENTS_MEETING,
        decided_on=dt.date(2026, 9, 15),
        title="Afdelingens mål for affaldssortering",
        text="Afdelingsmødet vedtog afdelingens mål for affaldssortering 2026–2028.",
        votes_for=40,
        votes_against=6,
        votes_blank=2,
        outcome=Outcome.ADOPTED,
        visibility=Visibility.ORGANISATION,
        published_at=timezone.now(),
    )
    return meeting
