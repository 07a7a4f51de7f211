"""The upload form of grøn drift's imports: what kind of file, the file, and what the
kind needs (the meter of a one-meter readings file; the degree-day series' name)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from almen.green import imports_services as services
from almen.green.models import DegreeDaySeries, Meter
from almen.lib.bounds import SHORT_TEXT
from almen.register.models import Organisation


class MeterChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.name or obj.get_kind_display()
        return f"{obj.number} – {name} ({_('afdeling')} {obj.estate.number}, {obj.unit})"


class GreenUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Hvad indeholder filen?"),
        choices=list(services.KINDS.items()),
        initial=services.READINGS,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("Fil (CSV eller XLSX)"),
        help_text=_(
            "Aflæsninger: dato;aflæsning (tællerstande) eller fra;til;forbrug (forbrug pr. "
            "periode), evt. med kolonnerne målernummer og enhed. Energimærker: bygning; "
            "energimærke; udstedt; udløber; mærkenummer. Graddage: måned;graddage."
        ),
    )
    meter = MeterChoice(
        label=_("Måler"),
        queryset=Meter.objects.none(),
        required=False,
        help_text=_("Kun for aflæsninger fra én måler, når filen ikke har en kolonne målernummer."),
    )
    series = forms.CharField(
        label=_("Graddageserie"),
        max_length=120,
        required=False,
        help_text=_("Kun for graddage: seriens navn, fx »Graddage, Odense (egen måling)«."),
    )
    source = forms.CharField(
        label=_("Kilde til graddagene"),
        max_length=SHORT_TEXT,
        required=False,
        help_text=_("Kun for en ny graddageserie: hvor tallene kommer fra."),
    )
    normal_year = forms.DecimalField(
        label=_("Normalår (graddage)"),
        required=False,
        min_value=Decimal(1),
        max_value=Decimal(9999),
        decimal_places=1,
        max_digits=5,
        help_text=_("Kun for en ny graddageserie: graddage i et normalår, fx 2906 (DMI)."),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["meter"].queryset = (  # type: ignore[attr-defined]
            Meter.objects.filter(estate__organisation=organisation)
            .select_related("estate")
            .order_by("estate__number", "number")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == services.DEGREE_DAYS:
            name = (data.get("series") or "").strip()
            if not name:
                self.add_error("series", _("Giv graddageserien et navn."))
            elif services.series_owned_elsewhere(organisation=self.organisation, name=name):
                self.add_error(
                    "series",
                    _("Serien vedligeholdes af andre. Vælg et nyt navn til jeres egen serie."),
                )
            elif not DegreeDaySeries.objects.filter(name=name).exists():
                if not (data.get("source") or "").strip():
                    self.add_error("source", _("Skriv, hvor graddagene kommer fra."))
                if data.get("normal_year") is None:
                    self.add_error("normal_year", _("Angiv normalårets graddage."))
        return data

    def options(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = data["kind"]
        if kind == services.READINGS and data.get("meter") is not None:
            return {"meter": data["meter"].pk}
        if kind == services.DEGREE_DAYS:
            normal = data.get("normal_year")
            return {
                "series": data["series"].strip(),
                "source": (data.get("source") or "").strip(),
                "normal_year": str(normal) if normal is not None else "",
            }
        return {}
