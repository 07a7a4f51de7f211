"""Report packs rendered in the background (big organisations), with progress."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from almen.lib.bounds import LONG_TEXT, SHORT_TEXT, text_constraints, text_validators


class ReportKind(models.TextChoices):
    BOARD = "board", _("Bestyrelsesrapport")
    HANDOUT = "handout", _("Til afdelingsmødet")
    MUNICIPALITY = "municipality", _("Styringsdialog")


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"
    XLSX = "xlsx", "Excel (XLSX)"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("I kø")
    RUNNING = "running", _("Laves")
    DONE = "done", _("Færdig")
    FAILED = "failed", _("Fejlet")


class ReportJob(models.Model):
    """One pack rendered by the worker; the requester downloads the file when done."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "register.Organisation", on_delete=models.CASCADE, related_name="report_jobs"
    )
    kind = models.CharField(_("rapport"), max_length=12, choices=ReportKind.choices)
    fmt = models.CharField(_("format"), max_length=4, choices=ReportFormat.choices)
    # The municipality pack's municipality code and year; empty for the other packs.
    municipality_code = models.CharField(max_length=4, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("fremskridt"), default=0)
    file = models.FileField(_("fil"), upload_to="reports/%Y/%m/", blank=True)
    error = models.TextField(
        _("fejl"), blank=True, max_length=SHORT_TEXT, validators=text_validators(SHORT_TEXT)
    )
    created_at = models.DateTimeField(_("bestilt"), auto_now_add=True)
    finished_at = models.DateTimeField(_("færdig"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("rapportjob")
        verbose_name_plural = _("rapportjobs")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="report_job_progress_percent"
            ),
            *text_constraints("report_job", {"error": SHORT_TEXT}),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def is_busy(self) -> bool:
        return self.status in {JobStatus.QUEUED, JobStatus.RUNNING}


class Recommendation(models.Model):
    """The staff's "indstilling": what they recommend the board to decide on a pack.
    One per organisation (or estate) and pack; the pack prints the current text."""

    organisation = models.ForeignKey(
        "register.Organisation", on_delete=models.CASCADE, related_name="report_recommendations"
    )
    # The estate's own pack; empty for the organisation's packs.
    estate = models.ForeignKey(
        "register.Estate",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_recommendations",
    )
    kind = models.CharField(_("rapport"), max_length=12, choices=ReportKind.choices)
    text = models.TextField(
        _("indstilling"),
        max_length=LONG_TEXT,
        validators=text_validators(LONG_TEXT),
        help_text=_(
            "Hvad administrationen indstiller, at bestyrelsen beslutter. "
            "Skriv fx: Administrationen indstiller, at bestyrelsen godkender rapporten."
        ),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skrevet af"),
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    class Meta:
        verbose_name = _("indstilling")
        verbose_name_plural = _("indstillinger")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"],
                condition=Q(estate__isnull=True),
                name="report_recommendation_one_per_pack",
            ),
            models.UniqueConstraint(
                fields=["estate", "kind"],
                condition=Q(estate__isnull=False),
                name="report_recommendation_one_per_estate_pack",
            ),
            *text_constraints("report_recommendation", {"text": LONG_TEXT}),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.organisation_id}"
