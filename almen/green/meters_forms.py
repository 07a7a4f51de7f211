"""Forms of the meters part. They only parse what a person typed; the rules are in
``meters_services`` (their ValidationErrors are put back on these forms)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from almen.green.models import (
    EnergyKind,
    EnergyLabelClass,
    Meter,
    MeterMode,
    MeterUnit,
    PriceArea,
    Supplier,
)
from almen.lib.bounds import TITLE, validate_date_bounds
from almen.lib.tabular import AmbiguousNumber, parse_decimal
from almen.register.models import Building, Estate

INPUT = {"class": "form-input"}
VALUE_MAX = Decimal("99999999999999")  # 14 digits before the comma (max_digits 18, 4 after)


def _date(label: Any, *, required: bool = True, **kw: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        validators=[validate_date_bounds],
        widget=forms.DateInput(
            format="%Y-%m-%d", attrs={"type": "date", "class": "form-input input-width-s"}
        ),
        error_messages={"invalid": _("Skriv en gyldig dato."), "required": _("Skriv datoen.")},
        **kw,
    )


def _time(label: Any, **kw: Any) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        widget=forms.TimeInput(
            format="%H:%M", attrs={"type": "time", "class": "form-input input-width-xs"}
        ),
        error_messages={"invalid": _("Skriv et klokkeslæt, fx 08:30.")},
        **kw,
    )


class NumberField(forms.DecimalField):
    """A number as people write it (``lib.tabular.parse_decimal``): ``1.234,5``,
    ``1234,5`` or ``1234.5``; an ambiguous ``1.234`` is refused with a hint."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        try:
            return parse_decimal(value)
        except AmbiguousNumber as exc:
            raise forms.ValidationError(exc.message, code="invalid") from None
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


def _value(label: Any, **kw: Any) -> forms.DecimalField:
    return NumberField(
        label=label,
        min_value=Decimal(0),
        max_value=VALUE_MAX,
        max_digits=18,
        decimal_places=4,
        localize=True,
        widget=forms.TextInput(attrs={"class": "form-input input-width-m", "inputmode": "decimal"}),
        error_messages={
            "invalid": _("Skriv et tal, fx 1234,5."),
            "required": _("Skriv værdien."),
            "min_value": _("Værdien kan ikke være negativ."),
            "max_value": _("Tallet er for stort."),
            "max_digits": _("Tallet har for mange cifre."),
            "max_decimal_places": _("Skriv højst 4 decimaler."),
            "max_whole_digits": _("Tallet er for stort."),
        },
        **kw,
    )


def aware(day: dt.date, time: dt.time | None) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time or dt.time(0, 0)))


