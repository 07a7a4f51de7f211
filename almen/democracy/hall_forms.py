"""Forms of the meeting in the hall. They check types and bounds; the rules (the roll,
proxies, votes present) are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from almen.democracy.hall_services import PROXY_CAP_MAX, VOTE_OUTCOMES, VOTES_MAX
from almen.democracy.models import Candidate, CandidatePost, Decision
from almen.lib.bounds import TITLE


class CheckinForm(forms.Form):
    household = forms.UUIDField(widget=forms.HiddenInput)
    residents = forms.MultipleChoiceField(
        label=_("Hvem fra husstanden er mødt op?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Valgfrit. Bruges kun til statistik over fremmødet."),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        field = self.fields["residents"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = choices or []


class ProxyForm(forms.Form):
    holder = forms.UUIDField(widget=forms.HiddenInput)
    represented = forms.UUIDField(widget=forms.HiddenInput)
    shown = forms.BooleanField(
        label=_("Den skriftlige fuldmagt er vist ved indgangen"), required=False
    )


def _votes(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=VOTES_MAX,
        widget=forms.NumberInput(
            attrs={"inputmode": "numeric", "class": "form-input input-width-xs"}
        ),
        error_messages={
            "invalid": _("Skriv et helt tal."),
            "min_value": _("Stemmetal kan ikke være negative."),
            "max_value": _("Tallet er for stort."),
        },
    )


class VoteForm(forms.Form):
    votes_for = _votes(_("For"))
    votes_against = _votes(_("Imod"))
    votes_blank = _votes(_("Blanke"))
    outcome = forms.ChoiceField(
        label=_("Resultat"),
        choices=[("", _("Efter stemmetallene (flertal for eller imod)"))]
        + [(o.value, o.label) for o in VOTE_OUTCOMES],
        widget=forms.RadioSelect,
        required=False,
        help_text=_("Vedtaget kræver flere stemmer for end imod. Blanke stemmer tæller ikke med."),
    )


class CandidateForm(forms.Form):
    name = forms.CharField(label=_("Kandidatens navn"), max_length=TITLE)
    post = forms.ChoiceField(label=_("Stiller op til"), choices=CandidatePost.choices)


class ElectionForm(forms.Form):
    """One number field per candidate (``votes_<id>``) and who was elected."""

    elected = forms.MultipleChoiceField(
        label=_("Valgt"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, candidates: list[Candidate], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.candidates = candidates
        for c in candidates:
            self.fields[f"votes_{c.pk}"] = _votes(_("Stemmer til %(name)s") % {"name": c.name})
        elected = self.fields["elected"]
        assert isinstance(elected, forms.MultipleChoiceField)
        elected.choices = [(str(c.pk), c.name) for c in candidates]

    def votes(self) -> dict[int, int | None]:
        return {c.pk: self.cleaned_data.get(f"votes_{c.pk}") for c in self.candidates}

    def elected_ids(self) -> list[int]:
        return [int(v) for v in self.cleaned_data.get("elected", [])]


class DecisionChoiceField(forms.ModelChoiceField[Decision]):
    def label_from_instance(self, obj: Decision) -> str:
        return f"{obj.decided_on:%d-%m-%Y}: {obj.title}"


class EstateRulesForm(forms.Form):
    proxies_allowed = forms.BooleanField(label=_("Fuldmagter er tilladt"), required=False)
    proxy_cap = forms.IntegerField(
        label=_("Fuldmagter pr. husstand"),
        help_text=_("Hvor mange andre husstande én husstand højst må stemme for."),
        min_value=1,
        max_value=PROXY_CAP_MAX,
        initial=1,
        widget=forms.NumberInput(
            attrs={"inputmode": "numeric", "class": "form-input input-width-xs"}
        ),
    )
    proxy_decision = DecisionChoiceField(
        label=_("Afdelingsmødets beslutning om fuldmagter"),
        queryset=Decision.objects.none(),
        required=False,
        to_field_name="public_id",
        empty_label=_("(ingen valgt)"),
        help_text=_("Fuldmagter kræver en beslutning fra afdelingsmødet."),
    )
    two_ordinary_meetings = forms.BooleanField(
        label=_("To ordinære afdelingsmøder om året (budget og regnskab)"), required=False
    )

    def __init__(self, *args: Any, estate_id: int, **kw: Any) -> None:
        super().__init__(*args, **kw)
        field = self.fields["proxy_decision"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Decision.objects.filter(estate_id=estate_id).order_by("-decided_on", "-id")
