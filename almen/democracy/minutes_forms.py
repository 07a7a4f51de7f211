"""Forms of the minutes and the decision register (DKFDS markup via _fields.html)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from almen.democracy.minutes_services import (
    MAX_VOTES,
    READERS_BOARD,
    READERS_PUBLIC,
    READERS_RESIDENTS,
)
from almen.democracy.models import MINUTES_TEXT, Forum, Outcome
from almen.lib.bounds import LONG_TEXT, SHORT_TEXT, TITLE, validate_date_bounds
from almen.register.models import Estate

DATE = forms.DateInput(attrs={"type": "date", "class": "form-input"}, format="%Y-%m-%d")


class MinutesForm(forms.Form):
    text = forms.CharField(
        label=_("Referat"),
        max_length=MINUTES_TEXT,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 30, "class": "form-input"}),
        help_text=_(
            "En linje, der begynder med »# «, bliver en overskrift. Linjer, der begynder "
            "med »- «, bliver punkter. En tom linje skiller afsnit."
        ),
    )


class PublishForm(forms.Form):
    reason = forms.CharField(
        label=_("Begrundelse for, at referatet kommer for sent"),
        required=False,
        max_length=SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-input"}),
    )


def _votes_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_VOTES,
        widget=forms.NumberInput(attrs={"class": "form-input input-width-xs", "min": 0}),
    )


class DecisionForm(forms.Form):
    """A decision made outside a meeting in Almen. At an estate: the estate board's or
    an earlier afdelingsmøde's; at the organisation: its board's or council's."""

    forum = forms.ChoiceField(label=_("Besluttet af"))
    decided_on = forms.DateField(label=_("Dato"), widget=DATE, validators=[validate_date_bounds])
    title = forms.CharField(
        label=_("Overskrift"),
        max_length=TITLE,
        widget=forms.TextInput(attrs={"class": "form-input"}),
    )
    text = forms.CharField(
        label=_("Beslutning"),
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-input"}),
        help_text=_("Hvad blev besluttet, og eventuelt hvorfor."),
    )
    outcome = forms.ChoiceField(
        label=_("Resultat"),
        required=False,
        choices=[
            ("", _("– ikke angivet –")),
            (Outcome.ADOPTED, Outcome.ADOPTED.label),
            (Outcome.REJECTED, Outcome.REJECTED.label),
            (Outcome.NOTED, Outcome.NOTED.label),
        ],
    )
    votes_for = _votes_field(_("Stemmer for"))
    votes_against = _votes_field(_("Stemmer imod"))
    votes_blank = _votes_field(_("Blanke stemmer"))
    readers = forms.ChoiceField(label=_("Hvem må læse beslutningen?"))

    def __init__(self, *args: Any, estate: Estate | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        forum = cast(forms.ChoiceField, self.fields["forum"])
        readers = cast(forms.ChoiceField, self.fields["readers"])
        if estate is not None:
            forum.choices = [
                (Forum.ESTATE_BOARD, Forum.ESTATE_BOARD.label),
                (Forum.RESIDENTS_MEETING, _("Afdelingsmødet (et tidligere møde)")),
            ]
            readers.choices = [
                (READERS_BOARD, _("Kun bestyrelserne og administrationen")),
                (READERS_RESIDENTS, _("Også afdelingens beboere")),
                (READERS_PUBLIC, _("Alle (offentlig)")),
            ]
            readers.initial = READERS_RESIDENTS
        else:
            forum.choices = [
                (Forum.ORGANISATION_BOARD, Forum.ORGANISATION_BOARD.label),
                (Forum.REPRESENTATIVE_COUNCIL, Forum.REPRESENTATIVE_COUNCIL.label),
            ]
            readers.choices = [
                (READERS_BOARD, _("Kun bestyrelsen og administrationen")),
                (READERS_PUBLIC, _("Alle (offentlig)")),
            ]
            readers.initial = READERS_BOARD
        for name in ("forum", "outcome", "readers"):
            cast(forms.ChoiceField, self.fields[name]).error_messages["invalid_choice"] = _(
                "»%(value)s« findes ikke. Vælg en af mulighederne på listen."
            )


class RegisterFilterForm(forms.Form):
    """The register's filters (GET): estate (organisation only), forum, year."""

    estate = forms.TypedChoiceField(label=_("Afdeling"), required=False, coerce=int)
    forum = forms.ChoiceField(
        label=_("Besluttet af"),
        required=False,
        choices=[("", _("Alle")), *Forum.choices],
    )
    year = forms.IntegerField(
        label=_("År"),
        required=False,
        min_value=1900,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-input input-width-xs"}),
    )

    def __init__(self, *args: Any, estates: list[Estate] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if estates is None:
            del self.fields["estate"]
        else:
            cast(forms.TypedChoiceField, self.fields["estate"]).choices = [
                ("", _("Alle afdelinger")),
                *[(e.pk, f"{e.number} {e.name}") for e in estates],
            ]
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = _(
                    "»%(value)s« findes ikke. Vælg en af mulighederne på listen."
                )

    def filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
