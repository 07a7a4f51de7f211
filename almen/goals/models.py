"""Almene mål: the versioned national framework (the catalogue organisations adopt).

Texts are stored in Danish (verbatim from BL's publication) and English.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from almen.goals.progress import Direction
from almen.lib.bounds import (
    LONG_TEXT,
    SHORT_TEXT,
    date_constraints,
    text_constraints,
    text_validators,
    validate_date_bounds,
)
from almen.lib.i18n import localized
from almen.lib.visibility import Visibility


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


FRAMEWORK_TEXTS = [
    "credit_da",
    "credit_en",
    "prerequisites_intro_da",
    "prerequisites_intro_en",
    "prerequisites_closing_da",
    "prerequisites_closing_en",
]


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
    credit_da = models.TextField(
        _("kreditering (dansk)"), max_length=LONG_TEXT, validators=text_validators(LONG_TEXT)
    )
    credit_en = models.TextField(
        _("kreditering (engelsk)"),
        blank=True,
        max_length=LONG_TEXT,
        validators=text_validators(LONG_TEXT),
    )
    prerequisites_intro_da = models.TextField(
        blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT)
    )
    prerequisites_intro_en = models.TextField(
        blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT)
    )
    prerequisites_closing_da = models.TextField(
        blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT)
    )
    prerequisites_closing_en = models.TextField(
        blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT)
    )

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start"]
        verbose_name = _("rammeværk")
        verbose_name_plural = _("rammeværker")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="framework_period_ordered",
            ),
            *text_constraints("framework", dict.fromkeys(FRAMEWORK_TEXTS, LONG_TEXT)),
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
    body_da = models.TextField(max_length=LONG_TEXT, validators=text_validators(LONG_TEXT))
    body_en = models.TextField(
        blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT)
    )

    class Meta:
        ordering = ["framework_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="section_key_unique"),
            *text_constraints("section", dict.fromkeys(["body_da", "body_en"], LONG_TEXT)),
        ]

    def __str__(self) -> str:
        return self.heading_da


class Cornerstone(Localized, models.Model):
    """Pejlemærke."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="cornerstones")
    number = models.PositiveSmallIntegerField(_("nummer"))
    title_da = models.CharField(_("titel (dansk)"), max_length=200)
    title_en = models.CharField(_("titel (engelsk)"), max_length=200, blank=True)
    body_da = models.TextField(max_length=LONG_TEXT, validators=text_validators(LONG_TEXT))
    body_en = models.TextField(
        blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT)
    )
    closing_da = models.TextField(
        blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT)
    )
    closing_en = models.TextField(
        blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT)
    )

    class Meta:
        ordering = ["framework_id", "number"]
        verbose_name = _("pejlemærke")
        verbose_name_plural = _("pejlemærker")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "number"], name="cornerstone_number_unique"
            ),
            *text_constraints(
                "cornerstone",
                dict.fromkeys(["body_da", "body_en", "closing_da", "closing_en"], LONG_TEXT),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title_da}"


class CatalogueItem(Localized, models.Model):
    """A numbered, coded text of the framework that a local goal can adopt."""

    number = models.PositiveSmallIntegerField(_("nummer"))
    code = models.CharField(_("kode"), max_length=10)
    text_da = models.TextField(
        _("tekst (dansk)"), max_length=LONG_TEXT, validators=text_validators(LONG_TEXT)
    )
    text_en = models.TextField(
        _("tekst (engelsk)"),
        blank=True,
        max_length=LONG_TEXT,
        validators=text_validators(LONG_TEXT),
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.code} {self.text_da[:60]}"


class Commitment(CatalogueItem):
    """A "Derfor vil vi" point, coded 1.1–3.4."""

    cornerstone = models.ForeignKey(
        Cornerstone, on_delete=models.CASCADE, related_name="commitments"
    )

    class Meta:
        ordering = ["cornerstone__number", "number"]
        verbose_name = _("»Derfor vil vi«-punkt")
        verbose_name_plural = _("»Derfor vil vi«-punkter")
        constraints = [
            models.UniqueConstraint(
                fields=["cornerstone", "number"], name="commitment_number_unique"
            ),
            *text_constraints("commitment", dict.fromkeys(["text_da", "text_en"], LONG_TEXT)),
        ]


