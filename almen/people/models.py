"""Invitations for staff and new board members, and activation codes for residents
without e-mail. Both are one-time secrets: only a SHA-256 digest is stored (the
plaintext travels once, in an e-mail link or on a printed letter), each has an expiry
and is used at most once."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from almen.access.roles import Role


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """An invitation to set a password: a new staff member (``role`` is granted on
    acceptance), or a person just seated on a body (``user`` exists already)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "register.Organisation", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("navn"), max_length=200, blank=True)
    role = models.CharField(_("rolle"), max_length=24, choices=Role.choices, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("udløber"))
    accepted_at = models.DateTimeField(_("taget imod"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("tilbagekaldt"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitationer")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="") | Q(role="org_staff") | Q(role="org_board"),
                name="invitation_role_organisation_scope",
            )
        ]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class ActivationCode(models.Model):
    """A one-time code on a printed activation letter for one household."""

    household = models.ForeignKey(
        "register.Household", on_delete=models.CASCADE, related_name="activation_codes"
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("udløber"))
    used_at = models.DateTimeField(_("brugt"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A newer letter for the same household voids the older code.
    voided_at = models.DateTimeField(_("erstattet"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("aktiveringskode")
        verbose_name_plural = _("aktiveringskoder")

    def __str__(self) -> str:
        return f"{self.household} ({self.created_at:%d-%m-%Y})"
