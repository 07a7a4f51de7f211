"""Forms of an election's candidates page. They check types; the rules (nomination
open, the roll, one candidacy each) are the service's (``ballots_elections``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class NominateForm(forms.Form):
    """A manager nominates a resident found by the search."""

    resident = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Søg beboeren frem, og vælg “Stil op”."),
            "invalid": _("Beboeren findes ikke. Søg beboeren frem igen."),
        },
    )


class WithdrawForm(forms.Form):
    """A candidate is taken off the ballot paper (by a manager, or by themself)."""

    candidate = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Vælg den kandidat, der skal trækkes."),
            "invalid": _("Kandidaten står ikke på stemmesedlen."),
        },
    )
