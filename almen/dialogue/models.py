"""Styringsdialog: the yearly dialogue between a municipality and a housing
organisation with homes in it (almenboligloven). One dialogue per organisation,
municipality and year; the agreements made at the meeting are followed up during the
year and may name the local goal (with its indicators) they serve."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from almen.lib.bounds import LONG_TEXT, SHORT_TEXT, text_constraints, text_validators


class DialogueStatus(models.TextChoices):
    PLANNED = "planned", _("Planlagt")
    HELD = "held", _("Afholdt")
    CLOSED = "closed", _("Afsluttet")


class DialogueQuerySet(models.QuerySet["Dialogue"]):
    def for_list(self) -> DialogueQuerySet:
        """What a list row shows, in a fixed number of queries."""
        # Meta.ordering is not applied to aggregating queries: order explicitly.
        return (
            self.select_related("organisation", "municipality")
            .annotate(agreement_count=models.Count("agreements"))
            .order_by("-year", "municipality__name", "organisation__name", "pk")
        )


class Dialogue(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "register.Organisation",
        on_delete=models.CASCADE,
        related_name="dialogues",
        verbose_name=_("boligorganisation"),
    )
    municipality = models.ForeignKey(
        "register.Municipality",
        on_delete=models.PROTECT,
        related_name="dialogues",
        verbose_name=_("kommune"),
    )
    year = models.PositiveSmallIntegerField(_("år"))
    meeting_date = models.DateField(_("mødedato"), null=True, blank=True)
    meeting_place = models.CharField(_("mødested"), max_length=200, blank=True)
    participants = models.TextField(
        _("deltagere"),
        blank=True,
        max_length=SHORT_TEXT,
        validators=text_validators(SHORT_TEXT),
        help_text=_("Én deltager pr. linje: navn – rolle – part (fx kommunen)."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DialogueStatus.choices, default=DialogueStatus.PLANNED
    )
    minutes_summary = models.TextField(
        _("referat (resumé)"),
        blank=True,
        max_length=LONG_TEXT,
        validators=text_validators(LONG_TEXT),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DialogueQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "municipality__name", "organisation__name"]
        verbose_name = _("styringsdialog")
        verbose_name_plural = _("styringsdialoger")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "municipality", "year"],
                name="dialogue_one_per_year",
                violation_error_message=_(
                    "Der er allerede en styringsdialog for organisationen og kommunen det år."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="dialogue_year_sane",
                violation_error_message=_("Året skal ligge mellem 2000 og 2100."),
            ),
            models.CheckConstraint(
                condition=Q(status=DialogueStatus.PLANNED) | Q(meeting_date__isnull=False),
                name="dialogue_held_has_date",
                violation_error_message=_("Et afholdt eller afsluttet møde skal have en dato."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=DialogueStatus.values),
                name="dialogue_status_valid",
                violation_error_message=_("Vælg en gyldig status."),
            ),
            *text_constraints(
                "dialogue", {"participants": SHORT_TEXT, "minutes_summary": LONG_TEXT}
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.municipality} {self.year}"

    def participant_rows(self) -> list[dict[str, str]]:
        """The participants text as rows: "navn – rolle – part", one per line."""
        rows = []
        for line in self.participants.splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace(" - ", " – ").split("–")]
            parts += [""] * (3 - len(parts))
            rows.append({"name": parts[0], "role": parts[1], "side": " – ".join(parts[2:]).strip()})
        return rows


class ResponsibleParty(models.TextChoices):
    ORGANISATION = "organisation", _("Boligorganisationen")
    MUNICIPALITY = "municipality", _("Kommunen")
    BOTH = "both", _("Begge parter")


class FollowUpStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Ikke påbegyndt")
    IN_PROGRESS = "in_progress", _("I gang")
    DONE = "done", _("Gennemført")
    DROPPED = "dropped", _("Opgivet")


OPEN_STATUSES = frozenset({FollowUpStatus.NOT_STARTED, FollowUpStatus.IN_PROGRESS})


class Agreement(models.Model):
    """An agreement (aftale) made in a styringsdialog, optionally serving a local goal."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="agreements")
    title = models.CharField(_("aftale"), max_length=200)
    description = models.TextField(
        _("beskrivelse"), blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT)
    )
    goal = models.ForeignKey(
        "goals.Goal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dialogue_agreements",
        verbose_name=_("lokalt mål"),
        help_text=_("Det mål med indikatorer, som aftalen følges op med (valgfrit)."),
    )
    responsible_party = models.CharField(
        _("ansvarlig part"),
        max_length=12,
        choices=ResponsibleParty.choices,
        default=ResponsibleParty.ORGANISATION,
    )
    responsible_person = models.CharField(_("ansvarlig person"), max_length=200, blank=True)
    due = models.DateField(_("frist"), null=True, blank=True)
    follow_up_status = models.CharField(
        _("opfølgning"),
        max_length=12,
        choices=FollowUpStatus.choices,
        default=FollowUpStatus.NOT_STARTED,
    )
    follow_up_note = models.TextField(
        _("note om opfølgning"),
        blank=True,
        max_length=SHORT_TEXT,
        validators=text_validators(SHORT_TEXT),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["dialogue_id", "due", "title"]
        verbose_name = _("aftale")
        verbose_name_plural = _("aftaler")
        constraints = [
            models.CheckConstraint(
                condition=Q(responsible_party__in=ResponsibleParty.values),
                name="agreement_party_valid",
                violation_error_message=_("Vælg, hvem der er ansvarlig for aftalen."),
            ),
            models.CheckConstraint(
                condition=Q(follow_up_status__in=FollowUpStatus.values),
                name="agreement_follow_up_valid",
                violation_error_message=_("Vælg en gyldig status for opfølgningen."),
            ),
            models.CheckConstraint(
                condition=~Q(follow_up_status=FollowUpStatus.DROPPED) | ~Q(follow_up_note=""),
                name="agreement_dropped_has_reason",
                violation_error_message=_("Skriv i noten, hvorfor aftalen er opgivet."),
            ),
            *text_constraints(
                "agreement", {"description": LONG_TEXT, "follow_up_note": SHORT_TEXT}
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: dt.date) -> bool:
        return self.due is not None and self.due < today and self.follow_up_status in OPEN_STATUSES
