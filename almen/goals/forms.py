from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.formats import number_format
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from almen.accounts.models import User
from almen.goals.models import (
    Action,
    Commitment,
    Framework,
    Frequency,
    Goal,
    Indicator,
    IndicatorSource,
    Prerequisite,
    Review,
)
from almen.goals.responsible import bodies_of, people_of, person_label
from almen.goals.services import INDICATOR_FIELDS
from almen.lib import decisions, metrics, tabular
from almen.lib.bounds import validate_date_bounds
from almen.register.models import Body, Estate, Municipality, Region

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _code_and_text(item: Commitment | Prerequisite) -> str:
    return f"{item.code} {item.tr('text')}"


class StyledForm:
    """Det Fælles Designsystem's classes on every input (selects and checkboxes are
    rendered by the template)."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()

    def style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(
                widget,
                forms.Textarea
                | forms.TextInput
                | forms.DateInput
                | forms.NumberInput
                | forms.EmailInput
                | forms.URLInput,
            ):
                widget.attrs.setdefault("class", "form-input")
            if isinstance(field, forms.DecimalField):
                # Text, not number: a number input refuses the decimal comma.
                field.widget = forms.TextInput(
                    attrs={"class": "form-input", "inputmode": "decimal"}
                )
                field.localize = True


class ResponsibleChoice:
    """ "Ansvarlig" as a choice among the organisation's people and bodies
    (``goals.responsible``), with the free text kept for parties outside it. The choice
    becomes ``responsible_user`` or ``responsible_body`` in ``cleaned_data``."""

    fields: dict[str, forms.Field]
    instance: Any
    cleaned_data: dict[str, Any]

    if TYPE_CHECKING:

        def add_error(self, field: str | None, error: Any) -> None: ...

    def setup_responsible(self, organisation: Any) -> None:
        self._people = {u.pk: u for u in people_of(organisation.pk)}
        self._bodies = {b.pk: b for b in bodies_of(organisation.pk)}
        current_user = getattr(self.instance, "responsible_user", None)
        current_body = getattr(self.instance, "responsible_body", None)
        if current_user is not None and current_user.pk not in self._people:
            self._people[current_user.pk] = current_user
        people = [
            (f"person:{pk}", person_label(u) if u.name else u.email)
            for pk, u in self._people.items()
        ]
        bodies = [(f"body:{pk}", str(b)) for pk, b in self._bodies.items()]
        field = cast(forms.ChoiceField, self.fields["responsible_choice"])
        field.choices = [
            ("", gettext("– ingen i organisationen (evt. en ekstern part nedenfor) –")),
            (gettext("Personer"), people),
            (gettext("Organer"), bodies),
        ]
        if current_user is not None:
            cast(Any, self).initial.setdefault("responsible_choice", f"person:{current_user.pk}")
        elif current_body is not None and current_body.organisation_id == organisation.pk:
            cast(Any, self).initial.setdefault("responsible_choice", f"body:{current_body.pk}")

    def clean_responsible_fields(self, data: dict[str, Any]) -> None:
        choice = data.pop("responsible_choice", "") or ""
        kind, _sep, pk = choice.partition(":")
        user: User | None = self._people.get(int(pk)) if kind == "person" else None
        body: Body | None = self._bodies.get(int(pk)) if kind == "body" else None
        data["responsible_user"], data["responsible_body"] = user, body
        if (user or body) and data.get("responsible"):
            self.add_error(
                "responsible",
                _(
                    "Du har valgt en ansvarlig i organisationen. Lad »Ekstern ansvarlig« stå "
                    "tom, eller vælg »ingen i organisationen« ovenfor."
                ),
            )


def responsible_choice_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Ansvarlig"),
        required=False,
        help_text=_(
            "En person eller et organ i organisationen. Den ansvarlige ser det under "
            "»Mine indsatser« og får påmindelser."
        ),
    )


class DecisionChoice:
    """ "Vedtaget ved" as a choice among the decisions of the decision register the
    person may see (``lib.decisions``, decision 0029), the text reference kept as the
    fallback. Without a register (or decisions to choose) the field is left out, and
    a goal's or action's current choice is kept."""

    fields: dict[str, forms.Field]
    instance: Any

    def setup_decision(self, principal: Any, organisation_id: int, estate_id: int | None) -> None:
        refs = decisions.choices(principal, organisation_id, estate_id) if principal else []
        current = getattr(self.instance, "decision_id", None)
        choices: list[tuple[str, str]] = [
            (str(r.public_id), f"{r.title} – {r.decided_on:%d-%m-%Y} – {r.forum}") for r in refs
        ]
        if current is not None and str(current) not in dict(choices):
            choices.append((str(current), gettext("Den nuværende beslutning")))
        if not choices:
            del self.fields["decision_id"]
            return
        field = cast(forms.TypedChoiceField, self.fields["decision_id"])
        field.choices = [("", gettext("– ingen beslutning i registret –")), *choices]
        field.error_messages["invalid_choice"] = _(
            "Beslutningen findes ikke blandt dem, du kan vælge. Vælg en på listen."
        )


def decision_choice_field(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        required=False,
        coerce=uuid.UUID,
        empty_value=None,
        help_text=_(
            "Beslutningen i beslutningsregistret. Findes den ikke der, så skriv en "
            "henvisning i feltet »Beslutning«."
        ),
    )


class GoalForm(DecisionChoice, ResponsibleChoice, StyledForm, forms.ModelForm):
    form_token = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    estate = forms.ModelChoiceField(
        queryset=Estate.objects.none(),
        required=False,
        label=_("Afdeling"),
        empty_label=_("Hele organisationen"),
    )
    responsible_choice = responsible_choice_field()
    decision_id = decision_choice_field(_("Vedtaget ved"))

    class Meta:
        model = Goal
        fields = [
            "title",
            "estate",
            "commitments",
            "prerequisites",
            "local_context",
            "responsible",
            "period_start",
            "period_end",
            "status",
            "adopted_by",
            "adopted_on",
            "decision_id",
            "decision_reference",
            "visibility",
            "review_interval_months",
        ]
        widgets = {
            "commitments": forms.CheckboxSelectMultiple,
            "prerequisites": forms.CheckboxSelectMultiple,
            "period_start": DATE,
            "period_end": DATE,
            "adopted_on": DATE,
            "local_context": forms.Textarea(attrs={"rows": 4}),
        }

    field_order = [
        *Meta.fields[: Meta.fields.index("responsible")],
        "responsible_choice",
        *Meta.fields[Meta.fields.index("responsible") :],
    ]

    def __init__(
        self,
        *args: Any,
        organisation: Any,
        estates: Any,
        framework: Any,
        org_level: bool,
        principal: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # The body that adopted the goal: the organisation's own bodies and its estates'.
        adopted_by = cast(forms.ModelChoiceField, self.fields["adopted_by"])
        adopted_by.queryset = Body.objects.filter(organisation=organisation).select_related(
            "organisation", "estate"
        )
        adopted_by.empty_label = _("– ikke angivet –")
        estate = cast(forms.ModelChoiceField, self.fields["estate"])
        estate.queryset = estates
        if not org_level:
            estate.required = True
            estate.empty_label = None
        commitments = cast(forms.ModelMultipleChoiceField, self.fields["commitments"])
        commitments.queryset = Commitment.objects.filter(
            cornerstone__framework=framework
        ).select_related("cornerstone")
        commitments.label_from_instance = _code_and_text  # type: ignore[method-assign,assignment]
        prerequisites = cast(forms.ModelMultipleChoiceField, self.fields["prerequisites"])
        prerequisites.queryset = Prerequisite.objects.filter(framework=framework)
        prerequisites.label_from_instance = _code_and_text  # type: ignore[method-assign,assignment]
        self.setup_responsible(organisation)
        self.setup_decision(principal, organisation.pk, getattr(self.instance, "estate_id", None))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.clean_responsible_fields(data)
        if not data.get("commitments") and not data.get("prerequisites"):
            self.add_error(None, _("Vælg mindst ét »Derfor vil vi«-punkt eller én forudsætning."))
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("Perioden skal slutte efter, den begynder."))
        return data


class IndicatorForm(StyledForm, forms.ModelForm):
    metric_key = forms.ChoiceField(required=False, label=_("Beregnet tal"))
    milestones = forms.CharField(
        label=_("Delmål"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Én pr. linje: dato og værdi, fx 31-12-2027; 110,5"),
    )

    class Meta:
        model = Indicator
        fields = INDICATOR_FIELDS  # what the service may change, and nothing else
        widgets = {
            "baseline_date": DATE,
            "target_date": DATE,
            "definition": forms.Textarea(attrs={"rows": 3}),
            "method": forms.Textarea(attrs={"rows": 3}),
        }
        localized_fields = ["baseline_value", "target_value", "tolerance"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A computed number brings its own definition, source and method (its metric's
        # registration): say so where they would otherwise be typed.
        for name in ("definition", "data_source", "method"):
            field = self.fields[name]
            field.help_text = format_lazy(
                "{} {}",
                field.help_text,
                _("Beregner Almen tallet, bruges det beregnede tals egen beskrivelse."),
            )
        frequency = cast(forms.TypedChoiceField, self.fields["frequency"])
        frequency.choices = [("", str(_("– ikke angivet –"))), *Frequency.choices]
        frequency.error_messages["invalid_choice"] = _(
            "»%(value)s« findes ikke. Vælg en af mulighederne på listen."
        )
        choices: list[tuple[str, str]] = [("", str(_("– intet –")))]
        choices += [(m.key, f"{m.label} ({m.unit})") for m in metrics.all_metrics()]
        current = self.initial.get("metric_key") or getattr(self.instance, "metric_key", "")
        if current and current not in dict(choices):
            choices.append((current, str(_("%s (findes ikke længere)")) % current))
        cast(forms.ChoiceField, self.fields["metric_key"]).choices = choices
        if self.instance.pk and not self.is_bound:
            self.initial["milestones"] = "\n".join(
                f"{m.date:%d-%m-%Y}; {number_format(m.value.normalize())}"
                for m in self.instance.milestones.all()
            )

    def clean_milestones(self) -> list[tuple[dt.date, Decimal]]:
        """Lines of "date; value" → [(date, value)], with the line named in each error."""
        parsed: list[tuple[dt.date, Decimal]] = []
        for number, line in enumerate(self.cleaned_data["milestones"].splitlines(), start=1):
            if not line.strip():
                continue
            date_text, _sep, value_text = line.partition(";")
            try:
                parsed.append((tabular.parse_date(date_text), tabular.parse_decimal(value_text)))
            except ValueError:
                raise forms.ValidationError(
                    _("Linje %(n)d: skriv dato og værdi adskilt af semikolon, fx 31-12-2027; 110,5")
                    % {"n": number}
                ) from None
        if len({d for d, _v in parsed}) != len(parsed):
            raise forms.ValidationError(_("To delmål har samme dato."))
        return parsed

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source") == IndicatorSource.METRIC and not data.get("metric_key"):
            self.add_error("metric_key", _("Vælg det tal, Almen skal beregne."))
        start, end = data.get("baseline_date"), data.get("target_date")
        for day, _value in data.get("milestones") or []:
            if start and end and not start < day < end:
                self.add_error(
                    "milestones", _("Delmål skal ligge mellem udgangspunktet og måldatoen.")
                )
                break
        return data


class MeasurementForm(StyledForm, forms.Form):
    date = forms.DateField(label=_("Dato"), widget=DATE, validators=[validate_date_bounds])
    value = forms.DecimalField(label=_("Værdi"), max_digits=14, decimal_places=3, localize=True)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    evidence_url = forms.URLField(
        label=_("Dokumentation (link)"), required=False, assume_scheme="https"
    )


class MeasurementImportForm(StyledForm, forms.Form):
    file = forms.FileField(
        label=_("Fil med målinger (CSV eller XLSX)"),
        help_text=_(
            "Kolonner: dato, værdi og evt. note og dokumentation. "
            "Datoer som 31-12-2025, tal med komma som 72,5."
        ),
    )


class ActionForm(DecisionChoice, ResponsibleChoice, StyledForm, forms.ModelForm):
    responsible_choice = responsible_choice_field()
    decision_id = decision_choice_field(_("Besluttet ved"))

    class Meta:
        model = Action
        fields = ["title", "responsible", "start", "due", "status", "budget_dkk", "decision_id"]
        widgets = {"start": DATE, "due": DATE}
        localized_fields = ["budget_dkk"]

    field_order = ["title", "responsible_choice", "responsible"]

    def __init__(
        self,
        *args: Any,
        organisation: Any,
        principal: Any = None,
        estate_id: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.setup_responsible(organisation)
        self.setup_decision(principal, organisation.pk, estate_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.clean_responsible_fields(data)
        if data.get("start") and data.get("due") and data["due"] < data["start"]:
            self.add_error("due", _("Fristen skal ligge efter starten."))
        return data


class ReviewForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Review
        fields = ["date", "assessment", "worked", "did_not_work", "change"]
        widgets = {
            "date": DATE,
            "worked": forms.Textarea(attrs={"rows": 3}),
            "did_not_work": forms.Textarea(attrs={"rows": 3}),
            "change": forms.Textarea(attrs={"rows": 3}),
        }


class LibraryForm(forms.Form):
    q = forms.CharField(label=_("Søg"), required=False, max_length=100)
    commitment = forms.ChoiceField(label=_("»Derfor vil vi«-punkt"), required=False)
    municipality = forms.ChoiceField(label=_("Kommune"), required=False)
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", _("Alle regioner")), *Region.choices]
    )
    size = forms.ChoiceField(
        label=_("Afdelingens størrelse"),
        required=False,
        choices=[
            ("", _("Alle størrelser")),
            ("small", _("Under 100 boliger")),
            ("medium", _("100–299 boliger")),
            ("large", _("300–999 boliger")),
            ("xlarge", _("1.000 boliger eller flere")),
        ],
    )
    indicator = forms.CharField(label=_("Indikator indeholder"), required=False, max_length=100)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        framework = Framework.objects.current()
        commitments = Commitment.objects.filter(cornerstone__framework=framework)
        cast(forms.ChoiceField, self.fields["commitment"]).choices = [
            ("", gettext("Alle punkter")),
            *[(c.code, f"{c.code} {c.tr('text')[:70]}…") for c in commitments],
        ]
        cast(forms.ChoiceField, self.fields["municipality"]).choices = [
            ("", gettext("Alle kommuner")),
            *Municipality.objects.values_list("code", "name"),
        ]
        for field in self.fields.values():
            if isinstance(field.widget, forms.TextInput):
                field.widget.attrs["class"] = "form-input"


class NationalFilterForm(forms.Form):
    """The national picture's filters (GET): a region and a commitment of the current
    framework; empty means all. Unknown values are refused with a message."""

    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", _("Hele landet")), *Region.choices]
    )
    commitment = forms.ChoiceField(label=_("»Derfor vil vi«-punkt"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        framework = Framework.objects.current()
        commitments = Commitment.objects.filter(cornerstone__framework=framework)
        cast(forms.ChoiceField, self.fields["commitment"]).choices = [
            ("", gettext("Alle punkter")),
            *[(c.code, f"{c.code} {c.tr('text')[:70]}…") for c in commitments],
        ]
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = _(
                "»%(value)s« findes ikke. Vælg en af mulighederne på listen."
            )

    def filters(self) -> dict[str, str]:
        """The valid filters (call after ``is_valid``); an invalid form filters nothing."""
        if not self.is_bound or not self.is_valid():
            return {"region": "", "commitment": ""}
        return {
            "region": self.cleaned_data["region"],
            "commitment": self.cleaned_data["commitment"],
        }
