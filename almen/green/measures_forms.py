"""Forms for green measures, residents' involvement and a measure's photo. The fields
parse (decimal comma, dates) with Danish messages; the rules are the services'
(``measures_services``), whose errors the views put on the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from almen.attachments.validation import accept_for
from almen.goals.forms import DATE, StyledForm
from almen.green import measures_services as services
from almen.green.measures_attachments import PHOTO_TYPES
from almen.green.models import GreenMeasure, InvolvementKind, MeasureKind
from almen.lib import bounds
from almen.lib.visibility import Visibility
from almen.register.models import Building, Estate

_NUMBER = {
    "invalid": _("Skriv et tal, fx 120 eller 12,5."),
    "max_digits": _("Tallet er for stort."),
    "max_decimal_places": _("Højst to decimaler."),
    "max_whole_digits": _("Tallet er for stort."),
}


def _decimal(label: Any, *, help_text: Any = "", max_digits: int = 12) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=max_digits,
        decimal_places=2,
        help_text=help_text,
        error_messages=_NUMBER,
    )


def _units_hint() -> str:
    labels = dict(MeasureKind.choices)
    parts = [f"{labels[kind]}: {unit}" for kind, unit in services.SUGGESTED_UNITS.items()]
    return "; ".join(parts)


class MeasureForm(StyledForm, forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=MeasureKind.choices,
        error_messages={
            "required": _("Vælg, hvilken slags tiltag det er."),
            "invalid_choice": _("Vælg, hvilken slags tiltag det er."),
        },
    )
    title = forms.CharField(
        label=_("Titel"),
        max_length=bounds.TITLE,
        error_messages={"required": _("Skriv en titel.")},
    )
    description = forms.CharField(
        label=_("Beskrivelse"),
        required=False,
        max_length=bounds.LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    done_on = forms.DateField(
        label=_("Dato"),
        widget=DATE,
        help_text=_("Hvornår tiltaget blev lavet (eller er planlagt, højst et år frem)."),
        error_messages={"required": _("Angiv datoen."), "invalid": _("Skriv en gyldig dato.")},
    )
    quantity = _decimal(_("Antal eller størrelse"))
    quantity_unit = forms.CharField(
        label=_("Enhed"),
        required=False,
        max_length=20,
        help_text=_("Tom: enheden for typen bruges."),
    )
    area_m2 = _decimal(
        _("Areal (m²)"),
        help_text=_(
            "Tæller med i biodiversitetsarealet for fx blomstereng, grønt tag og regnbed. "
            "Tom: størrelsen bruges, når den er i m²."
        ),
    )
    building: forms.ModelChoiceField[Building] = forms.ModelChoiceField(
        label=_("Bygning"),
        queryset=None,
        required=False,
        empty_label=_("Ingen bestemt bygning"),
        error_messages={
            "invalid_choice": _(
                "Bygningen hører ikke til afdelingen. Vælg en af afdelingens bygninger."
            )
        },
    )
    place = forms.CharField(
        label=_("Sted"),
        required=False,
        max_length=200,
        help_text=_("Fx »gården bag nr. 12«."),
    )
    map_x = _decimal(
        _("Placering på kortet, vandret (procent)"),
        help_text=_("0 er kortets venstre kant, 100 den højre. Tom: ved bygningen."),
        max_digits=5,
    )
    map_y = _decimal(
        _("Placering på kortet, lodret (procent)"),
        help_text=_("0 er kortets øverste kant, 100 den nederste."),
        max_digits=5,
    )
    cost_dkk = _decimal(_("Udgift (kr.)"), max_digits=14)
    expected_saving_kwh = _decimal(_("Forventet besparelse (kWh om året)"), max_digits=14)
    expected_saving_dkk = _decimal(_("Forventet besparelse (kr. om året)"), max_digits=14)
    visibility = forms.ChoiceField(
        label=_("Hvem må se det?"),
        choices=Visibility.choices,
        initial=Visibility.ORGANISATION,
        help_text=_("Offentlig: tiltaget vises på afdelingens offentlige side."),
        error_messages={"invalid_choice": _("Vælg, hvem der må se det.")},
    )

    def __init__(self, *args: Any, estate: Estate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = estate.buildings.order_by("address")  # type: ignore[attr-defined]
        self.fields["quantity_unit"].help_text = _("Tom: enheden for typen bruges (%(units)s).") % {
            "units": _units_hint()
        }

    @classmethod
    def initial_for(cls, measure: GreenMeasure) -> dict[str, Any]:
        return {name: getattr(measure, name) for name in services.MEASURE_FIELDS}


class InvolvementForm(StyledForm, forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=InvolvementKind.choices,
        error_messages={"invalid_choice": _("Vælg, hvilken slags inddragelse det var.")},
    )
    title = forms.CharField(
        label=_("Titel"), max_length=bounds.TITLE, error_messages={"required": _("Skriv en titel.")}
    )
    held_on = forms.DateField(
        label=_("Dato"),
        widget=DATE,
        error_messages={"required": _("Angiv datoen."), "invalid": _("Skriv en gyldig dato.")},
    )
    participants = forms.IntegerField(
        label=_("Deltagere"),
        min_value=0,
        max_value=services.MAX_PARTICIPANTS,
        error_messages={
            "required": _("Angiv, hvor mange der deltog."),
            "invalid": _("Skriv et helt tal."),
            "min_value": _("Antal deltagere kan ikke være negativt."),
            "max_value": _("Antal deltagere er for stort."),
        },
    )
    households = forms.IntegerField(
        label=_("Husstande"),
        required=False,
        min_value=0,
        max_value=services.MAX_PARTICIPANTS,
        error_messages={
            "invalid": _("Skriv et helt tal."),
            "min_value": _("Antal husstande kan ikke være negativt."),
            "max_value": _("Antal husstande er for stort."),
        },
    )
    measure: forms.ModelChoiceField[GreenMeasure] = forms.ModelChoiceField(
        label=_("Tiltag"),
        queryset=None,
        required=False,
        empty_label=_("Intet bestemt tiltag"),
        error_messages={"invalid_choice": _("Vælg et af afdelingens tiltag.")},
    )
    notes = forms.CharField(
        label=_("Noter"),
        required=False,
        max_length=bounds.SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    visibility = forms.ChoiceField(
        label=_("Hvem må se det?"),
        choices=Visibility.choices,
        initial=Visibility.ORGANISATION,
        error_messages={"invalid_choice": _("Vælg, hvem der må se det.")},
    )

    def __init__(self, *args: Any, estate: Estate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = GreenMeasure.objects.filter(estate=estate).order_by(  # type: ignore[attr-defined]
            "-done_on", "-id"
        )

    @classmethod
    def initial_for(cls, entry: Any) -> dict[str, Any]:
        return {name: getattr(entry, name) for name in services.INVOLVEMENT_FIELDS}


class PhotoForm(StyledForm, forms.Form):
    file = forms.FileField(
        label=_("Foto"),
        help_text=_("JPEG, PNG eller WebP."),
        error_messages={
            "required": _("Vælg det foto, du vil lægge op."),
            "empty": _("Filen er tom."),
            "invalid": _("Der kom ingen fil med. Vælg filen igen."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": accept_for(PHOTO_TYPES)}),
    )
    alt_text = forms.CharField(
        label=_("Beskriv fotoet"),
        max_length=300,
        help_text=_(
            "Det, en skærmlæser læser op i stedet for billedet, fx »Blomstereng med "
            "valmuer foran blok 3«."
        ),
        error_messages={"required": _("Skriv, hvad fotoet viser (til skærmlæsere).")},
    )
