from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One change a person (or an import) made: who, what, when, before and after.

    Entries are append-only: nothing in the product updates or deletes them, except
    that erasing a resident's personal data also erases it from earlier entries about
    them (``services.audit_redact``).
    ``organisation_id`` scopes who may read the entry (that organisation's staff).
    """

    at = models.DateTimeField(_("tidspunkt"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("udført af"), max_length=200)
    # Set when the change was made through the API with a token (the actor is then
    # the person who created the token).
    api_token = models.ForeignKey(
        "register.ApiToken",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("API-token"),
    )
    action = models.CharField(_("handling"), max_length=60)
    object_type = models.CharField(_("objekttype"), max_length=60)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("objekt"), max_length=200)
    organisation = models.ForeignKey(
        "register.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    before = models.JSONField(_("før"), null=True, blank=True)
    after = models.JSONField(_("efter"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("logpost")
        verbose_name_plural = _("revisionslog")
        indexes = [models.Index(fields=["organisation", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field that differs."""
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]

    # --- for people (almen/audit/display.py) -------------------------------------
    @property
    def action_display(self) -> str:
        from almen.audit.display import action_label

        return action_label(self.action)

    @property
    def actor_display(self) -> str:
        from almen.audit.display import actor_label

        return actor_label(self.actor_label)

    @property
    def change_display(self) -> list[Any]:
        """Each changed field by its verbose name, values by their display labels."""
        from almen.audit.display import changes

        return changes(self.object_type, self.before, self.after)
