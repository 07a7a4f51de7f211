from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Registerfil (CSV eller XLSX)"),
        help_text=_(
            "Én række pr. beboer. Kolonner: afdelingsnummer, lejemålsnummer, adresse, "
            "boligtype, areal, værelser, indflytningsdato, beboer_navn (og valgfrit "
            "afdelingsnavn, fraflytningsdato, beboer_email, beboer_telefon, fødselsår)."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Prøvekørsel: vis kun hvad der ville ændre sig"), required=False
    )
