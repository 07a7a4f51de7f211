"""Almene mål: the versioned national framework (the catalogue organisations adopt).

Texts are stored in Danish (verbatim from BL's publication) and English.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from almen.lib.i18n import localized


class Localized:
    def tr(self, field: str) -> str:
        return localized(self, field)


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", _("Kladde")
    PUBLISHED = "published", _("Offentliggjort")


class FrameworkQuerySet(models.QuerySet["Framework"]):
    def published(self) -> FrameworkQuerySet:
        return self.filter(status=FrameworkStatus.PUBLISHED)

    def current(self) -> Framework | None:
        """The newest published framework."""
        return self.published().order_by("-period_start").first()


class Framework(Localized, models.Model):
    slug = models.SlugField(_("kort navn"), unique=True)
    title_da = models.CharField(_("titel (dansk)"), max_length=200)
    title_en = models.CharField(_("titel (engelsk)"), max_length=200, blank=True)
    period_start = models.PositiveSmallIntegerField(_("periode fra (år)"))
    period_end = models.PositiveSmallIntegerField(_("periode til (år)"))
    status = models.CharField(
        _("status"), max_length=10, choices=FrameworkStatus.choices, default=FrameworkStatus.DRAFT
    )
    publisher = models.CharField(_("udgiver"), max_length=200)
    credit_da = models.TextField(_("kreditering (dansk)"))
    credit_en = models.TextField(_("kreditering (engelsk)"), blank=True)
    prerequisites_intro_da = models.TextField(blank=True)
    prerequisites_intro_en = models.TextField(blank=True)
    prerequisites_closing_da = models.TextField(blank=True)
    prerequisites_closing_en = models.TextField(blank=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start"]
        verbose_name = _("rammeværk")
        verbose_name_plural = _("rammeværker")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="framework_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title_da

    @property
    def period(self) -> str:
        return f"{self.period_start}–{self.period_end}"


class FrameworkSection(Localized, models.Model):
    """An introductory text of the framework ("Indledning", "Hvorfor almene mål?" …)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField()
    order = models.PositiveSmallIntegerField()
    heading_da = models.CharField(max_length=200)
    heading_en = models.CharField(max_length=200, blank=True)
    body_da = models.TextField()
    body_en = models.TextField(blank=True)

    class Meta:
        ordering = ["framework_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="section_key_unique")
        ]

    def __str__(self) -> str:
        return self.heading_da


class Cornerstone(Localized, models.Model):
    """Pejlemærke."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="cornerstones")
    number = models.PositiveSmallIntegerField(_("nummer"))
    title_da = models.CharField(_("titel (dansk)"), max_length=200)
    title_en = models.CharField(_("titel (engelsk)"), max_length=200, blank=True)
    body_da = models.TextField()
    body_en = models.TextField(blank=True)
    closing_da = models.TextField(blank=True)
    closing_en = models.TextField(blank=True)

    class Meta:
        ordering = ["framework_id", "number"]
        verbose_name = _("pejlemærke")
        verbose_name_plural = _("pejlemærker")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "number"], name="cornerstone_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title_da}"


class Commitment(Localized, models.Model):
    """A "Derfor vil vi" point, coded 1.1–3.4."""

    cornerstone = models.ForeignKey(
        Cornerstone, on_delete=models.CASCADE, related_name="commitments"
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    code = models.CharField(_("kode"), max_length=10)
    text_da = models.TextField(_("tekst (dansk)"))
    text_en = models.TextField(_("tekst (engelsk)"), blank=True)

    class Meta:
        ordering = ["cornerstone__number", "number"]
        verbose_name = _("\u201dDerfor vil vi\u201d-punkt")
        verbose_name_plural = _("\u201dDerfor vil vi\u201d-punkter")
        constraints = [
            models.UniqueConstraint(
                fields=["cornerstone", "number"], name="commitment_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text_da[:60]}"


class Prerequisite(Localized, models.Model):
    """Forudsætning for at lykkes, coded F1–F3."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="prerequisites")
    number = models.PositiveSmallIntegerField(_("nummer"))
    code = models.CharField(_("kode"), max_length=10)
    text_da = models.TextField(_("tekst (dansk)"))
    text_en = models.TextField(_("tekst (engelsk)"), blank=True)

    class Meta:
        ordering = ["framework_id", "number"]
        verbose_name = _("forudsætning")
        verbose_name_plural = _("forudsætninger")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "number"], name="prerequisite_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text_da[:60]}"
