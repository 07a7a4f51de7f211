"""Reads: an owner's attachments, for the section on its page."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from almen.attachments.models import Attachment


def attachments_of(*owners: Any) -> list[Attachment]:
    """The attachments of the given owners (of any kinds), newest first, in one query."""
    if not owners:
        return []
    condition = Q()
    for owner in owners:
        condition |= Q(owner_type=ContentType.objects.get_for_model(type(owner)), owner_id=owner.pk)
    return list(Attachment.objects.filter(condition).select_related("uploaded_by"))
