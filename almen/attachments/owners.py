"""The owners of attachments: each module whose objects take files registers an
``OwnerKind`` from its ``manifest.py`` (goals: goals, reviews and actions; dialogue:
the styringsdialog meeting). The kind says how to find the object from its URL key
and — the owner module's own access rules — who may read its files and who may add
and remove them. Attachments itself knows no owner model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.signals import post_delete

from almen.access.policy import Principal
from almen.lib.registry import Registry


@dataclass(frozen=True)
class OwnerKind:
    key: str  # in URLs: /bilag/<key>/<owner key>/
    model: type[models.Model]
    label: Any  # "mål", "status", … (lazy text)
    fetch: Callable[[str], models.Model | None]  # by its URL key, no access check
    url_key: Callable[[Any], str]
    can_read: Callable[[Principal, Any], bool]
    can_manage: Callable[[Principal, Any], bool]
    organisation_id: Callable[[Any], int]
    page_url: Callable[[Any], str]  # where the owner is shown
    title: Callable[[Any], str]
    # Owners whose files are listed with this one's on its page, as (model, queryset of
    # their primary keys): a goal's reviews and actions. Read in the same query.
    children: Callable[[Any], list[tuple[type[models.Model], Any]]] = lambda owner: []
    # The file types (``validation.TYPES`` keys) this owner takes; empty: every allowed
    # type. A meeting's material, for instance, is PDF only.
    types: frozenset[str] = frozenset()


OWNERS: Registry[OwnerKind] = Registry("attachment owners")


def register_owner(kind: OwnerKind, *, app: str) -> None:
    OWNERS.register(kind.key, kind, app=app)
    # An owner that is deleted takes its attachments (rows and bytes) with it.
    post_delete.connect(_owner_deleted, sender=kind.model, dispatch_uid=f"attachments-{kind.key}")


def kind_of(obj: models.Model | type[models.Model]) -> OwnerKind | None:
    model = obj if isinstance(obj, type) else type(obj)
    for kind in OWNERS.items():
        if kind.model is model or issubclass(model, kind.model):
            return kind
    return None


def kind_for_content_type(content_type_id: int) -> OwnerKind | None:
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    return kind_of(model) if model is not None else None


def _owner_deleted(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    from almen.attachments.models import Attachment

    rows = Attachment.objects.filter(
        owner_type=ContentType.objects.get_for_model(sender), owner_id=instance.pk
    )
    names = list(rows.values_list("file", flat=True))
    rows.delete()
    if names:
        from django.core.files.storage import default_storage

        def remove() -> None:
            for name in names:
                default_storage.delete(name)

        transaction.on_commit(remove)
