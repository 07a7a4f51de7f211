from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from almen.access.roles import Role
from almen.lib.bounds import validate_date_bounds
from almen.people.services import GIVEABLE_ROLES
from almen.register.models import BodyRole, Resident

ROLE_CHOICES = [(role.value, role.label) for role in GIVEABLE_ROLES]


def _date(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        validators=[validate_date_bounds],
        widget=forms.DateInput(
            format="%Y-%m-%d", attrs={"type": "date", "class": "form-input input-width-s"}
        ),
        error_messages={"invalid": _("Skriv en gyldig dato.")},
    )


def _text(
    label: Any, *, max_length: int = 200, required: bool = True, **kw: Any
) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.TextInput(attrs={"class": "form-input"}),
        **kw,
    )


def _email(label: Any, *, required: bool = True, **kw: Any) -> forms.EmailField:
    return forms.EmailField(
        label=label,
        required=required,
        max_length=254,
        widget=forms.EmailInput(attrs={"class": "form-input", "autocomplete": "off"}),
        error_messages={"invalid": _("Skriv en gyldig e-mailadresse, fx navn@eksempel.dk.")},
        **kw,
    )


class ResidentWithHome(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.household.unit})"


class ResidentName(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class InviteForm(forms.Form):
    name = _text(_("Navn"))
    email = _email(_("E-mail"), help_text=_("Invitationen sendes hertil. Den gælder i 7 dage."))
    role = forms.ChoiceField(label=_("Rolle"), choices=ROLE_CHOICES, initial=Role.ORG_STAFF)


class RoleGiveForm(forms.Form):
    email = _email(_("E-mail på kontoen"), help_text=_("Personen skal have en konto i Almen."))
    role = forms.ChoiceField(label=_("Rolle"), choices=ROLE_CHOICES, initial=Role.ORG_STAFF)
    starts = _date(_("Fra"), required=False, help_text=_("Tomt: fra i dag."))


class SeatAddForm(forms.Form):
    resident = ResidentWithHome(
        label=_("Beboer i afdelingen"),
        queryset=Resident.objects.none(),
        required=False,
        empty_label=_("– Vælg en beboer, eller skriv navn og e-mail nedenfor –"),
    )
    name = _text(_("Navn"), required=False, help_text=_("For en ny person."))
    email = _email(
        _("E-mail"),
        required=False,
        help_text=_("Har personen ingen konto, oprettes en, og der sendes en invitation."),
    )
    role = forms.ChoiceField(label=_("Post"), choices=BodyRole.choices, initial=BodyRole.MEMBER)
    term_start = _date(_("Valgt fra"))
    term_end = _date(_("Valgt til"), required=False)

    def __init__(self, *args: Any, residents: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if residents is None:
            del self.fields["resident"]
        else:
            field = self.fields["resident"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = residents
        if not self.is_bound:
            self.initial.setdefault("term_start", timezone.localdate())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("resident") and not data.get("email"):
            self.add_error(
                "email", _("Vælg en beboer, eller skriv navn og e-mail på en ny person.")
            )
        return data


class EndForm(forms.Form):
    on = _date(_("Sidste dag"), help_text=_("Rollen eller posten gælder til og med denne dag."))
    allow_empty = forms.BooleanField(label=_("Ja, organet må stå uden medlemmer"), required=False)


class AcceptForm(forms.Form):
    name = _text(_("Dit navn"), required=False)
    password1 = forms.CharField(
        label=_("Vælg en adgangskode"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-input", "autocomplete": "new-password"}),
        help_text=_("Mindst 12 tegn."),
    )
    password2 = forms.CharField(
        label=_("Gentag adgangskoden"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-input", "autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("De to adgangskoder er ikke ens."))
        elif one:
            from almen.accounts.models import User

            try:
                password_validation.validate_password(
                    one, User(email=self.email, name=data.get("name") or "")
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class CodeForm(forms.Form):
    code = _text(
        _("Aktiveringskode"),
        max_length=20,
        help_text=_("Står i brevet, fx ACDE-FGHJ-KMNP."),
    )


class ActivateForm(forms.Form):
    code = forms.CharField(max_length=20, widget=forms.HiddenInput)
    resident = ResidentName(
        label=_("Hvem er du?"),
        queryset=Resident.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Vælg dit navn.")},
    )
    email = _email(
        _("Din e-mailadresse"),
        help_text=_("Du logger ind med en kode, som vi sender hertil."),
    )
    email2 = _email(_("Gentag e-mailadressen"))

    def __init__(self, *args: Any, residents: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["resident"]
        assert isinstance(field, forms.ModelChoiceField)
        if residents is not None:
            field.queryset = residents

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one, two = data.get("email"), data.get("email2")
        if one and two and one.strip().lower() != two.strip().lower():
            self.add_error("email2", _("De to adresser er ikke ens."))
        return data
