"""Recording changes. Every module records through ``audit_record``."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models

from almen.audit.models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The object's concrete field values as JSON-ready data (foreign keys as ids)."""
    names = (
        list(fields)
        if fields is not None
        else [f.attname for f in obj._meta.concrete_fields if f.name not in {"id", "password"}]
    )
    return {name: _plain(getattr(obj, name)) for name in names}


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    organisation_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEntry:
    """Append one entry. Call inside the same transaction as the change."""
    label = actor_label or (
        str(actor) if actor is not None and actor.is_authenticated else "system"
    )
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=label[:200],
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        organisation_id=organisation_id,
        before=before,
        after=after,
    )
