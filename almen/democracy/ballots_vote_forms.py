"""The ballot paper as a form: the options (radios, or checkboxes for an election) and
how many of the household's votes the person casts. The box checks the marks again
when the vote is cast (``ballots_box.cast``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from almen.democracy import ballots_box
from almen.democracy.models import Ballot, BallotOption


class RadioSelect(forms.RadioSelect):
    """Radios that read every value posted under their name: two marks sent to a
    one-mark ballot are refused as too many, not half read (Django's reads the last
    one). Named RadioSelect so that ``_field.html`` (by ``widget_type``) renders it as
    radios in a fieldset."""

    allow_multiple_selected = False

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        getlist = getattr(data, "getlist", None)
        return getlist(name) if getlist is not None else data.get(name)


NOT_AN_OPTION = _("Vælg en af mulighederne på stemmesedlen.")


class VoteForm(forms.Form):
    def __init__(
        self,
        *args: Any,
        ballot: Ballot,
        options: list[BallotOption],
        left: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.ballot = ballot
        seats = ballot.max_marks
        self.fields["marks"] = forms.MultipleChoiceField(
            label=_("Din stemme"),
            choices=[(str(o.position), o.label) for o in options],
            widget=forms.CheckboxSelectMultiple if seats > 1 else RadioSelect,
            help_text=(
                ngettext(
                    "Sæt kryds ved op til %(n)s kandidat.",
                    "Sæt kryds ved op til %(n)s kandidater.",
                    seats,
                )
                % {"n": seats}
                if seats > 1
                else _("Vælg én mulighed.")
            ),
            error_messages={
                "required": _("Vælg en mulighed. Vil du stemme blankt, så vælg Blank."),
                "invalid_choice": NOT_AN_OPTION,
                "invalid_list": NOT_AN_OPTION,
            },
        )
        left = max(1, min(left, 2))
        self.fields["votes"] = forms.TypedChoiceField(
            label=_("Hvor mange af husstandens stemmer afgiver du?"),
            help_text=_(
                "Hver voksen i husstanden kan afgive én af jeres 2 stemmer, eller én af jer "
                "kan afgive begge."
            ),
            coerce=int,
            choices=[
                (str(n), ngettext("%(n)s stemme", "%(n)s stemmer", n) % {"n": n})
                for n in range(1, left + 1)
            ],
            initial=str(left),
            widget=forms.RadioSelect if left > 1 else forms.HiddenInput,
            error_messages={
                "required": _("Vælg, om du afgiver 1 eller 2 stemmer."),
                "invalid_choice": (
                    _("Jeres husstand har kun 1 stemme tilbage.")
                    if left == 1
                    else _("Vælg, om du afgiver 1 eller 2 stemmer.")
                ),
            },
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.fields["votes"].widget.is_hidden and "votes" in self.errors:
            # One vote left (no choice shown): its error is the form's, not a hidden field's.
            for message in self.errors.pop("votes"):
                self.add_error(None, message)
        marks = data.get("marks")
        if marks:
            try:
                data["stored"] = ballots_box.clean_marks(self.ballot, marks)
            except ValidationError as error:
                self.add_error("marks", error)
        return data
