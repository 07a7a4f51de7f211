"""An import of an organisation's tenancy register (lejemålsregister)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

FINDINGS_CAP = 1000


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploadet")
    VALIDATING = "validating", _("Kontrolleres")
    VALIDATED = "validated", _("Kontrolleret")
    REJECTED = "rejected", _("Afvist")
    COMMITTING = "committing", _("Indlæses")
    COMMITTED = "committed", _("Indlæst")
    FAILED = "failed", _("Fejlet")


class ImportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ImportRunQuerySet(models.QuerySet["ImportRun"]):
    def for_organisation(self, organisation_id: int) -> ImportRunQuerySet:
        return self.filter(organisation_id=organisation_id).select_related("uploaded_by")

    def register(self) -> ImportRunQuerySet:
        """Tenancy-register runs only: other kinds (grøn drift's) have pages of their own."""
        return self.filter(kind="register")


class ImportRun(models.Model):
    """One uploaded file, its findings and (once committed) what it changed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "register.Organisation", on_delete=models.CASCADE, related_name="import_runs"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # What the file is: the tenancy register, or another module's kind of import
    # (grøn drift's meter readings, energy labels, degree days) on the same runs,
    # progress and findings (decision 0031).
    kind = models.CharField(_("art"), max_length=20, default="register", db_index=True)
    original_name = models.CharField(_("filnavn"), max_length=255)
    file = models.FileField(_("fil"), upload_to="imports/%Y/%m/", blank=True)
    format = models.CharField(_("format"), max_length=4, choices=ImportFormat.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    dry_run = models.BooleanField(_("prøvekørsel"), default=False)
    total_rows = models.PositiveIntegerField(_("rækker i alt"), default=0)
    processed_rows = models.PositiveIntegerField(_("behandlede rækker"), default=0)
    # Kept with the findings so the count is right even when the list is capped.
    error_count = models.PositiveIntegerField(_("fejl"), default=0)
    warning_count = models.PositiveIntegerField(_("advarsler"), default=0)
    findings = models.JSONField(_("fund"), default=list, blank=True)
    findings_omitted = models.PositiveIntegerField(default=0)
    summary = models.JSONField(_("opsummering"), default=dict, blank=True)
    # The estates the file covers: for each, households now, in the file, moving out
    # (imports.services.EstateScope.as_dict), as of the last validation.
    scope = models.JSONField(_("omfang"), default=list, blank=True)
    # The number of move-outs the person confirmed when a commit ends a large share of
    # an estate's households (None: not confirmed).
    move_outs_confirmed = models.PositiveIntegerField(
        _("bekræftede fraflytninger"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    finished_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("registerimport")
        verbose_name_plural = _("registerimporter")
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_busy(self) -> bool:
        return self.status in {ImportStatus.VALIDATING, ImportStatus.COMMITTING}

    @property
    def can_commit(self) -> bool:
        return self.status == ImportStatus.VALIDATED and not self.dry_run and not self.error_count

    @property
    def needs_move_out_confirmation(self) -> bool:
        return any(e.get("needs_confirmation") for e in self.scope)

    @property
    def move_outs(self) -> int:
        return int(self.summary.get("households_moved_out", 0))

    @property
    def estates_to_confirm(self) -> list[dict]:
        return [e for e in self.scope if e.get("needs_confirmation")]

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))