class Prerequisite(CatalogueItem):
    """Forudsætning for at lykkes, coded F1–F3."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="prerequisites")

    class Meta:
        ordering = ["framework_id", "number"]
        verbose_name = _("forudsætning")
        verbose_name_plural = _("forudsætninger")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "number"], name="prerequisite_number_unique"
            ),
            *text_constraints("prerequisite", dict.fromkeys(["text_da", "text_en"], LONG_TEXT)),
        ]


# --- local goals ------------------------------------------------------------------------


class Responsible:
    """Who answers for a goal or an action (``responsible_user``, ``responsible_body``
    or the external ``responsible`` text): shown the same way for both."""

    @property
    def responsible_label(self) -> str:
        """Who is responsible, as a text: a person's name (never the e-mail), a body's
        name or the external party as written."""
        from almen.goals.responsible import label

        return label(self)

    @property
    def responsible_kind(self) -> str:
        """ "person", "body", "external" or "" (nobody named)."""
        from almen.goals.responsible import kind

        return kind(self)


class GoalStatus(models.TextChoices):
    DRAFT = "draft", _("Kladde")
    ADOPTED = "adopted", _("Vedtaget")
    ENDED = "ended", _("Afsluttet")


class GoalQuerySet(models.QuerySet["Goal"]):
    def published(self) -> GoalQuerySet:
        """Shared with everyone: public and not a draft."""
        return self.filter(visibility=Visibility.PUBLIC).exclude(status=GoalStatus.DRAFT)


class Goal(Responsible, models.Model):
    """A local goal (lokalt mål) owned by an organisation or one of its estates,
    adopting one or more commitments or prerequisites of a framework."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="goals")
    organisation = models.ForeignKey(
        "register.Organisation",
        on_delete=models.CASCADE,
        related_name="goals",
        verbose_name=_("boligorganisation"),
    )
    estate = models.ForeignKey(
        "register.Estate",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("afdeling"),
        help_text=_("Tomt: et mål for hele organisationen."),
    )
    title = models.CharField(_("titel"), max_length=200)
    local_context = models.TextField(
        _("hvorfor her"),
        blank=True,
        max_length=LONG_TEXT,
        validators=text_validators(LONG_TEXT),
        help_text=_("Den lokale baggrund: hvorfor er målet vigtigt netop her?"),
    )
    commitments = models.ManyToManyField(
        Commitment, blank=True, related_name="goals", verbose_name=_("»Derfor vil vi«-punkter")
    )
    prerequisites = models.ManyToManyField(
        Prerequisite, blank=True, related_name="goals", verbose_name=_("forudsætninger")
    )
    # Who is responsible: a person or a body of the organisation, or (only for parties
    # outside it) a name in ``responsible``; at most one of the three (goals.responsible).
    responsible = models.CharField(
        _("ekstern ansvarlig"),
        max_length=200,
        blank=True,
        help_text=_(
            "Kun hvis den ansvarlige ikke er en person eller et organ i organisationen, "
            "fx kommunen eller en samarbejdspartner."
        ),
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_goals",
        verbose_name=_("ansvarlig person"),
    )
    responsible_body = models.ForeignKey(
        "register.Body",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ansvarligt organ"),
    )
    period_start = models.DateField(_("periode fra"), validators=[validate_date_bounds])
    period_end = models.DateField(_("periode til"), validators=[validate_date_bounds])
    status = models.CharField(
        _("status"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.DRAFT
    )
    adopted_by = models.ForeignKey(
        "register.Body",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vedtaget af"),
    )
    adopted_on = models.DateField(
        _("vedtaget den"), null=True, blank=True, validators=[validate_date_bounds]
    )
    decision_reference = models.CharField(
        _("beslutning"),
        max_length=200,
        blank=True,
        help_text=_("Henvisning til beslutningen (referat, punkt)."),
    )
    # The adopting decision in the decision register, by its public id (decision 0029:
    # ``lib.decisions``, no foreign key to democracy); ``decision_reference`` is the text
    # kept beside it, shown when the register cannot be asked.
    decision_id = models.UUIDField(_("vedtaget ved beslutning"), null=True, blank=True)
    visibility = models.CharField(
        _("synlighed"), max_length=12, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    contributes_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("bidrager til"),
        help_text=_("Et afdelingsmål kan bidrage til et af organisationens mål."),
    )
    inspired_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adoptions",
        verbose_name=_("inspireret af"),
    )
    # Kept even if the source is later unpublished or deleted, so the credit survives.
    inspired_by_label = models.CharField(max_length=300, blank=True)
    # How many goals were copied from this one; kept by ``services.goal_copy`` so the
    # library can sort by it without counting across the sector on every search.
    adoption_count = models.PositiveIntegerField(_("brugt af andre"), db_default=0, editable=False)
    review_interval_months = models.PositiveSmallIntegerField(
        _("status hver (måneder)"),
        default=6,
        help_text=_("Hvor ofte I gør status: hvad virkede, hvad virkede ikke, hvad ændrer vi?"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["organisation_id", "estate_id", "title"]
        verbose_name = _("lokalt mål")
        verbose_name_plural = _("lokale mål")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="goal_period_ordered",
                violation_error_message=_("Perioden skal slutte efter, den begynder."),
            ),
            models.CheckConstraint(
                condition=Q(review_interval_months__gte=1, review_interval_months__lte=36),
                name="goal_review_interval_sane",
                violation_error_message=_("Status skal gøres mindst hvert 36. måned."),
            ),
            *date_constraints(
                "goal", "period_start", "period_end", "adopted_on", nullable=("adopted_on",)
            ),
            *text_constraints("goal", {"local_context": LONG_TEXT}),
        ]
        indexes = [
            models.Index(fields=["visibility", "status"]),
            # The library's order: most adopted first, among published goals.
            models.Index(
                fields=["visibility", "-adoption_count", "title"], name="goal_library_order"
            ),
            models.Index(fields=["organisation", "estate"]),
            # The goal page lists a goal's adoptions and contributions in the default
            # order: filter and order in one index, else SQLite walks the ordering
            # index above over every goal. Partial: most goals have neither link.
            models.Index(
                fields=["inspired_by", "organisation", "estate", "title"],
                condition=Q(inspired_by__isnull=False),
                name="goal_adoptions_order",
            ),
            models.Index(
                fields=["contributes_to", "organisation", "estate", "title"],
                condition=Q(contributes_to__isnull=False),
                name="goal_contributions_order",
            ),
            # A decision's page lists the goals it adopted (lib.decisions use).
            models.Index(
                fields=["decision_id"],
                condition=Q(decision_id__isnull=False),
                name="goal_decision",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class IndicatorSource(models.TextChoices):
    MANUAL = "manual", _("Indtastet")
    IMPORTED = "imported", _("Importeret")
    METRIC = "metric", _("Beregnet af Almen")


class Frequency(models.TextChoices):
    """How often an indicator is measured (Open SDG's "periodicity")."""

    MONTHLY = "monthly", _("Hver måned")
    QUARTERLY = "quarterly", _("Hvert kvartal")
    HALF_YEARLY = "half_yearly", _("Hvert halve år")
    YEARLY = "yearly", _("Hvert år")
    BIENNIAL = "biennial", _("Hvert andet år")
    IRREGULAR = "irregular", _("Uregelmæssigt")


# An indicator's metadata (Open SDG's metadata tab): what it means and where its
# numbers come from. Typed by whoever manages the goal; for an indicator bound to a
# metric the metric's registration supplies definition, source and method.
INDICATOR_METADATA_TEXTS = {"definition": SHORT_TEXT, "method": SHORT_TEXT}


class Indicator(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="indicators")
    title = models.CharField(_("navn"), max_length=200)
    unit = models.CharField(_("enhed"), max_length=40, help_text=_("Fx %, kWh/m², antal."))
    direction = models.CharField(_("retning"), max_length=10, choices=Direction.choices)
    baseline_value = models.DecimalField(_("udgangspunkt"), max_digits=14, decimal_places=3)
    baseline_date = models.DateField(_("udgangspunkt, dato"), validators=[validate_date_bounds])
    target_value = models.DecimalField(_("mål"), max_digits=14, decimal_places=3)
    target_date = models.DateField(_("mål, dato"), validators=[validate_date_bounds])
    tolerance = models.DecimalField(
        _("tolerance"),
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("Kun for værdier, der skal fastholdes: hvor meget må de svinge?"),
    )
    source = models.CharField(
        _("kilde"), max_length=10, choices=IndicatorSource.choices, default=IndicatorSource.MANUAL
    )
    metric_key = models.CharField(_("beregnet tal"), max_length=80, blank=True)
    definition = models.TextField(
        _("definition"),
        blank=True,
        # In the database too: the national seed writes indicators with COPY.
        db_default="",
        max_length=SHORT_TEXT,
        validators=text_validators(SHORT_TEXT),
        help_text=_(
            "Hvad tæller I præcist? Fx »Andel af de adspurgte beboere, der svarer "
            "›tryg‹ eller ›meget tryg‹«."
        ),
    )
    data_source = models.CharField(
        _("datakilde"),
        max_length=200,
        blank=True,
        db_default="",
        help_text=_("Hvor tallet kommer fra, fx »Tryghedsundersøgelse blandt beboerne«."),
    )
    method = models.TextField(
        _("metode"),
        blank=True,
        db_default="",
        max_length=SHORT_TEXT,
        validators=text_validators(SHORT_TEXT),
        help_text=_("Hvordan tallet opgøres: hvem spørges, hvad tælles med, hvad udelades."),
    )
    measured_by = models.CharField(
        _("hvem måler"),
        max_length=200,
        blank=True,
        db_default="",
        help_text=_("Den person eller det organ, der indsamler og indtaster tallet."),
    )
    frequency = models.CharField(
        _("hvor ofte"),
        max_length=12,
        choices=Frequency.choices,
        blank=True,
        db_default="",
        help_text=_("Hvor ofte tallet bliver målt."),
    )

    class Meta:
        ordering = ["goal_id", "title"]
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_date__gt=models.F("baseline_date")),
                name="indicator_target_after_baseline",
                violation_error_message=_("Måldatoen skal ligge efter udgangspunktets dato."),
            ),
            models.CheckConstraint(
                condition=~Q(source="metric") | ~Q(metric_key=""),
                name="indicator_metric_needs_key",
                violation_error_message=_("Vælg det tal, Almen skal beregne."),
            ),
            *date_constraints("indicator", "baseline_date", "target_date"),
            *text_constraints("indicator", INDICATOR_METADATA_TEXTS),
            models.CheckConstraint(
                condition=Q(frequency__in=["", *Frequency.values]),
                name="indicator_frequency_known",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="milestones")
    date = models.DateField(_("dato"), validators=[validate_date_bounds])
    value = models.DecimalField(_("værdi"), max_digits=14, decimal_places=3)

    class Meta:
        ordering = ["indicator_id", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "date"],
                name="milestone_date_unique",
                violation_error_message=_("Der er allerede et delmål på den dato."),
            ),
            *date_constraints("milestone", "date"),
        ]

    def __str__(self) -> str:
        # Danish decimal comma: the text is kept in the audit log as it was written.
        return f"{self.date:%d-%m-%Y}: {str(self.value).replace('.', ',')}"


