"""Forms of proposals and petitions: typed input only; the rules are in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from almen.democracy.proposals_services import ACCEPT, DEFER, REJECT
from almen.lib.bounds import LONG_TEXT, SHORT_TEXT, TITLE


def _title(label: Any, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=TITLE,
        help_text=help_text,
        widget=forms.TextInput(attrs={"class": "form-input"}),
        error_messages={"required": _("Skriv en overskrift.")},
    )


def _textarea(label: Any, limit: int, *, required: bool = True, **kw: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        strip=True,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 8}),
        **kw,
    )


class ProposalForm(forms.Form):
    title = _title(
        _("Overskrift"),
        _("Kort og klart, fx »Cykelskur ved blok 3«. Den står på dagsordenen."),
    )
    text = _textarea(
        _("Forslag og begrundelse"),
        LONG_TEXT,
        help_text=_(
            "Skriv, hvad du foreslår, at afdelingsmødet beslutter, og hvorfor. Skriv gerne, "
            "hvad det koster, hvis du ved det. Bestyrelsen kan spørge dig, hvis noget er uklart."
        ),
        error_messages={"required": _("Skriv forslaget og begrundelsen.")},
    )


class HandleForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Bestyrelsens beslutning"),
        choices=[
            (ACCEPT, _("Sæt forslaget på dagsordenen")),
            (REJECT, _("Afvis forslaget")),
            (DEFER, _("Gem forslaget til næste møde")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg, hvad bestyrelsen gør med forslaget.")},
    )
    comment = _textarea(
        _("Bestyrelsens bemærkning"),
        SHORT_TEXT,
        required=False,
        help_text=_(
            "Vises på forslaget og sendes til forslagsstilleren. Skal udfyldes, når I "
            "afviser, og når et forslag, der kom for sent, alligevel kommer på dagsordenen."
        ),
    )


class AmendmentForm(forms.Form):
    proposer_name = forms.CharField(
        label=_("Forslagsstiller"),
        max_length=TITLE,
        widget=forms.TextInput(attrs={"class": "form-input"}),
        help_text=_("Navnet kommer med i referatet."),
        error_messages={"required": _("Skriv forslagsstillerens navn.")},
    )
    text = _textarea(
        _("Ændringsforslag"),
        SHORT_TEXT,
        error_messages={"required": _("Skriv ændringsforslaget.")},
    )


class PetitionForm(forms.Form):
    topic = _title(
        _("Hvad skal mødet handle om?"),
        _("Emnet kommer på dagsordenen for det ekstraordinære møde, fx »Vaskeriets åbningstider«."),
    )
    text = _textarea(
        _("Hvad skal mødet behandle?"),
        LONG_TEXT,
        help_text=_(
            "Forklar, hvad I ønsker, at afdelingsmødet tager stilling til, og hvorfor det ikke "
            "kan vente til det næste ordinære møde."
        ),
        error_messages={"required": _("Skriv, hvad mødet skal behandle og hvorfor.")},
    )
