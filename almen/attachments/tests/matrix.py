"""An attachment at a fixed id on the matrix goal (almen/goals/testing.py), for the
authorisation matrix and other tests."""

from __future__ import annotations

import io
import uuid

from almen.attachments import services
from almen.attachments.models import Attachment, AttachmentKind
from almen.goals.testing import GOAL_ID

ATTACHMENT_ID = uuid.UUID("00000000-0000-4000-8000-0000000000a8")
MINUTES = "Referat af afdelingsmødet\n\nFremmøde: 14 husstande.\n".encode()


def matrix_attachment_create() -> Attachment:
    existing = Attachment.objects.filter(public_id=ATTACHMENT_ID).first()
    if existing:
        return existing
    from almen.goals.models import Goal

    goal = Goal.objects.get(public_id=GOAL_ID)
    attachment = services.attachment_add(
        actor=None,
        owner=goal,
        fileobj=io.BytesIO(MINUTES),
        name="referat.txt",
        size=len(MINUTES),
        kind=AttachmentKind.MINUTES,
    )
    Attachment.objects.filter(pk=attachment.pk).update(public_id=ATTACHMENT_ID)
    attachment.refresh_from_db()
    return attachment
