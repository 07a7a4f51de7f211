"""Forms of the meetings part. They only parse what a person typed; the rules are in
the services (their ValidationErrors are put back on these forms)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from almen.democracy.models import Meeting, MeetingKind
from almen.lib.bounds import LONG_TEXT, SHORT_TEXT, TITLE, validate_date_bounds

ESTATE_MEETING_KINDS = (MeetingKind.ORDINARY, MeetingKind.EXTRAORDINARY, MeetingKind.ESTATE_BOARD)
ORGANISATION_MEETING_KINDS = (MeetingKind.ORGANISATION_BOARD, MeetingKind.REPRESENTATIVE_COUNCIL)


def _text(label: Any, *, max_length: int = TITLE, required: bool = True, **kw: Any) -> Any:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.TextInput(attrs={"class": "form-input"}),
        **kw,
    )


def _area(label: Any, *, max_length: int, required: bool = False, **kw: Any) -> Any:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 4}),
        **kw,
    )


def _time(label: Any, *, required: bool = True, **kw: Any) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=required,
        widget=forms.TimeInput(
            format="%H:%M", attrs={"type": "time", "class": "form-input input-width-xs"}
        ),
        error_messages={"invalid": _("Skriv et klokkeslæt, fx 19:00.")},
        **kw,
    )


class MeetingForm(forms.Form):
    """A meeting's kind (when created), title, day, time, end, place and online link."""

    kind = forms.ChoiceField(label=_("Mødetype"), choices=())
    title = _text(_("Titel"))
    date = forms.DateField(
        label=_("Dato"),
        validators=[validate_date_bounds],
        widget=forms.DateInput(
            format="%Y-%m-%d", attrs={"type": "date", "class": "form-input input-width-s"}
        ),
        error_messages={"invalid": _("Skriv en gyldig dato.")},
    )
    time = _time(_("Klokken"))
    ends = _time(_("Slutter klokken"), required=False)
    place = _text(
        _("Sted"),
        help_text=_("Den præcise adresse og lokalet, fx Fælleshuset, Byvej 2, 8000 Aarhus C."),
    )
    online_url = forms.URLField(
        label=_("Link til onlinedeltagelse"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("Hvis man også kan følge eller deltage i mødet online."),
        widget=forms.URLInput(attrs={"class": "form-input"}),
        error_messages={"invalid": _("Skriv en gyldig webadresse, fx https://møde.dk/123.")},
    )
    reason = _area(
        _("Begrundelse for at flytte mødet"),
        max_length=SHORT_TEXT,
        help_text=_("Kun nødvendig, hvis indkaldelsen med den nye dato kommer for sent."),
    )

    def __init__(
        self,
        *args: Any,
        kinds: tuple[MeetingKind, ...] = (),
        meeting: Meeting | None = None,
        **kwargs: Any,
    ) -> None:
        if meeting is not None and "initial" not in kwargs:
            start = timezone.localtime(meeting.starts_at)
            kwargs["initial"] = {
                "title": meeting.title,
                "date": start.date(),
                "time": start.time(),
                "ends": timezone.localtime(meeting.ends_at).time() if meeting.ends_at else None,
                "place": meeting.place,
                "online_url": meeting.online_url,
            }
        super().__init__(*args, **kwargs)
        if meeting is None:
            kind = self.fields["kind"]
            assert isinstance(kind, forms.ChoiceField)
            kind.choices = [(k.value, k.label) for k in kinds]
            del self.fields["reason"]
        else:
            del self.fields["kind"]
            if meeting.notice_published_at is None:
                del self.fields["reason"]

    def when(self) -> tuple[datetime.datetime, datetime.datetime | None]:
        """The start and (optional) end as aware datetimes, from the cleaned data."""
        data = self.cleaned_data
        starts = timezone.make_aware(datetime.datetime.combine(data["date"], data["time"]))
        ends = None
        if data.get("ends") is not None:
            ends = timezone.make_aware(datetime.datetime.combine(data["date"], data["ends"]))
        return starts, ends


class AgendaItemForm(forms.Form):
    title = _text(_("Overskrift"))
    description = _area(_("Beskrivelse"), max_length=LONG_TEXT)


class ReasonForm(forms.Form):
    """The confirmation of a notice or of the material, with a reason when it is late."""

    reason = _area(_("Begrundelse"), max_length=SHORT_TEXT)


class RemoveItemForm(forms.Form):
    minimum_confirmed = forms.BooleanField(
        label=_("Ja, fjern punktet, selvom det hører til mindstedagsordenen"), required=False
    )