class MeterForm(forms.Form):
    number = forms.CharField(
        label=_("Målernummer"),
        max_length=60,
        help_text=_(
            "Nummeret på måleren eller i forsyningens eksport. Det skal være entydigt i afdelingen."
        ),
        widget=forms.TextInput(attrs=INPUT),
        error_messages={"required": _("Skriv målernummeret.")},
    )
    name = forms.CharField(
        label=_("Betegnelse"),
        max_length=TITLE,
        required=False,
        help_text=_("Fx »Fjernvarme, hovedmåler« eller »El, fælleslokaler«."),
        widget=forms.TextInput(attrs=INPUT),
    )
    kind = forms.ChoiceField(label=_("Forsyningsart"), choices=EnergyKind.choices)
    unit = forms.ChoiceField(
        label=_("Enhed"),
        choices=MeterUnit.choices,
        help_text=_(
            "Fjernvarme: kWh, MWh eller GJ. El: kWh eller MWh. Vand: m³ eller liter. Naturgas: Nm³."
        ),
    )
    mode = forms.ChoiceField(
        label=_("Aflæsning"),
        choices=MeterMode.choices,
        initial=MeterMode.CUMULATIVE,
        help_text=_(
            "Tællerstand: måleren tæller op. "
            "Forbrug pr. periode: hver værdi er forbruget i en periode."
        ),
    )
    supplier = forms.ModelChoiceField(
        label=_("Forsyning"),
        queryset=Supplier.objects.none(),
        required=False,
        empty_label=_("Ingen valgt"),
        help_text=_("For fjernvarme: værket, hvis deklaration giver CO2e. Samme art som måleren."),
    )
    price_area = forms.ChoiceField(label=_("Prisområde (el)"), required=False, choices=())
    parent = forms.ModelChoiceField(
        label=_("Hovedmåler"),
        queryset=Meter.objects.none(),
        required=False,
        empty_label=_("Ingen – måleren er en hovedmåler"),
        help_text=_("En bimåler måler en del af hovedmålerens forbrug og tælles ikke med igen."),
    )
    building = forms.ModelChoiceField(
        label=_("Bygning"),
        queryset=Building.objects.none(),
        required=False,
        empty_label=_("Hele afdelingen"),
    )
    installed_on = _date(_("Sat op"), required=False)
    removed_on = _date(_("Taget ned"), required=False)

    def __init__(
        self,
        *args: Any,
        estate: Estate,
        suppliers: Any,
        default_area: str,
        meter: Meter | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = suppliers  # type: ignore[attr-defined]
        self.fields["supplier"].label_from_instance = lambda s: (  # type: ignore[attr-defined]
            f"{s.name} ({s.get_kind_display()})"
        )
        parents = Meter.objects.filter(estate=estate).order_by("kind", "number")
        if meter is not None:
            parents = parents.exclude(pk=meter.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["building"].queryset = Building.objects.filter(  # type: ignore[attr-defined]
            estate=estate
        ).order_by("address")
        default_label = PriceArea(default_area).label
        self.fields["price_area"].choices = [  # type: ignore[attr-defined]
            ("", _("Ud fra kommunen: %(area)s") % {"area": default_label}),
            *PriceArea.choices,
        ]
        self.fields["price_area"].help_text = _(
            "Kun for el. Tom: prisområdet følger kommunens region (her %(area)s)."
        ) % {"area": default_area}


class ReadingForm(forms.Form):
    date = _date(_("Dato"))
    time = _time(_("Klokken"), help_text=_("Tom: kl. 00:00 (døgnets begyndelse)."))
    value = _value(_("Værdi"))
    start_date = _date(_("Periodens start"), required=False)
    start_time = _time(_("Periodens start, klokken"))

    def __init__(self, *args: Any, meter: Meter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = meter.get_unit_display()
        if meter.mode == MeterMode.INTERVAL:
            self.fields["value"].label = _("Forbrug i perioden (%(unit)s)") % {"unit": unit}
            self.fields["start_date"].required = True
            self.fields["date"].label = _("Periodens slutning")
            self.fields["time"].label = _("Periodens slutning, klokken")
        else:
            self.fields["value"].label = _("Tællerstand (%(unit)s)") % {"unit": unit}
            del self.fields["start_date"]
            del self.fields["start_time"]

    def at(self) -> dt.datetime:
        return aware(self.cleaned_data["date"], self.cleaned_data.get("time"))

    def start(self) -> dt.datetime | None:
        day = self.cleaned_data.get("start_date")
        return aware(day, self.cleaned_data.get("start_time")) if day else None


class ExchangeForm(forms.Form):
    date = _date(_("Dato for udskiftningen"))
    time = _time(
        _("Klokken"),
        help_text=_("Tom: kl. 00:00. Skriv klokkeslættet, hvis der også er en aflæsning den dag."),
    )
    old_end = _value(_("Den gamle målers slutstand"))
    new_start = _value(
        _("Den nye målers startstand"), help_text=_("Ofte 0, men skriv det tal, måleren viste.")
    )
    new_number = forms.CharField(
        label=_("Den nye målers nummer"),
        max_length=60,
        required=False,
        help_text=_("Tom: nummeret er det samme som før."),
        widget=forms.TextInput(attrs=INPUT),
    )

    def __init__(self, *args: Any, meter: Meter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = meter.get_unit_display()
        self.fields["old_end"].label = _("Den gamle målers slutstand (%(unit)s)") % {"unit": unit}
        self.fields["new_start"].label = _("Den nye målers startstand (%(unit)s)") % {"unit": unit}

    def on(self) -> dt.datetime:
        return aware(self.cleaned_data["date"], self.cleaned_data.get("time"))


class BuildingForm(forms.Form):
    built_year = forms.IntegerField(
        label=_("Opført år"),
        required=False,
        min_value=1600,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-input input-width-xs"}),
        error_messages={
            "invalid": _("Skriv et årstal, fx 1972."),
            "min_value": _("Skriv et årstal efter 1600."),
            "max_value": _("Skriv et årstal før 2100."),
        },
    )
    heated_area_m2 = NumberField(
        label=_("Opvarmet areal (m²)"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"class": "form-input input-width-s", "inputmode": "decimal"}),
        error_messages={
            "invalid": _("Skriv et tal, fx 2450,5."),
            "min_value": _("Arealet skal være større end 0."),
            "max_digits": _("Tallet er for stort."),
            "max_whole_digits": _("Tallet er for stort."),
            "max_decimal_places": _("Skriv højst 2 decimaler."),
        },
    )


class LabelForm(forms.Form):
    building = forms.ModelChoiceField(
        label=_("Bygning"), queryset=Building.objects.none(), empty_label=None
    )
    label = forms.ChoiceField(label=_("Energimærke"), choices=EnergyLabelClass.choices)
    number = forms.CharField(
        label=_("Mærkenummer"),
        max_length=40,
        required=False,
        help_text=_("Nummeret fra Energistyrelsens energimærke."),
        widget=forms.TextInput(attrs={"class": "form-input input-width-m"}),
    )
    issued_on = _date(_("Udstedt"))
    expires_on = _date(_("Udløber"), help_text=_("Et energimærke gælder normalt i 10 år."))

    def __init__(self, *args: Any, estate: Estate, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(  # type: ignore[attr-defined]
            estate=estate
        ).order_by("address")
        if editing:
            del self.fields["building"]


class ConfirmForm(forms.Form):
    confirm = forms.CharField(widget=forms.HiddenInput, required=True)
