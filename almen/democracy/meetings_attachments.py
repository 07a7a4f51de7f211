"""A meeting's material takes attachments (almen/attachments, kind ``moede``): PDF
files only, added and removed by those who plan the meeting, read by the meeting's
readers once the material is published (before that: only those who plan it and the
organisation's board)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from almen.access.policy import Principal
from almen.attachments.owners import OwnerKind, register_owner
from almen.democracy.access import can_manage_meeting, can_read_meeting
from almen.democracy.models import Meeting, MeetingStatus

KEY = "moede"


def _meeting(key: str) -> Meeting | None:
    try:
        return (
            Meeting.objects.select_related("organisation", "estate").filter(public_id=key).first()
        )
    except (ValueError, ValidationError):
        return None


def can_read_material(p: Principal, meeting: Meeting) -> bool:
    if can_manage_meeting(p, meeting) or p.is_board_of_organisation(meeting.organisation_id):
        return True
    return meeting.material_published_at is not None and can_read_meeting(p, meeting)


def can_manage_material(p: Principal, meeting: Meeting) -> bool:
    return meeting.status in (
        MeetingStatus.DRAFT,
        MeetingStatus.NOTICED,
    ) and can_manage_meeting(p, meeting)


def _title(meeting: Meeting) -> str:
    return _("Materiale til %(title)s") % {"title": meeting.title}


def register(app: str) -> None:
    register_owner(
        OwnerKind(
            key=KEY,
            model=Meeting,
            label=gettext_lazy("møde"),
            fetch=_meeting,
            url_key=lambda m: str(m.public_id),
            can_read=can_read_material,
            can_manage=can_manage_material,
            organisation_id=lambda m: m.organisation_id,
            page_url=lambda m: (
                reverse("democracy:meeting_detail", args=[m.public_id]) + "#materiale"
            ),
            title=_title,
            types=frozenset({"pdf"}),
        ),
        app=app,
    )
