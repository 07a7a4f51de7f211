"""Every state change of the resident democracy: keyword-only, atomic, audited.

Refusals are ``ValidationError`` with a Danish message (views turn them into a 400
with the form); a rule the law lets a board break with a reason (a late notice, late
material, late minutes) is refused unless ``reason`` is given, and the reason is kept
on the meeting and in the audit entry.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from almen.audit.services import audit_record, snapshot
from almen.democracy.models import (
    ESTATE_KINDS,
    MINIMUM_AGENDA,
    RESIDENTS_MEETINGS,
    AgendaItem,
    AgendaKind,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Petition,
)
from almen.lib.bounds import DATE_BOUNDS_MESSAGE, date_in_bounds
from almen.register.models import Estate, Household, Organisation

MEETING_FIELDS = (
    "kind",
    "title",
    "starts_at",
    "ends_at",
    "place",
    "online_url",
    "status",
    "roll_on",
    "notice_published_at",
    "notice_late_reason",
    "material_published_at",
    "material_late_reason",
)


def _today() -> datetime.date:
    return timezone.localdate()


def _check_when(starts_at: datetime.datetime, ends_at: datetime.datetime | None) -> None:
    if not date_in_bounds(timezone.localtime(starts_at).date()):
        raise ValidationError({"starts_at": DATE_BOUNDS_MESSAGE})
    if starts_at < timezone.now():
        raise ValidationError({"starts_at": _("Mødet kan ikke ligge i fortiden.")})
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationError({"ends_at": _("Mødet skal slutte efter, det begynder.")})


@transaction.atomic
def meeting_create(
    *,
    actor: Any,
    organisation: Organisation,
    estate: Estate | None,
    kind: str,
    title: str,
    starts_at: datetime.datetime,
    place: str,
    ends_at: datetime.datetime | None = None,
    online_url: str = "",
    petition: Petition | None = None,
) -> Meeting:
    """A draft meeting. An ordinary afdelingsmøde gets the minimum agenda; an
    extraordinary one gets its topic (from the petition, if called on one)."""
    if (kind in ESTATE_KINDS) != (estate is not None):
        raise ValidationError(
            {"kind": _("Afdelingsmøder og afdelingsbestyrelsesmøder hører til en afdeling.")}
        )
    if estate is not None and estate.organisation_id != organisation.pk:
        raise ValidationError({"estate": _("Afdelingen hører ikke til boligorganisationen.")})
    if kind not in MeetingKind.values:
        raise ValidationError({"kind": _("Vælg en mødetype.")})
    if not title.strip():
        raise ValidationError({"title": _("Skriv en titel.")})
    if not place.strip():
        raise ValidationError({"place": _("Skriv det præcise sted for mødet.")})
    _check_when(starts_at, ends_at)
    meeting = Meeting(
        organisation=organisation,
        estate=estate,
        kind=kind,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        online_url=online_url,
        petition=petition,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    meeting.full_clean()
    meeting.save()
    agenda: list[tuple[str, str, str]] = []
    if kind == MeetingKind.ORDINARY:
        agenda = [(k.value, str(k.label), "") for k in MINIMUM_AGENDA]
    elif kind == MeetingKind.EXTRAORDINARY:
        topic = petition.topic if petition else title
        text = petition.text if petition else ""
        agenda = [
            (AgendaKind.CHAIR.value, str(AgendaKind.CHAIR.label), ""),
            (AgendaKind.OTHER.value, topic, text),
        ]
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=n, kind=k, title=t, description=d)
        for n, (k, t, d) in enumerate(agenda, start=1)
    )
    audit_record(
        actor=actor,
        action="democracy.meeting_create",
        obj=meeting,
        organisation_id=organisation.pk,
        after=snapshot(meeting, MEETING_FIELDS),
    )
    return meeting


def notice_is_late(meeting: Meeting, on: datetime.date | None = None) -> bool:
    notice_by = meeting.timeline.notice_by
    return notice_by is not None and (on or _today()) > notice_by


@transaction.atomic
def notice_publish(*, actor: Any, meeting: Meeting, reason: str = "") -> Meeting:
    """Publish the notice (the meeting is "indkaldt"). Later than the legal notice
    (4 weeks before an ordinary afdelingsmøde, 2 before an extraordinary one) only with
    a recorded reason. Sending the notices to every household is ``notices.send``."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != MeetingStatus.DRAFT:
        raise ValidationError(_("Mødet er allerede indkaldt."))
    if meeting.starts_at < timezone.now():
        raise ValidationError(_("Mødet ligger i fortiden og kan ikke indkaldes."))
    before = snapshot(meeting, MEETING_FIELDS)
    late = notice_is_late(meeting)
    if late and not reason.strip():
        notice_by = meeting.timeline.notice_by
        raise ValidationError(
            {
                "reason": _(
                    "Indkaldelsen er for sen: fristen var %(day)s. Skriv en begrundelse, "
                    "hvis mødet alligevel skal holdes på denne dato."
                )
                % {"day": f"{notice_by:%d-%m-%Y}"}
            }
        )
    meeting.status = MeetingStatus.NOTICED
    meeting.notice_published_at = timezone.now()
    meeting.notice_late_reason = reason.strip() if late else ""
    if meeting.roll_on is None:
        meeting.roll_on = _today()
    meeting.full_clean()
    meeting.save()
    audit_record(
        actor=actor,
        action="democracy.notice_publish",
        obj=meeting,
        organisation_id=meeting.organisation_id,
        before=before,
        after=snapshot(meeting, MEETING_FIELDS),
    )
    return meeting


def roll(meeting: Meeting) -> QuerySet[Household]:
    """The households entitled to vote at a residents' meeting: the estate's tenancies
    current on the roll's cut-off day (the notice's day; today before that)."""
    if meeting.kind not in RESIDENTS_MEETINGS or meeting.estate_id is None:
        return Household.objects.none()
    on = meeting.roll_on or _today()
    return Household.objects.active(on).filter(unit__estate_id=meeting.estate_id)
