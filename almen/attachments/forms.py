from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from almen.attachments.models import AttachmentKind
from almen.attachments.validation import ACCEPT


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Hvad er det?"),
        choices=AttachmentKind.choices,
        initial=AttachmentKind.OTHER,
        error_messages={
            "invalid_choice": _(
                "Vælg, om bilaget er et referat, et foto, en beslutning eller andet."
            )
        },
    )
    file = forms.FileField(
        label=_("Fil"),
        error_messages={
            "required": _("Vælg den fil, du vil lægge op."),
            "empty": _("Filen er tom."),
            "invalid": _("Der kom ingen fil med. Vælg filen igen."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT, "class": "form-input"}),
    )
