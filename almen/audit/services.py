"""Recording changes. Every module records through ``audit_record``; every update of
an existing object goes through ``audited_update``.

Reads of personal data are recorded too (action ``read``): who looked at which
resident list or record, when. Writes made through the API are recorded under the
token (``AuditEntry.api_token``) and the person who created it (see
``almen.audit.context``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from almen.audit.context import current_via
from almen.audit.models import AuditEntry
from almen.lib import versions

# The audit log's data version (almen.lib.versions), bumped when an entry is written.
VERSION_KEY = "audit:entries:version"

REDACTED = "[slettet]"


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


def _is_person(actor: Any) -> bool:
    return actor is not None and bool(getattr(actor, "is_authenticated", False))


def audit_actor(actor: Any, actor_label: str | None = None) -> tuple[Any, str, int | None]:
    """(user or None, label, API token id) for an entry by ``actor``: what
    ``audit_record`` stores, for code that inserts many entries at once."""
    api_token_id = None
    via = current_via()
    creator_id = via.creator.pk if via is not None and via.creator is not None else None
    if via is not None and (not _is_person(actor) or actor.pk == creator_id):
        actor = via.creator
        api_token_id = via.token_id
        actor_label = via.label
    label = actor_label or (str(actor) if _is_person(actor) else "system")
    return (actor if _is_person(actor) else None), label[:200], api_token_id


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | type[models.Model],
    organisation_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEntry:
    """Append one entry. Call inside the same transaction as the change.

    ``obj`` is the object changed or read, or a model class for a list of them.
    During an API request authenticated with a token, the entry names the token and
    the person who created it (the organisation answers for its integrations),
    whatever actor the endpoint passed (none, or the token's creator).
    """
    user, label, api_token_id = audit_actor(actor, actor_label)
    instance = isinstance(obj, models.Model)
    entry = AuditEntry.objects.create(
        actor=user,
        actor_label=label,
        api_token_id=api_token_id,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk) if isinstance(obj, models.Model) else "",
        object_repr=(str(obj) if instance else str(obj._meta.verbose_name_plural))[:200],
        organisation_id=organisation_id,
        before=before,
        after=after,
    )
    # What shows the latest entries is cached on this version: bumped once the entry is
    # there (at once outside a transaction), so nobody caches the log without it.
    versions.bump_on_commit(VERSION_KEY)
    return entry


def audit_redact(*, object_type: str, object_ids: Iterable[str], fields: Iterable[str]) -> int:
    """Erase personal data from earlier entries about the given objects.

    The log is append-only except here: when a resident's personal data is erased,
    earlier entries about them keep who did what and when, but their name and the
    values of ``fields`` are replaced by "[slettet]". Returns the entries changed.
    """
    names = set(fields)
    changed = []
    for entry in AuditEntry.objects.filter(object_type=object_type, object_id__in=list(object_ids)):
        for side in ("before", "after"):
            data = getattr(entry, side)
            if isinstance(data, dict):
                cleaned = {
                    k: (REDACTED if k in names and v not in (None, "") else v)
                    for k, v in data.items()
                }
                setattr(entry, side, cleaned)
        entry.object_repr = REDACTED
        changed.append(entry)
    AuditEntry.objects.bulk_update(changed, ["before", "after", "object_repr"], batch_size=500)
    if changed:
        versions.bump_on_commit(VERSION_KEY)
    return len(changed)


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
