"""State changes of the meetings part: editing and cancelling a meeting, its agenda,
and publishing its material. Keyword-only, atomic, audited; refusals are
``ValidationError`` with a Danish message (the core's ``services.py`` creates meetings
and publishes notices)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from almen.audit.services import audit_record, snapshot
from almen.democracy import services
from almen.democracy.models import (
    MINIMUM_AGENDA,
    AgendaItem,
    AgendaKind,
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from almen.lib.bounds import SHORT_TEXT, TITLE
from almen.register.models import Resident

ITEM_FIELDS = ("position", "kind", "title", "description")
MATERIAL_PUBLISHED = "democracy.material_published"


def _locked(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",)).select_related("estate").get(pk=meeting.pk)
    )


def _check_open(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("Mødet er aflyst og kan ikke ændres."))
    if meeting.status == MeetingStatus.HELD:
        raise ValidationError(_("Mødet er afholdt og kan ikke ændres her."))


def _check_reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) > SHORT_TEXT:
        raise ValidationError(
            {"reason": _("Begrundelsen må højst være %(n)s tegn.") % {"n": SHORT_TEXT}}
        )
    return reason


@transaction.atomic
def meeting_update(
    *,
    actor: Any,
    meeting: Meeting,
    title: str,
    starts_at: datetime.datetime,
    place: str,
    ends_at: datetime.datetime | None = None,
    online_url: str = "",
    reason: str = "",
) -> Meeting:
    """Change a planned meeting's title, time, place and link. Moving a noticed
    meeting re-checks the notice rule: if the notice that went out is now later than
    the legal notice for the new date, the move needs a recorded reason."""
    meeting = _locked(meeting)
    _check_open(meeting)
    reason = _check_reason(reason)
    if not title.strip():
        raise ValidationError({"title": _("Skriv en titel.")})
    if not place.strip():
        raise ValidationError({"place": _("Skriv det præcise sted for mødet.")})
    before = snapshot(meeting, services.MEETING_FIELDS)
    moved = starts_at != meeting.starts_at
    if moved or ends_at != meeting.ends_at:
        services._check_when(starts_at, ends_at)
    meeting.title = title.strip()
    meeting.starts_at = starts_at
    meeting.ends_at = ends_at
    meeting.place = place.strip()
    meeting.online_url = online_url.strip()
    if moved and meeting.notice_published_at is not None:
        noticed_on = timezone.localtime(meeting.notice_published_at).date()
        notice_by = meeting.timeline.notice_by
        if notice_by is not None and noticed_on > notice_by:
            if not reason and not meeting.notice_late_reason:
                raise ValidationError(
                    {
                        "reason": _(
                            "Indkaldelsen blev sendt %(sent)s. Med den nye dato skulle den "
                            "senest være sendt %(day)s. Skriv en begrundelse, hvis mødet "
                            "alligevel skal flyttes til denne dato."
                        )
                        % {"sent": f"{noticed_on:%d-%m-%Y}", "day": f"{notice_by:%d-%m-%Y}"}
                    }
                )
            meeting.notice_late_reason = reason or meeting.notice_late_reason
    meeting.full_clean()
    meeting.save()
    audit_record(
        actor=actor,
        action="democracy.meeting_update",
        obj=meeting,
        organisation_id=meeting.organisation_id,
        before=before,
        after=snapshot(meeting, services.MEETING_FIELDS),
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: Any, meeting: Meeting) -> Meeting:
    """Cancel a meeting that has not been held (kept, with status "aflyst")."""
    meeting = _locked(meeting)
    _check_open(meeting)
    before = snapshot(meeting, services.MEETING_FIELDS)
    meeting.status = MeetingStatus.CANCELLED
    meeting.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="democracy.meeting_cancel",
        obj=meeting,
        organisation_id=meeting.organisation_id,
        before=before,
        after=snapshot(meeting, services.MEETING_FIELDS),
    )
    return meeting


# --- the agenda ---------------------------------------------------------------------


def _check_agenda_open(meeting: Meeting) -> None:
    _check_open(meeting)
    if meeting.kind == MeetingKind.EXTRAORDINARY and meeting.status != MeetingStatus.DRAFT:
        raise ValidationError(
            _(
                "Dagsordenen for et ekstraordinært afdelingsmøde ligger fast, når mødet er "
                "indkaldt. Den kan ikke ændres."
            )
        )


def _check_item_text(title: str, description: str) -> tuple[str, str]:
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Skriv en overskrift.")})
    if len(title) > TITLE:
        raise ValidationError({"title": _("Overskriften må højst være %(n)s tegn.") % {"n": TITLE}})
    return title, description.strip()


def _audit_item(actor: Any, action: str, item: AgendaItem, before: dict[str, Any] | None) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=item.meeting,
        organisation_id=item.meeting.organisation_id,
        before=before,
        after={"item": snapshot(item, ITEM_FIELDS)} if action != "democracy.agenda_remove" else {},
    )


@transaction.atomic
def agenda_item_add(
    *, actor: Any, meeting: Meeting, title: str, description: str = ""
) -> AgendaItem:
    """A new item at the end of the agenda."""
    meeting = _locked(meeting)
    _check_agenda_open(meeting)
    title, description = _check_item_text(title, description)
    last = meeting.items.aggregate(n=Max("position"))["n"] or 0
    item = AgendaItem(
        meeting=meeting,
        position=last + 1,
        kind=AgendaKind.OTHER,
        title=title,
        description=description,
    )
    item.full_clean()
    item.save()
    _audit_item(actor, "democracy.agenda_add", item, None)
    return item


@transaction.atomic
def agenda_item_update(
    *, actor: Any, item: AgendaItem, title: str, description: str = ""
) -> AgendaItem:
    """Change an item's heading and text (a minimum-agenda item too)."""
    meeting = _locked(item.meeting)
    _check_agenda_open(meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    item.meeting = meeting
    title, description = _check_item_text(title, description)
    before = {"item": snapshot(item, ITEM_FIELDS)}
    item.title, item.description = title, description
    item.full_clean()
    item.save(update_fields=["title", "description"])
    _audit_item(actor, "democracy.agenda_update", item, before)
    return item


@transaction.atomic
def agenda_item_move(*, actor: Any, item: AgendaItem, direction: str) -> AgendaItem:
    """Swap an item with the one above (``up``) or below (``down``)."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Vælg op eller ned."))
    meeting = _locked(item.meeting)
    _check_agenda_open(meeting)
    items = list(meeting.items.select_for_update().order_by("position", "id"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    other_index = index - 1 if direction == "up" else index + 1
    if not 0 <= other_index < len(items):
        raise ValidationError(
            _("Punktet er allerede det første.")
            if direction == "up"
            else _("Punktet er allerede det sidste.")
        )
    moving, other = items[index], items[other_index]
    before = {"item": snapshot(moving, ITEM_FIELDS)}
    moving.position, other.position = other.position, moving.position
    if moving.position == other.position:  # positions were not distinct: renumber
        moving.position, other.position = other_index + 1, index + 1
    AgendaItem.objects.bulk_update([moving, other], ["position"])
    moving.meeting = meeting
    _audit_item(actor, "democracy.agenda_move", moving, before)
    return moving


def is_minimum_item(meeting: Meeting, item: AgendaItem) -> bool:
    """An item of the minimum agenda of an ordinary afdelingsmøde (normalvedtægterne)."""
    return meeting.kind == MeetingKind.ORDINARY and item.kind in {k.value for k in MINIMUM_AGENDA}


@transaction.atomic
def agenda_item_remove(*, actor: Any, item: AgendaItem, minimum_confirmed: bool = False) -> None:
    """Remove an item; the ones after it move up. An item of an ordinary meeting's
    minimum agenda is removed only with the explicit ``minimum_confirmed``."""
    meeting = _locked(item.meeting)
    _check_agenda_open(meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if is_minimum_item(meeting, item) and not minimum_confirmed:
        raise ValidationError(
            {
                "minimum_confirmed": _(
                    "»%(title)s« er et af de punkter, et ordinært afdelingsmøde skal have på "
                    "dagsordenen. Sæt kryds, hvis punktet alligevel skal fjernes."
                )
                % {"title": item.title}
            }
        )
    item.meeting = meeting
    before = {"item": snapshot(item, ITEM_FIELDS)}
    position = item.position
    item.delete()
    meeting.items.filter(position__gt=position).update(position=F("position") - 1)
    audit_record(
        actor=actor,
        action="democracy.agenda_remove",
        obj=meeting,
        organisation_id=meeting.organisation_id,
        before=before,
        after={"minimum_confirmed": minimum_confirmed},
    )


# --- material -----------------------------------------------------------------------


def material_is_late(meeting: Meeting, on: datetime.date | None = None) -> bool:
    material_by = meeting.timeline.material_by
    return material_by is not None and (on or timezone.localdate()) > material_by


def material_recipients(meeting: Meeting) -> list[Any]:
    """The accounts of the residents of the meeting's roll households (one query)."""
    from almen.accounts.models import User

    residents = Resident.objects.filter(
        household__in=services.roll(meeting), user__isnull=False
    ).values("user_id")
    return list(User.objects.filter(pk__in=residents, is_active=True).order_by("pk"))


@transaction.atomic
def material_publish(*, actor: Any, meeting: Meeting, reason: str = "") -> Meeting:
    """Publish the meeting's material (budget, accounts, the board's report, the
    proposals, as attachments): residents see it from now on. Later than 1 week before
    an afdelingsmøde only with a recorded reason. The residents of the roll are told
    (``democracy.material_published``, with their preferences)."""
    from almen.democracy import notices_services
    from almen.democracy.models import NoticeKind
    from almen.notify.services import notify_many

    meeting = _locked(meeting)
    _check_open(meeting)
    if meeting.status != MeetingStatus.NOTICED:
        raise ValidationError(_("Mødet skal være indkaldt, før materialet kan offentliggøres."))
    if meeting.material_published_at is not None:
        raise ValidationError(_("Materialet er allerede offentliggjort."))
    reason = _check_reason(reason)
    late = material_is_late(meeting)
    if late and not reason:
        material_by = meeting.timeline.material_by
        assert material_by is not None
        raise ValidationError(
            {
                "reason": _(
                    "Materialet er for sent: det skulle være offentliggjort senest %(day)s "
                    "(1 uge før mødet). Skriv en begrundelse for, at det kommer nu."
                )
                % {"day": f"{material_by:%d-%m-%Y}"}
            }
        )
    before = snapshot(meeting, services.MEETING_FIELDS)
    meeting.material_published_at = timezone.now()
    meeting.material_late_reason = reason if late else ""
    meeting.full_clean()
    meeting.save(update_fields=["material_published_at", "material_late_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="democracy.material_publish",
        obj=meeting,
        organisation_id=meeting.organisation_id,
        before=before,
        after=snapshot(meeting, services.MEETING_FIELDS),
    )
    if meeting.is_residents_meeting:
        notify_many(
            kind=MATERIAL_PUBLISHED,
            key=str(meeting.public_id),
            users=material_recipients(meeting),
            # The same words as the material's e-mail to households (notices_services).
            context=notices_services.email_context(meeting, NoticeKind.MATERIAL),
        )
    return meeting
