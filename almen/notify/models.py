"""The outbox: one row per recipient and channel, written in the transaction of the change
that causes it, and the preferences each person sets per kind.

A row's life: ``queued`` (due at ``due_at``) → ``sending`` (claimed by a worker whose
lease ends at ``due_at``) → ``sent``; a failed attempt goes back to ``queued`` with a
later ``due_at`` (exponential backoff) until ``failed``; a row for a person who turned
the kind off is written ``suppressed`` and never sent. Rows for the daily digest stay
``queued`` with ``delivery = daily`` until the digest that collects them is written
(``digest``); the digest is a row of its own, sent like any other.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from almen.lib.notifications import Preference

DIGEST_KIND = "notify.digest"


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    # Later: SMS, web push (a channel in almen/notify/channels.py and a choice here).


class Status(models.TextChoices):
    QUEUED = "queued", _("I kø")
    SENDING = "sending", _("Sendes")
    SENT = "sent", _("Sendt")
    FAILED = "failed", _("Fejlet")
    SUPPRESSED = "suppressed", _("Ikke sendt (fravalgt)")


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("Med det samme")
    DAILY = "daily", _("Daglig samlet besked")


class Notification(models.Model):
    kind = models.CharField(_("slags"), max_length=100)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    # Where it goes (the person's e-mail when it was queued, or an address of someone
    # without an account yet, such as an invitation).
    address = models.CharField(_("adresse"), max_length=254)
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices)
    language = models.CharField(max_length=8, default="da")
    # What the kind's template is rendered from when the message is sent.
    context = models.JSONField(default=dict)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # One key per message: a retry, a second producer run or a second worker never makes
    # or sends a second one. Its hash is the e-mail's Message-ID.
    key = models.CharField(max_length=300, unique=True)
    # queued: when it may be sent; sending: when the worker's lease ends.
    due_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=40, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )

    class Meta:
        verbose_name = _("besked")
        verbose_name_plural = _("beskeder")
        indexes = [
            # What the workers claim: immediate rows that are due (queued, or a lease
            # that ran out). Partial: sent rows, the bulk of the table, are not in it.
            models.Index(
                fields=["due_at"],
                condition=Q(status__in=["queued", "sending"], delivery="immediate"),
                name="notify_claimable",
            ),
            # What the digest collects.
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(status="queued", delivery="daily"),
                name="notify_digest_pending",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]), name="notify_status_known"
            ),
            models.CheckConstraint(condition=~Q(address=""), name="notify_has_address"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.address} ({self.status})"

    @property
    def message_id(self) -> str:
        return message_id(self.key)


def message_id(key: str) -> str:
    """The e-mail's Message-ID, the same for every attempt at the same message."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"<{digest}@almen.notify>"


class NotificationPreference(models.Model):
    """A person's choice for one kind (no row: the kind's default). Someone without an
    account (an address) can only turn a kind off, through the link in the e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification_preferences",
    )
    address = models.CharField(max_length=254, blank=True)
    kind = models.CharField(max_length=100)
    preference = models.CharField(
        max_length=10,
        choices=[
            (Preference.IMMEDIATE.value, _("Med det samme")),
            (Preference.DAILY.value, _("Daglig samlet besked")),
            (Preference.OFF.value, _("Fra")),
        ],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("beskedvalg")
        verbose_name_plural = _("beskedvalg")
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(address=""))
                | (Q(user__isnull=True) & ~Q(address="")),
                name="notify_preference_one_owner",
            ),
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=Q(user__isnull=False),
                name="notify_preference_per_user",
            ),
            models.UniqueConstraint(
                fields=["address", "kind"],
                condition=Q(user__isnull=True),
                name="notify_preference_per_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.address}: {self.kind} = {self.preference}"
