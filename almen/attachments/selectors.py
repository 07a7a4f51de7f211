"""Reads: an owner's attachments, for the section on its page."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from almen.attachments.models import Attachment
from almen.attachments.owners import OwnerKind, kind_of


def attachments_of(*owners: Any) -> list[Attachment]:
    """The attachments of the given owners (of any kinds), newest first, in one query."""
    if not owners:
        return []
    condition = Q()
    for owner in owners:
        condition |= Q(owner_type=ContentType.objects.get_for_model(type(owner)), owner_id=owner.pk)
    return list(Attachment.objects.filter(condition).select_related("uploaded_by"))


def attachments_for_page(kind: OwnerKind, owner: Any) -> list[Attachment]:
    """The owner's attachments and those of its children (``OwnerKind.children``), in
    one query; a child's carry ``of``, the child kind's label."""
    own_type = ContentType.objects.get_for_model(type(owner))
    condition = Q(owner_type=own_type, owner_id=owner.pk)
    labels: dict[int, object] = {}
    for model, ids in kind.children(owner):
        child_type = ContentType.objects.get_for_model(model)
        child_kind = kind_of(model)
        labels[child_type.pk] = child_kind.label if child_kind else ""
        condition |= Q(owner_type=child_type, owner_id__in=ids)
    rows = list(Attachment.objects.filter(condition).select_related("uploaded_by"))
    for row in rows:
        row.of = labels.get(row.owner_type_id, "")  # type: ignore[attr-defined]
    return rows
