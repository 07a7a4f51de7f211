"""A styringsdialog with one agreement at fixed ids, for the authorisation matrix and
other tests: organisation A (29190909) with København (0101), 2026."""

from __future__ import annotations

import datetime as dt
import uuid

from almen.dialogue import services
from almen.dialogue.models import Agreement, Dialogue, DialogueStatus, ResponsibleParty
from almen.register.models import Municipality, Organisation

DIALOGUE_ID = uuid.UUID("00000000-0000-4000-8000-0000000000d1")
AGREEMENT_ID = uuid.UUID("00000000-0000-4000-8000-0000000000e1")


def matrix_dialogue_create() -> Dialogue:
    existing = Dialogue.objects.filter(public_id=DIALOGUE_ID).first()
    if existing:
        return existing
    dialogue = services.dialogue_create(
        actor=None,
        organisation=Organisation.objects.get(cvr="29190909"),
        municipality=Municipality.objects.get(code="0101"),
        year=2026,
        meeting_date=dt.date(2026, 3, 12),
        meeting_place="Københavns Rådhus",
        participants="Mette Schmidt – direktør – boligorganisationen\n"
        "Lars Poulsen – specialkonsulent – kommunen",
        status=DialogueStatus.HELD,
    )
    Dialogue.objects.filter(pk=dialogue.pk).update(public_id=DIALOGUE_ID)
    dialogue.refresh_from_db()
    agreement = services.agreement_create(
        actor=None,
        dialogue=dialogue,
        title="Færre fraflytninger i afdeling 1",
        responsible_party=ResponsibleParty.BOTH,
        due=dt.date(2026, 12, 31),
    )
    Agreement.objects.filter(pk=agreement.pk).update(public_id=AGREEMENT_ID)
    return dialogue
