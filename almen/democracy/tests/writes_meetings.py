"""The write-matrix rows for the democracy's meetings: merged into
``almen/access/tests/test_writes.py``'s WRITES (imported at its end; use
``w.Write``, ``w._post_only``). Those who plan estate A's meetings (its board, the
organisation's staff) write; everyone else gets the GET matrix's answer and changes
nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from almen.access.tests import test_writes as w
from almen.democracy import services
from almen.democracy.models import MeetingKind
from almen.democracy.testing import matrix_estate
from almen.democracy.tests.matrix_meetings import MEETING_MANAGE


def _future_day() -> str:
    return (timezone.localdate() + dt.timedelta(days=90)).isoformat()


def _new_meeting(kind: str = MeetingKind.ORDINARY) -> dict[str, Any]:
    return {
        "kind": kind,
        "title": "Møde fra skrivetesten",
        "date": _future_day(),
        "time": "19:00",
        "place": "Fælleshuset, Byvej 2",
    }


def _draft_notice_path() -> str:
    """A draft ordinary meeting of estate A, two months ahead (the notice is in time)."""
    estate = matrix_estate()
    meeting = services.meeting_create(
        actor=None,
        organisation=estate.organisation,
        estate=estate,
        kind=MeetingKind.ORDINARY,
        title="Kladde til indkaldelse",
        starts_at=timezone.now().replace(hour=17, minute=0, second=0, microsecond=0)
        + dt.timedelta(days=60),
        place="Fælleshuset",
    )
    return f"/moeder/{meeting.public_id}/indkald/"


POST_MANAGE = w._post_only(MEETING_MANAGE)

WRITES: dict[str, Any] = {
    "organisationer/<str:cvr>/afdelinger/<int:number>/moeder/ny/": w.Write(data=_new_meeting),
    "organisationer/<str:cvr>/moeder/ny/": w.Write(
        data=lambda: _new_meeting(MeetingKind.ORGANISATION_BOARD)
    ),
    "moeder/<uuid:meeting_id>/rediger/": w.Write(data=lambda: {"title": "Ændret af skrivetesten"}),
    "moeder/<uuid:meeting_id>/aflys/": w.Write(
        form=False, data=lambda: {"confirm": "yes"}, outcomes=POST_MANAGE
    ),
    "moeder/<uuid:meeting_id>/indkald/": w.Write(
        form=False, path=_draft_notice_path, outcomes=POST_MANAGE
    ),
    "moeder/<uuid:meeting_id>/materiale/offentliggoer/": w.Write(form=False, outcomes=POST_MANAGE),
    "moeder/<uuid:meeting_id>/dagsorden/ny/": w.Write(data=lambda: {"title": "Nyt punkt"}),
    "moeder/<uuid:meeting_id>/dagsorden/<int:position>/rediger/": w.Write(
        data=lambda: {"title": "Valg af dirigent og referent"}
    ),
    "moeder/<uuid:meeting_id>/dagsorden/<int:position>/flyt/": w.Write(
        form=False, data=lambda: {"direction": "down"}, outcomes=POST_MANAGE
    ),
    # The first item is on the minimum agenda: removing it needs the explicit yes.
    "moeder/<uuid:meeting_id>/dagsorden/<int:position>/fjern/": w.Write(
        form=False,
        data=lambda: {"confirm": "yes", "minimum_confirmed": "on"},
        outcomes=POST_MANAGE,
    ),
}
