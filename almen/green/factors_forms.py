"""Forms for emission factors and suppliers. Values may be typed the way declarations
print them (kg CO2e per MWh or GJ, g per kWh) and are stored per base unit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from almen.goals.forms import StyledForm
from almen.green.factors_services import VALUE_MAX, YEAR_MAX, YEAR_MIN
from almen.green.models import EnergyKind, PriceArea, Supplier
from almen.register.models import Municipality

# How a value may be typed, and what to multiply by for kg CO2e per base unit.
PER_BASE = "base"
PER_CHOICES = [
    (PER_BASE, _("kg CO2e pr. grundenhed (kWh for varme og el, Nm³ gas, m³ vand, liter olie)")),
    ("MWh", _("kg CO2e pr. MWh")),
    ("GJ", _("kg CO2e pr. GJ")),
    ("g_kWh", _("g CO2e pr. kWh")),
]
TO_BASE = {
    PER_BASE: Decimal(1),
    "MWh": Decimal("0.001"),
    "GJ": Decimal("0.0036"),  # 1 GJ = 277.78 kWh, so per GJ × 3.6 / 1000 = per kWh
    "g_kWh": Decimal("0.001"),
}
KWH_KINDS = {EnergyKind.DISTRICT_HEATING, EnergyKind.ELECTRICITY, EnergyKind.OTHER}

YEAR_MESSAGES = {
    "min_value": _("Året skal ligge mellem 1990 og 2100."),
    "max_value": _("Året skal ligge mellem 1990 og 2100."),
    "invalid": _("Skriv året som fire cifre, fx 2024."),
    "required": _("Skriv året."),
}
VALUE_MESSAGES = {
    "invalid": _("Skriv faktoren som et tal, fx 0,05695."),
    "required": _("Skriv faktoren."),
    "max_digits": _("Faktoren har for mange cifre."),
    "max_decimal_places": _("Faktoren må højst have 6 decimaler."),
    "max_whole_digits": _("Faktoren er for stor."),
}


def kind_choices(blank: bool = False) -> list[tuple[str, Any]]:
    choices: list[tuple[str, Any]] = [(k.value, k.label) for k in EnergyKind]
    return [("", _("Alle")), *choices] if blank else choices


class ValueFields(StyledForm, forms.Form):
    kg_co2e_per_unit = forms.DecimalField(
        label=_("Faktor"),
        max_digits=14,
        decimal_places=6,
        error_messages=VALUE_MESSAGES,
        help_text=_("Med decimalkomma, fx 56,95 kg pr. MWh eller 0,05695 kg pr. kWh."),
    )
    per = forms.ChoiceField(label=_("Enhed"), choices=PER_CHOICES, initial=PER_BASE)
    source = forms.CharField(
        label=_("Kilde"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Skriv hvor tallet kommer fra.")},
    )
    source_url = forms.URLField(
        label=_("Link til kilden"),
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": _("Skriv et gyldigt link, der begynder med https://.")},
    )
    note = forms.CharField(
        label=_("Bemærkning"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Fx at tallet er foreløbigt, eller at et år mangler."),
    )

    def factor_kind(self) -> str:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or self.cleaned_data
        value, per = data.get("kg_co2e_per_unit"), data.get("per")
        kind = self.factor_kind()
        if value is None or per is None or not kind:
            return data
        if per != PER_BASE and kind not in KWH_KINDS:
            self.add_error(
                "per",
                _("MWh, GJ og g pr. kWh passer kun til fjernvarme og el. Vælg grundenheden."),
            )
            return data
        base = (value * TO_BASE[per]).quantize(Decimal("0.000001"))
        if base < 0:
            self.add_error("kg_co2e_per_unit", _("Faktoren kan ikke være negativ."))
        elif base >= VALUE_MAX:
            self.add_error(
                "kg_co2e_per_unit",
                _(
                    "Faktoren skal være under 100 kg CO2e pr. enhed. Har du skrevet "
                    "pr. MWh i stedet for pr. kWh?"
                ),
            )
        elif value > 0 and base == 0:
            self.add_error("kg_co2e_per_unit", _("Faktoren er for lille til at gemme."))
        data["value_base"] = base
        return data


class FactorCreateForm(ValueFields):
    """A new factor: national (sector staff) or an organisation's declaration."""

    field_order = [
        "year",
        "kind",
        "price_area",
        "supplier",
        "kg_co2e_per_unit",
        "per",
        "source",
        "source_url",
        "note",
    ]

    year = forms.IntegerField(
        label=_("År"), min_value=YEAR_MIN, max_value=YEAR_MAX, error_messages=YEAR_MESSAGES
    )
    kind = forms.ChoiceField(
        label=_("Forsyningsart"),
        choices=kind_choices(),
        error_messages={"invalid_choice": _("Vælg en forsyningsart fra listen.")},
    )
    price_area = forms.ChoiceField(
        label=_("Prisområde"),
        required=False,
        choices=[("", _("Hele landet")), *list(PriceArea.choices)],
        help_text=_("Kun for el."),
    )
    supplier = forms.ModelChoiceField(
        label=_("Forsyning"),
        queryset=Supplier.objects.none(),
        required=False,
        empty_label=_("Ingen (gælder hele forsyningsarten)"),
        error_messages={"invalid_choice": _("Vælg en forsyning fra listen.")},
    )

    def __init__(self, *args: Any, suppliers: Any, organisation_owned: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = suppliers  # type: ignore[attr-defined]
        if organisation_owned:
            # An organisation's own factor is always a plant's declaration.
            del self.fields["price_area"]
            self.fields["supplier"].required = True
            self.fields["supplier"].empty_label = None  # type: ignore[attr-defined]
            self.fields["supplier"].error_messages["required"] = _("Vælg forsyningen.")
            self.fields["kind"].initial = EnergyKind.DISTRICT_HEATING

    def factor_kind(self) -> str:
        return str(self.cleaned_data.get("kind") or "")

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or self.cleaned_data
        supplier, kind = data.get("supplier"), data.get("kind")
        if supplier is not None and kind and supplier.kind != kind:
            self.add_error(
                "supplier",
                ValidationError(
                    _("Forsyningen leverer %(supplier_kind)s, men faktoren er for %(kind)s."),
                    params={
                        "supplier_kind": supplier.get_kind_display().lower(),
                        "kind": EnergyKind(kind).label.lower(),
                    },
                ),
            )
        if data.get("price_area") and kind and kind != EnergyKind.ELECTRICITY:
            self.add_error("price_area", _("Kun el har et prisområde."))
        return data


class FactorChangeForm(ValueFields):
    """A new version of a factor: the value, its source and why."""

    reason = forms.CharField(
        label=_("Hvorfor ændres faktoren?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Står i versionshistorikken og i revisionsloggen, fx »Endeligt tal for 2023«."),
        error_messages={"required": _("Skriv hvorfor faktoren ændres.")},
    )

    def __init__(self, *args: Any, factor_kind: str, **kwargs: Any):
        self._kind = factor_kind
        super().__init__(*args, **kwargs)

    def factor_kind(self) -> str:
        return self._kind


class FactorFilterForm(forms.Form):
    """The public list's filter (GET)."""

    year = forms.IntegerField(
        label=_("År"),
        required=False,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        error_messages=YEAR_MESSAGES,
        widget=forms.NumberInput(attrs={"class": "form-input"}),
    )
    kind = forms.ChoiceField(
        label=_("Forsyningsart"),
        required=False,
        choices=kind_choices(blank=True),
        error_messages={"invalid_choice": _("Vælg en forsyningsart fra listen.")},
    )


class SupplierForm(StyledForm, forms.Form):
    name = forms.CharField(
        label=_("Navn"), max_length=200, error_messages={"required": _("Skriv forsyningens navn.")}
    )
    kind = forms.ChoiceField(
        label=_("Forsyningsart"),
        choices=kind_choices(),
        initial=EnergyKind.DISTRICT_HEATING,
        error_messages={"invalid_choice": _("Vælg en forsyningsart fra listen.")},
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Kommuner, forsyningen leverer til"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}),
        error_messages={"invalid_choice": _("Vælg kommuner fra listen.")},
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if editing:
            # Its declarations and meters are of its kind: the kind stays.
            del self.fields["kind"]
