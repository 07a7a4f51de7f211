"""Recording changes. Every module records through ``audit_record``; every update of
an existing object goes through ``audited_update``."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

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


def audited_update[M: models.Model](
    *,
    actor: Any,
    obj: M,
    changes: Mapping[str, Any],
    allowed: Iterable[str],
    organisation_id: int | Callable[[M], int | None] | None,
    validate: Callable[[M], None] | None = None,
    after_save: Callable[[M], Mapping[str, tuple[Any, Any]]] | None = None,
    action: str = "update",
) -> M:
    """The one way to change an existing object: snapshot, change, validate, save,
    audit the diff.

    - ``changes`` may only name fields in ``allowed`` (anything else is a
      ValidationError naming the fields), so no caller can change a field it should not.
    - The row is locked (``select_for_update``) and read again first, so a field the
      caller does not change keeps its current value, not the one the caller read
      earlier: two parallel changes of different fields both survive.
    - Only the changed fields are saved (``update_fields``) and only they are audited
      (``before``/``after`` hold the diff); nothing changed, nothing is saved or recorded.
    - ``validate`` runs on the changed object before saving (raise ValidationError);
      ``after_save`` may change related rows (many-to-many) and returns their
      ``{name: (before, after)}`` for the same entry.

    ``obj`` is brought up to date with what was saved and returned.
    """
    allowed = set(allowed)
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(
            _("Disse felter kan ikke ændres: %s") % ", ".join(sorted(unknown)), code="unknown"
        )
    with transaction.atomic():
        fresh = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        names = [_attname(fresh, name) for name in changes]
        before = snapshot(fresh, names)
        for key, value in changes.items():
            setattr(fresh, key, value)
        after = snapshot(fresh, names)
        changed = [name for name in names if before[name] != after[name]]
        if validate is not None:
            validate(fresh)
        if changed:
            fresh.save(update_fields=[*changed, *_auto_now(fresh)])
        diff_before = {name: before[name] for name in changed}
        diff_after = {name: after[name] for name in changed}
        for name, (old, new) in (after_save(fresh) if after_save else {}).items():
            if old != new:
                diff_before[name], diff_after[name] = old, new
        if diff_after:
            audit_record(
                actor=actor,
                action=action,
                obj=fresh,
                organisation_id=organisation_id(fresh)
                if callable(organisation_id)
                else organisation_id,
                before=diff_before,
                after=diff_after,
            )
    for field in fresh._meta.concrete_fields:
        setattr(obj, field.attname, getattr(fresh, field.attname))
    return obj


def _attname(obj: models.Model, name: str) -> str:
    """``estate`` → ``estate_id``: snapshots compare ids, not objects."""
    return obj._meta.get_field(name).attname  # type: ignore[union-attr]


def _auto_now(obj: models.Model) -> list[str]:
    return [f.attname for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]
