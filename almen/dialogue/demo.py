"""Demo styringsdialoger: every demo organisation has its 2026 dialogue with its
home municipality, held in March, with three participants and agreements that name
the organisation's goals shared with the municipality where it has any."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from almen.dialogue import services
from almen.dialogue.access import goals_for_agreement
from almen.dialogue.models import Dialogue, DialogueStatus, FollowUpStatus, ResponsibleParty
from almen.register.demo import ORGANISATIONS
from almen.register.models import Organisation

YEAR = 2026
MEETING = dt.date(2026, 3, 18)

# title, description, responsible party, due, follow-up status, note
AGREEMENTS = [
    (
        "Fælles indsats for trivsel",
        "Kommunen og boligorganisationen følger det fælles mål op hvert halve år.",
        ResponsibleParty.BOTH,
        dt.date(2026, 9, 30),
        FollowUpStatus.IN_PROGRESS,
        "Første opfølgningsmøde holdt i juni.",
    ),
    (
        "Energiforbruget skal ned",
        "Organisationen fremlægger en plan for de afdelinger med det største forbrug.",
        ResponsibleParty.ORGANISATION,
        dt.date(2026, 6, 30),
        FollowUpStatus.NOT_STARTED,
        "",
    ),
    (
        "Beboerdemokratiet styrkes",
        "Kommunen bidrager med lokaler og oplysning til afdelingsmøderne.",
        ResponsibleParty.MUNICIPALITY,
        dt.date(2027, 3, 31),
        FollowUpStatus.DONE,
        "Gennemført og gennemgået på opfølgningsmødet i oktober.",
    ),
]


@transaction.atomic
def dialogue_demo_create() -> int:
    """Idempotent: skips an organisation that already has its 2026 dialogue. Returns
    the number of dialogues made."""
    made = 0
    organisations = Organisation.objects.filter(
        cvr__in=[row[0] for row in ORGANISATIONS]
    ).select_related("municipality")
    for organisation in organisations.order_by("name"):
        municipality = organisation.municipality
        if Dialogue.objects.filter(
            organisation=organisation, municipality=municipality, year=YEAR
        ).exists():
            continue
        dialogue = services.dialogue_create(
            actor=None,
            organisation=organisation,
            municipality=municipality,
            year=YEAR,
            meeting_date=MEETING,
            meeting_place=f"Rådhuset, {municipality.name}",
            participants=(
                "Mette Schmidt – administrerende direktør – boligorganisationen\n"
                "Per Holm – formand for organisationsbestyrelsen – boligorganisationen\n"
                "Lars Poulsen – specialkonsulent – kommunen"
            ),
            status=DialogueStatus.HELD,
            minutes_summary=(
                "Organisationen fremlagde nøgletal og status på de lokale mål. Parterne "
                "aftalte tre indsatser, som følges op på næste års møde."
            ),
        )
        goals = list(goals_for_agreement(dialogue)[: len(AGREEMENTS)])
        for n, (title, description, party, due, status, note) in enumerate(AGREEMENTS):
            goal = goals[n] if n < len(goals) else None
            agreement = services.agreement_create(
                actor=None,
                dialogue=dialogue,
                title=goal.title if goal else title,
                description=(
                    "Parterne følger målet og dets indikatorer op på næste års møde."
                    if goal
                    else description
                ),
                goal=goal,
                responsible_party=party,
                responsible_person=(
                    "Lars Poulsen" if party == ResponsibleParty.MUNICIPALITY else "Mette Schmidt"
                ),
                due=due,
            )
            if status != FollowUpStatus.NOT_STARTED:
                services.agreement_follow_up(
                    actor=None, agreement=agreement, follow_up_status=status, follow_up_note=note
                )
        made += 1
    return made
