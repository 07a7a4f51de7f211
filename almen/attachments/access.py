"""Fetch-and-authorise for attachments. An attachment is read by exactly those who may
read its owner and added or removed by those who may manage it; the owner's module
decides both (its ``OwnerKind``). Outsiders get 404, readers 403 on writes, anonymous
visitors the login page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from almen.access.policy import deny, principal
from almen.attachments.models import Attachment
from almen.attachments.owners import OWNERS, OwnerKind, kind_for_content_type


@dataclass(frozen=True)
class Owned:
    kind: OwnerKind
    owner: Any
    can_manage: bool


def _owner(kind_key: str, owner_key: str) -> tuple[OwnerKind, Any]:
    if kind_key not in OWNERS:
        raise Http404
    kind = OWNERS.get(kind_key)
    owner = kind.fetch(owner_key)
    if owner is None:
        raise Http404
    return kind, owner


def owner_for_view(request: HttpRequest, kind_key: str, owner_key: str) -> Owned:
    kind, owner = _owner(kind_key, owner_key)
    p = principal(request)
    if not kind.can_read(p, owner):
        deny(p, can_read=False)
    return Owned(kind, owner, kind.can_manage(p, owner))


def owner_for_manage(request: HttpRequest, kind_key: str, owner_key: str) -> Owned:
    kind, owner = _owner(kind_key, owner_key)
    p = principal(request)
    if not kind.can_manage(p, owner):
        deny(p, can_read=kind.can_read(p, owner))
    return Owned(kind, owner, True)


def _attachment(public_id: UUID | str) -> tuple[Attachment, OwnerKind, Any]:
    try:
        attachment = Attachment.objects.select_related("uploaded_by").get(public_id=public_id)
    except (Attachment.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    kind = kind_for_content_type(attachment.owner_type_id)
    owner = kind.model._default_manager.filter(pk=attachment.owner_id).first() if kind else None
    if kind is None or owner is None:
        raise Http404  # its owner's module is not installed, or the owner is gone
    return attachment, kind, owner


def attachment_for_view(request: HttpRequest, public_id: UUID | str) -> tuple[Attachment, Owned]:
    attachment, kind, owner = _attachment(public_id)
    p = principal(request)
    if not kind.can_read(p, owner):
        deny(p, can_read=False)
    return attachment, Owned(kind, owner, kind.can_manage(p, owner))


def attachment_for_manage(request: HttpRequest, public_id: UUID | str) -> tuple[Attachment, Owned]:
    attachment, kind, owner = _attachment(public_id)
    p = principal(request)
    if not kind.can_manage(p, owner):
        deny(p, can_read=kind.can_read(p, owner))
    return attachment, Owned(kind, owner, True)
