"""The write-matrix rows for the democracy's minutes: merged into
``almen/access/tests/test_writes.py``'s WRITES (imported at its end; use
``w.Write``, ``w._post_only``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from almen.access.tests import test_writes as w
from almen.democracy.models import Meeting, MeetingKind, MeetingStatus, Minutes
from almen.democracy.testing import matrix_estate
from almen.democracy.tests.matrix_minutes import MEETING_MANAGE


def held_meeting_with_minutes_path() -> str:
    """Estate A's ordinary meeting of three days ago, with drafted minutes (the ORM:
    the services refuse a meeting in the past, and holding one is the hall's)."""
    estate = matrix_estate()
    meeting = Meeting.objects.create(
        organisation=estate.organisation,
        estate=estate,
        kind=MeetingKind.ORDINARY,
        title="Afholdt afdelingsmøde",
        starts_at=timezone.now() - dt.timedelta(days=3),
        place="Fælleshuset",
        status=MeetingStatus.HELD,
        roll_on=timezone.localdate() - dt.timedelta(days=30),
        notice_published_at=timezone.now() - dt.timedelta(days=30),
    )
    Minutes.objects.create(meeting=meeting, text="# 1. Valg af dirigent\nAnne blev valgt.")
    return f"/moeder/{meeting.public_id}/referat/offentliggoer/"


WRITES: dict[str, Any] = {
    # The board's text of the minutes (created on the first save).
    "moeder/<uuid:meeting_id>/referat/rediger/": w.Write(
        data=lambda: {"text": "# 1. Valg af dirigent\nSkrivetesten blev valgt."}
    ),
    # "Lav udkast": without minutes, no question is asked.
    "moeder/<uuid:meeting_id>/referat/udkast/": w.Write(
        form=False, outcomes=w._post_only(MEETING_MANAGE)
    ),
    # Publishing a held meeting's minutes (within 4 weeks: no reason needed).
    "moeder/<uuid:meeting_id>/referat/offentliggoer/": w.Write(
        path=held_meeting_with_minutes_path, data=lambda: {"reason": ""}
    ),
    "organisationer/<str:cvr>/beslutninger/ny/": w.Write(
        data=lambda: {
            "title": "Bestyrelsen godkender budgettet",
            "text": "Organisationsbestyrelsen godkendte budgettet for 2027.",
        }
    ),
    "organisationer/<str:cvr>/afdelinger/<int:number>/beslutninger/ny/": w.Write(
        data=lambda: {
            "title": "Ny bænk ved legepladsen",
            "text": "Afdelingsbestyrelsen besluttede at købe en bænk.",
            "votes_for": "5",
        }
    ),
}
