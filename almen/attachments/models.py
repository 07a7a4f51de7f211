"""One Attachment model for every owner (goal, review, action, styringsdialog): a
generic relation (content type + object id) to the owner, whose module registered
the owner kind (``owners.py``; decision 0023)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AttachmentKind(models.TextChoices):
    MINUTES = "referat", _("Referat")
    PHOTO = "foto", _("Foto")
    DECISION = "beslutning", _("Beslutning")
    OTHER = "andet", _("Andet")


class ScanStatus(models.TextChoices):
    NOT_SCANNED = "not_scanned", _("Ikke virusscannet")
    CLEAN = "clean", _("Virusscannet, intet fundet")


def attachment_path(instance: Attachment, filename: str) -> str:
    """Where the bytes go in the storage: never the person's file name, only our id
    and the extension that matches the detected type."""
    today = timezone.localdate()
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"attachments/{today:%Y/%m}/{instance.public_id}.{ext}"


class Attachment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    owner_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("owner_type", "owner_id")
    organisation = models.ForeignKey(
        "register.Organisation", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("fil"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("filnavn"), max_length=200)
    mime_type = models.CharField(_("filtype"), max_length=100)
    size = models.PositiveBigIntegerField(_("størrelse (bytes)"))
    sha256 = models.CharField(max_length=64)
    kind = models.CharField(
        _("slags"), max_length=20, choices=AttachmentKind.choices, default=AttachmentKind.OTHER
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lagt op af"),
    )
    uploaded_at = models.DateTimeField(_("lagt op"), auto_now_add=True)
    scan_status = models.CharField(
        _("virusscanning"),
        max_length=20,
        choices=ScanStatus.choices,
        default=ScanStatus.NOT_SCANNED,
    )
    scanned_by = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("bilag")
        verbose_name_plural = _("bilag")
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="attachment_owner")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=AttachmentKind.values), name="attachment_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(scan_status__in=ScanStatus.values),
                name="attachment_scan_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(sha256__regex=r"^[0-9a-f]{64}$"), name="attachment_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name