class Measurement(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    date = models.DateField(_("dato"), validators=[validate_date_bounds])
    value = models.DecimalField(_("værdi"), max_digits=14, decimal_places=3)
    note = models.CharField(_("note"), max_length=500, blank=True)
    evidence_url = models.URLField(_("dokumentation (link)"), blank=True)
    source = models.CharField(
        _("kilde"), max_length=10, choices=IndicatorSource.choices, default=IndicatorSource.MANUAL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["indicator_id", "date"]
        verbose_name = _("måling")
        verbose_name_plural = _("målinger")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "date"],
                name="measurement_date_unique",
                violation_error_message=_("Der er allerede en måling på den dato."),
            ),
            *date_constraints("measurement", "date"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d-%m-%Y}: {self.value}"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planlagt")
    IN_PROGRESS = "in_progress", _("I gang")
    DONE = "done", _("Gennemført")
    CANCELLED = "cancelled", _("Opgivet")


class Action(Responsible, models.Model):
    """An action (indsats/handling) serving one or more goals."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "register.Organisation", on_delete=models.CASCADE, related_name="goal_actions"
    )
    estate = models.ForeignKey(
        "register.Estate", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    goals = models.ManyToManyField(Goal, related_name="actions", verbose_name=_("mål"))
    title = models.CharField(_("titel"), max_length=200)
    responsible = models.CharField(
        _("ekstern ansvarlig"),
        max_length=200,
        blank=True,
        help_text=_(
            "Kun hvis den ansvarlige ikke er en person eller et organ i organisationen, "
            "fx en entreprenør eller kommunen."
        ),
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="goal_actions",
        verbose_name=_("ansvarlig person"),
    )
    responsible_body = models.ForeignKey(
        "register.Body",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ansvarligt organ"),
    )
    start = models.DateField(_("start"), null=True, blank=True, validators=[validate_date_bounds])
    due = models.DateField(_("frist"), null=True, blank=True, validators=[validate_date_bounds])
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    budget_dkk = models.DecimalField(
        _("budget (kr.)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # The decision that created the action (decision 0029: ``lib.decisions``).
    decision_id = models.UUIDField(_("besluttet ved"), null=True, blank=True)

    class Meta:
        ordering = ["due", "title"]
        verbose_name = _("indsats")
        verbose_name_plural = _("indsatser")
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True)
                | Q(due__isnull=True)
                | Q(due__gte=models.F("start")),
                name="action_dates_ordered",
                violation_error_message=_("Fristen skal ligge efter starten."),
            ),
            models.CheckConstraint(
                condition=Q(budget_dkk__isnull=True) | Q(budget_dkk__gte=0),
                name="action_budget_not_negative",
                violation_error_message=_("Budgettet kan ikke være negativt."),
            ),
            *date_constraints("action", "start", "due", nullable=("start", "due")),
        ]
        indexes = [
            models.Index(
                fields=["decision_id"],
                condition=Q(decision_id__isnull=False),
                name="action_decision",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: dt.date) -> bool:
        return (
            self.due is not None
            and self.due < today
            and self.status in {ActionStatus.PLANNED, ActionStatus.IN_PROGRESS}
        )


class ReviewAssessment(models.TextChoices):
    ON_TRACK = "on_track", _("På rette spor")
    AT_RISK = "at_risk", _("Udfordret")
    OFF_TRACK = "off_track", _("Ikke på rette spor")


class Review(models.Model):
    """Status/selvevaluering: what worked, what did not, what we change."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="reviews")
    date = models.DateField(_("dato"), validators=[validate_date_bounds])
    assessment = models.CharField(_("vurdering"), max_length=10, choices=ReviewAssessment.choices)
    worked = models.TextField(
        _("hvad virkede"), blank=True, max_length=SHORT_TEXT, validators=text_validators(SHORT_TEXT)
    )
    did_not_work = models.TextField(
        _("hvad virkede ikke"),
        blank=True,
        max_length=SHORT_TEXT,
        validators=text_validators(SHORT_TEXT),
    )
    change = models.TextField(
        _("hvad ændrer vi"),
        blank=True,
        max_length=SHORT_TEXT,
        validators=text_validators(SHORT_TEXT),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["goal_id", "-date"]
        verbose_name = _("status")
        verbose_name_plural = _("statusser")
        constraints = [
            *date_constraints("review", "date"),
            *text_constraints(
                "review", dict.fromkeys(["worked", "did_not_work", "change"], SHORT_TEXT)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal} {self.date:%d-%m-%Y}"


class RequestKey(models.Model):
    """A create that was asked for once: the form token of a goal form or the
    ``Idempotency-Key`` of an API call. A second request with the same key answers with
    the first one's result instead of creating again (a double click, a retry)."""

    owner = models.CharField(max_length=60)  # "user:<id>" or "token:<id>"
    purpose = models.CharField(max_length=40)  # e.g. "goal_create", "action_create"
    key = models.CharField(max_length=100)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "purpose", "key"], name="request_key_once_per_owner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.key}"
