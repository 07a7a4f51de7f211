"""Forms for running a ballot. They parse what a person typed (types and bounds); the
rules (purposes, times, limits, four eyes) are ``ballots_services``'."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from almen.democracy import ballots_admin_selectors as selectors
from almen.democracy.ballots_services import (
    MAX_OPTIONS,
    SEATS_MAX,
    TERM_YEARS_DEFAULT,
    TERM_YEARS_MAX,
    VISIBILITIES,
)
from almen.democracy.hall_services import VOTES_MAX
from almen.democracy.models import (
    AgendaItem,
    Ballot,
    BallotKind,
    BallotOption,
    BallotPurpose,
    CountChannel,
    Decision,
    Proposal,
)
from almen.lib.bounds import LONG_TEXT, SHORT_TEXT, TITLE, validate_date_bounds
from almen.lib.visibility import Visibility
from almen.register.models import Estate

VISIBILITY_CHOICES = [
    (Visibility.ORGANISATION.value, _("Afdelingen og boligorganisationen")),
    (Visibility.PUBLIC.value, _("Alle (resultatet er offentligt)")),
]
assert {v for v, _l in VISIBILITY_CHOICES} == set(VISIBILITIES)


def _date(label: Any, *, required: bool = True, **kw: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        validators=[validate_date_bounds],
        widget=forms.DateInput(
            format="%Y-%m-%d", attrs={"type": "date", "class": "form-input input-width-s"}
        ),
        error_messages={"invalid": _("Skriv en gyldig dato.")},
        **kw,
    )


def _time(label: Any) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        widget=forms.TimeInput(
            format="%H:%M", attrs={"type": "time", "class": "form-input input-width-xs"}
        ),
        error_messages={"invalid": _("Skriv et klokkeslæt, fx 19:00.")},
    )


def _number(label: Any, *, min_value: int, max_value: int, **kw: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=min_value,
        max_value=max_value,
        widget=forms.NumberInput(
            attrs={"inputmode": "numeric", "class": "form-input input-width-xs"}
        ),
        error_messages={
            "invalid": _("Skriv et helt tal."),
            "min_value": _("Tallet er for lille."),
            "max_value": _("Tallet er for stort."),
        },
        **kw,
    )


class DecisionChoice(forms.ModelChoiceField[Decision]):
    def label_from_instance(self, obj: Decision) -> str:
        return f"{obj.decided_on:%d-%m-%Y}: {obj.title} ({obj.get_forum_display()})"


class ItemChoice(forms.ModelChoiceField[AgendaItem]):
    def label_from_instance(self, obj: AgendaItem) -> str:
        return f"{obj.meeting.meeting_on:%d-%m-%Y} {obj.meeting.title}: {obj.position}. {obj.title}"


class ProposalChoice(forms.ModelChoiceField[Proposal]):
    def label_from_instance(self, obj: Proposal) -> str:
        return obj.title


class BallotForm(forms.Form):
    """A new ballot (``estate`` given), or a draft's editable fields (``ballot`` given)."""

    purpose = forms.ChoiceField(
        label=_("Afstemningsform"),
        choices=BallotPurpose.choices,
        widget=forms.RadioSelect,
        initial=BallotPurpose.REFERENDUM,
    )
    kind = forms.ChoiceField(
        label=_("Hvordan der stemmes"),
        choices=BallotKind.choices,
        widget=forms.RadioSelect,
        initial=BallotKind.YES_NO,
    )
    title = forms.CharField(
        label=_("Overskrift"),
        max_length=TITLE,
        widget=forms.TextInput(attrs={"class": "form-input"}),
    )
    question = forms.CharField(
        label=_("Hvad der stemmes om"),
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 4}),
        help_text=_("Skriv spørgsmålet, så man kan svare ja eller nej, eller vælge en mulighed."),
    )
    authorised_by = DecisionChoice(
        label=_("Besluttet ved"),
        queryset=Decision.objects.none(),
        required=False,
        to_field_name="public_id",
        empty_label=_("(ingen valgt)"),
        help_text=_(
            "En urafstemning kræver afdelingsmødets (eller afdelingsbestyrelsens) "
            "beslutning. Digital afstemning efter mødet kræver mødets beslutning om det."
        ),
    )
    item = ItemChoice(
        label=_("Punkt på afdelingsmødet"),
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label=_("(ingen valgt)"),
        help_text=_("Kun for afstemning efter mødet og skriftlig afstemning i salen."),
    )
    proposal = ProposalChoice(
        label=_("Forslag"),
        queryset=Proposal.objects.none(),
        required=False,
        to_field_name="public_id",
        empty_label=_("(intet forslag)"),
        help_text=_(
            "Der kan ikke holdes en ny urafstemning om samme forslag før næste ordinære "
            "afdelingsmøde."
        ),
    )
    options = forms.CharField(
        label=_("Svarmuligheder"),
        required=False,
        max_length=MAX_OPTIONS * (TITLE + 2),
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 4}),
        help_text=_(
            "Kun når man vælger én mulighed: én pr. linje. »Blank« kommer med af sig selv, "
            "og i en urafstemning også »Ingen af dem«."
        ),
    )
    seats = _number(
        _("Pladser, der skal besættes"), min_value=1, max_value=SEATS_MAX, required=False
    )
    substitute_seats = _number(
        _("Suppleanter"), min_value=0, max_value=SEATS_MAX, required=False, initial=0
    )
    term_years = _number(
        _("Valgt for (år)"),
        min_value=1,
        max_value=TERM_YEARS_MAX,
        required=False,
        initial=TERM_YEARS_DEFAULT,
    )
    roll_on = _date(
        _("Skæringsdato for stemmeret"),
        required=False,
        help_text=_(
            "Husstande, der bor i afdelingen denne dag, kan stemme. Tom: i dag. Ved "
            "afstemninger på et møde bruges mødets skæringsdato."
        ),
    )
    opens_date = _date(_("Åbner (dato)"))
    opens_time = _time(_("Åbner (klokken)"))
    closes_date = _date(_("Lukker (dato)"))
    closes_time = _time(_("Lukker (klokken)"))
    visibility = forms.ChoiceField(
        label=_("Hvem må se resultatet"),
        choices=VISIBILITY_CHOICES,
        widget=forms.RadioSelect,
        initial=Visibility.ORGANISATION,
    )

    CREATE_ONLY = ("purpose", "kind", "authorised_by", "item", "proposal", "options")

    def __init__(
        self,
        *args: Any,
        estate: Estate | None = None,
        ballot: Ballot | None = None,
        **kwargs: Any,
    ) -> None:
        if ballot is not None and "initial" not in kwargs:
            opens, closes = (
                timezone.localtime(ballot.opens_at),
                timezone.localtime(ballot.closes_at),
            )
            kwargs["initial"] = {
                "title": ballot.title,
                "question": ballot.question,
                "roll_on": ballot.roll_on,
                "opens_date": opens.date(),
                "opens_time": opens.time().replace(second=0, microsecond=0),
                "closes_date": closes.date(),
                "closes_time": closes.time().replace(second=0, microsecond=0),
                "visibility": ballot.visibility,
                "seats": ballot.seats,
                "substitute_seats": ballot.substitute_seats,
                "term_years": ballot.term_years,
            }
        super().__init__(*args, **kwargs)
        self.ballot = ballot
        if ballot is not None:
            for name in self.CREATE_ONLY:
                del self.fields[name]
            if ballot.purpose != BallotPurpose.REFERENDUM:
                del self.fields["roll_on"]
            if ballot.kind != BallotKind.ELECTION:
                for name in ("seats", "substitute_seats", "term_years"):
                    del self.fields[name]
            return
        assert estate is not None
        for name, queryset in (
            ("authorised_by", selectors.authorising_decisions(estate)),
            ("item", selectors.meeting_items(estate)),
            ("proposal", selectors.estate_proposals(estate)),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset

    def when(self, prefix: str) -> datetime.datetime:
        data = self.cleaned_data
        return timezone.make_aware(
            datetime.datetime.combine(data[f"{prefix}_date"], data[f"{prefix}_time"])
        )

    def option_labels(self) -> list[str]:
        return [line for line in self.cleaned_data.get("options", "").splitlines() if line.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.ballot is None and len(self.option_labels()) > MAX_OPTIONS:
            self.add_error("options", _("Højst %(n)s svarmuligheder.") % {"n": MAX_OPTIONS})
        if "substitute_seats" in self.fields and data.get("substitute_seats") is None:
            data["substitute_seats"] = 0
        return data


class OptionForm(forms.Form):
    label = forms.CharField(
        label=_("Ny svarmulighed"),
        max_length=TITLE,
        widget=forms.TextInput(attrs={"class": "form-input"}),
    )


class EnvelopeForm(forms.Form):
    household = forms.UUIDField(widget=forms.HiddenInput)
    votes = forms.TypedChoiceField(
        label=_("Stemmesedler i kuverten"),
        choices=[("1", _("1 stemme")), ("2", _("2 stemmer"))],
        coerce=int,
        widget=forms.RadioSelect,
        initial="2",
    )


class CountForm(forms.Form):
    """One number field per option (``option_<position>``), the channel, the number of
    papers (elections) and a note."""

    channel = forms.ChoiceField(label=_("Hvilke stemmesedler"), choices=CountChannel.choices)
    papers = _number(
        _("Stemmesedler i alt"),
        min_value=0,
        max_value=VOTES_MAX,
        required=False,
        help_text=_("Hvor mange stemmesedler der er talt."),
    )
    note = forms.CharField(
        label=_("Bemærkning"),
        required=False,
        max_length=SHORT_TEXT,
        widget=forms.TextInput(attrs={"class": "form-input"}),
    )

    def __init__(
        self,
        *args: Any,
        options: list[BallotOption],
        channels: list[str],
        election: bool,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.options = options
        channel = self.fields["channel"]
        assert isinstance(channel, forms.ChoiceField)
        channel.choices = [(c.value, c.label) for c in CountChannel if c.value in channels]
        if len(channels) == 1:
            channel.initial = channels[0]
        if not election:
            del self.fields["papers"]
        for option in options:
            self.fields[f"option_{option.position}"] = _number(
                _("Stemmer på %(label)s") % {"label": option.label},
                min_value=0,
                max_value=VOTES_MAX,
            )

    def counts(self) -> dict[int, int]:
        return {o.position: self.cleaned_data[f"option_{o.position}"] for o in self.options}
