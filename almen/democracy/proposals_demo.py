"""The proposals part of the demo (``manage.py seed_demo``): an active petition in
Fællesbo's Bispeparken (started by the resident persona, a few households short of
25 %), and two residents' proposals on each upcoming ordinary meeting of the demo
estates that has none yet (one of them accepted onto the agenda). The meetings come
from the meetings part's demo, which runs first. Idempotent."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from almen.democracy import proposals_services as services
from almen.democracy.models import (
    Meeting,
    MeetingKind,
    MeetingStatus,
    Petition,
    PetitionSignature,
    Proposal,
)
from almen.register.models import Estate, Household, Resident

PETITION_CVR = "29190909"
RESIDENT_EMAIL = "beboer.a@almen.demo"
SHORT_BY = 3  # signatures still missing on the demo petition

PROPOSALS = (
    (
        "Overdækket cykelskur ved opgang 3",
        "Vi foreslår, at afdelingen bygger et overdækket cykelskur ved opgang 3, så "
        "cyklerne ikke står i regnen. Prisen er anslået til 85.000 kr. over 10 år.",
    ),
    (
        "Fælles grillplads ved legepladsen",
        "Vi foreslår en fast grillplads med to borde ved legepladsen, som alle kan bruge.",
    ),
)


def _petition(estate: Estate) -> int:
    if Petition.objects.filter(estate=estate).exists():
        return 0
    resident = (
        Resident.objects.filter(user__email=RESIDENT_EMAIL, household__unit__estate=estate)
        .select_related("user")
        .first()
    )
    if resident is None or resident.user is None:
        return 0
    petition = services.petition_create(
        actor=resident.user,
        estate=estate,
        topic="Ekstraordinært møde om vaskeriets åbningstider",
        text=(
            "Vaskeriet lukker nu kl. 18. Mange af os arbejder til sent og kan ikke nå at "
            "vaske. Vi ønsker et ekstraordinært afdelingsmøde om at holde åbent til kl. 21."
        ),
    )
    # Neighbours without a login signed on paper at the door (recorded by staff): the
    # demo shows a petition a few signatures short of its threshold.
    wanted = max(0, petition.threshold - SHORT_BY - 1)
    signed = PetitionSignature.objects.filter(petition=petition).values("household_id")
    households = (
        Household.objects.active()
        .filter(unit__estate=estate)
        .exclude(pk__in=signed)
        .order_by("pk")[:wanted]
    )
    PetitionSignature.objects.bulk_create(
        PetitionSignature(petition=petition, household=household) for household in households
    )
    return 1


def _proposals(meeting: Meeting) -> int:
    if meeting.proposals.exists() or meeting.estate is None:
        return 0
    residents = list(
        Resident.objects.filter(
            household__in=Household.objects.active().filter(unit__estate=meeting.estate),
            anonymised_at__isnull=True,
        )
        .select_related("household")
        .order_by("household_id", "pk")[: len(PROPOSALS) * 5 : 5]
    )
    made = 0
    for (title, text), resident in zip(PROPOSALS, residents, strict=False):
        proposal = Proposal.objects.create(
            estate=meeting.estate,
            meeting=meeting,
            household=resident.household,
            proposer_name=resident.name,
            title=title,
            text=text,
        )
        if made == 0:
            services.proposal_handle(
                actor=None,
                proposal=proposal,
                action=services.ACCEPT,
                comment="Bestyrelsen anbefaler forslaget.",
            )
        made += 1
    return made


@transaction.atomic
def proposals_demo_create() -> int:
    made = 0
    estate = Estate.objects.filter(organisation__cvr=PETITION_CVR, number=1).first()
    if estate is not None:
        made += _petition(estate)
    upcoming = Meeting.objects.filter(
        kind=MeetingKind.ORDINARY,
        status__in=[MeetingStatus.DRAFT, MeetingStatus.NOTICED],
        starts_at__gt=timezone.now(),
        estate__isnull=False,
    ).select_related("estate")
    for meeting in upcoming:
        made += _proposals(meeting)
    return made
