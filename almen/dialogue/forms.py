from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from almen.dialogue.access import Place
from almen.dialogue.models import Agreement, Dialogue, FollowUpStatus
from almen.goals.forms import DATE, StyledForm
from almen.goals.models import Goal

DIALOGUE_FIELDS = ["meeting_date", "meeting_place", "participants", "status", "minutes_summary"]


class ServiceForm(StyledForm):
    """A model form that only parses input: the service validates the model (with
    Danish messages) and saves it. Skipping ``_post_clean`` also keeps the form from
    changing the instance before the service has taken its "before" snapshot."""

    def _post_clean(self) -> None:
        pass


class DialogueForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = Dialogue
        fields = DIALOGUE_FIELDS
        widgets = {
            "meeting_date": DATE,
            "participants": forms.Textarea(attrs={"rows": 5}),
            "minutes_summary": forms.Textarea(attrs={"rows": 6}),
        }


class DialogueCreateForm(DialogueForm):
    """The organisation and municipality come from the places the person may create
    a dialogue for; the pair is checked again here."""

    organisation = forms.ChoiceField(label=_("Boligorganisation"))
    municipality = forms.ChoiceField(label=_("Kommune"))
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)

    class Meta(DialogueForm.Meta):
        fields = ["organisation", "municipality", "year", *DIALOGUE_FIELDS]

    def __init__(self, *args: Any, places: list[Place], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.places = places
        organisations = {pl.organisation.cvr: pl.organisation for pl in places}
        municipalities = {pl.municipality.code: pl.municipality for pl in places}
        cast(forms.ChoiceField, self.fields["organisation"]).choices = [
            (cvr, f"{o.name} ({cvr})") for cvr, o in organisations.items()
        ]
        cast(forms.ChoiceField, self.fields["municipality"]).choices = [
            (m.code, m.name) for m in sorted(municipalities.values(), key=lambda m: m.name)
        ]
        self.order_fields(["organisation", "municipality", "year", *DIALOGUE_FIELDS])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        cvr, code = data.get("organisation"), data.get("municipality")
        if cvr and code:
            place = next(
                (
                    pl
                    for pl in self.places
                    if pl.organisation.cvr == cvr and pl.municipality.code == code
                ),
                None,
            )
            if place is None:
                self.add_error(
                    "municipality",
                    _(
                        "Du kan ikke oprette en styringsdialog for den organisation i den kommune. "
                        "Vælg en kommune, hvor organisationen har boliger."
                    ),
                )
            else:
                data["place"] = place
        return data


def _goal_label(goal: Goal) -> str:
    return f"{goal.title} ({goal.estate.name})" if goal.estate else goal.title


class AgreementForm(ServiceForm, forms.ModelForm):
    goal = forms.ModelChoiceField(
        queryset=Goal.objects.none(),
        required=False,
        label=_("Lokalt mål"),
        empty_label=_("Intet mål"),
        help_text=_("Kun organisationens vedtagne mål, der er delt med kommunen, kan vælges."),
        error_messages={
            "invalid_choice": _(
                "Målet kan ikke vælges: det skal høre til organisationen og være delt med kommunen."
            )
        },
    )

    class Meta:
        model = Agreement
        fields = ["title", "description", "goal", "responsible_party", "responsible_person", "due"]
        widgets = {"due": DATE, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, goals: QuerySet[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        goal_field = self.fields["goal"]
        assert isinstance(goal_field, forms.ModelChoiceField)
        goal_field.queryset = goals
        goal_field.label_from_instance = _goal_label  # type: ignore[method-assign,assignment]


class FollowUpForm(ServiceForm, forms.ModelForm):
    follow_up_status = forms.ChoiceField(label=_("Opfølgning"), choices=FollowUpStatus.choices)

    class Meta:
        model = Agreement
        fields = ["follow_up_status", "follow_up_note"]
        widgets = {"follow_up_note": forms.Textarea(attrs={"rows": 4})}
