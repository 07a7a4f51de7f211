"""The staff's "indstilling" to the board, written for a pack."""

from __future__ import annotations

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from almen.goals.forms import StyledForm
from almen.lib.bounds import LONG_TEXT


class RecommendationForm(StyledForm, forms.Form):
    text = forms.CharField(
        label=_("Indstilling"),
        required=False,
        # Counted in clean_text (with a Danish number in the message); the attribute
        # stops a browser at the same limit.
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": LONG_TEXT}),
        help_text=_(
            "Hvad administrationen indstiller, at bestyrelsen beslutter. Fx: "
            "Administrationen indstiller, at bestyrelsen godkender rapporten og beder om "
            "en ny status i juni. Lad feltet stå tomt for at fjerne indstillingen."
        ),
    )

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]
        if len(text) > LONG_TEXT:
            raise forms.ValidationError(
                _("Indstillingen må højst være %(limit)s tegn (den er %(length)s).")
                % {
                    "limit": number_format(LONG_TEXT, force_grouping=True),
                    "length": number_format(len(text), force_grouping=True),
                },
                code="max_length",
            )
        return text
