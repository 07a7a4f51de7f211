"""Django admin edits are audited like the product's own changes.

``AuditedAdmin`` is the base for every ModelAdmin in Almen: creating, changing and
deleting an object in the admin writes an entry through ``audit_record`` (actions
``admin.create``, ``admin.change``, ``admin.delete``) with before and after.
``audit_organisation`` names the attribute path to the object's organisation id, so
that the entry shows in that organisation's log; ``audit_reads`` also records who
opened a list or a form of personal data (action ``read``).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from almen.audit.services import audit_record, snapshot

_M = TypeVar("_M", bound=models.Model)


class AuditedAdmin(admin.ModelAdmin[_M]):
    audit_organisation: str | None = None
    audit_reads: bool = False

    def audit_organisation_id(self, obj: models.Model) -> int | None:
        if self.audit_organisation is None:
            return None
        value: Any = obj
        for name in self.audit_organisation.split("."):
            value = getattr(value, name, None)
            if value is None:
                return None
        return int(value)

    def _record(self, request: HttpRequest, action: str, obj: models.Model, **changes: Any) -> None:
        audit_record(
            actor=request.user,
            action=action,
            obj=obj,
            organisation_id=self.audit_organisation_id(obj),
            **changes,
        )

    def save_model(self, request: HttpRequest, obj: _M, form: Any, change: bool) -> None:
        before = None
        if change and obj.pk is not None:
            old = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = snapshot(old) if old is not None else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            self._record(
                request,
                "admin.change" if change else "admin.create",
                obj,
                before=before,
                after=snapshot(obj),
            )

    def delete_model(self, request: HttpRequest, obj: _M) -> None:
        with transaction.atomic():
            # Recorded first, while the object still has its id; one transaction.
            self._record(request, "admin.delete", obj, before=snapshot(obj))
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[_M]) -> None:
        with transaction.atomic():
            for obj in queryset:
                self._record(request, "admin.delete", obj, before=snapshot(obj))
            super().delete_queryset(request, queryset)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if self.audit_reads and request.method == "GET" and response.status_code == 200:
            audit_record(
                actor=request.user,
                action="read",
                obj=self.model,
                organisation_id=None,
                after={"list": "admin", "query": bool(request.GET)},
            )
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if self.audit_reads and request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                self._record(request, "read", obj)
        return response
