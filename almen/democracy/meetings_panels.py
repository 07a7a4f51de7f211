"""Panels of the meetings part (``lib.panels``): on the home page, the next meetings
and the yearly ordinary meeting's due day for the estate board and the organisation's
staff; on the estate page, the way to its meetings for those who may read them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from almen.access.policy import Principal
from almen.democracy import access
from almen.democracy.meetings_selectors import ordinary_status, sees_drafts, upcoming_for
from almen.democracy.models import Meeting, MeetingKind, MeetingStatus
from almen.democracy.opendata import VERSION_KEY, cached_on_democracy
from almen.lib.panels import FRAGMENT_UNTIL
from almen.register.models import Estate

NEXT_LIMIT = 5
DUE_LIMIT = 8


def _plans(p: Principal) -> bool:
    return bool(p.board_estates or p.staff_organisations)


# The home panels' rendered fragments are cached on the democracy version
# (almen.lib.panels): per set of estates and organisations they plan for, as their
# contexts are, or per set of estates a resident lives in.
VERSIONS = (VERSION_KEY,)


def plans_fragment(p: Principal) -> str | None:
    if not _plans(p):
        return None
    return "{}:{}".format(
        ",".join(map(str, sorted(p.board_estates))),
        ",".join(map(str, sorted(p.staff_organisations))),
    )


def residents_meeting_fragment(p: Principal) -> str | None:
    if not p.resident_estates or _plans(p):
        return None
    return ",".join(map(str, sorted(p.resident_estates)))


def next_meetings_panel(p: Principal) -> dict[str, Any] | None:
    """ "Næste møder": the next meetings of the estates and organisations they plan
    for. One query, or none: the same for everyone with the same estates and
    organisations until a meeting changes (the democracy's data version), so the next
    few are cached and those begun since are dropped on reading."""
    if not _plans(p):
        return None
    now = timezone.now()
    key = "democracy:next-panel:{}:{}".format(
        ",".join(map(str, sorted(p.board_estates))),
        ",".join(map(str, sorted(p.staff_organisations))),
    )
    fetched = NEXT_LIMIT * 3
    upcoming = cached_on_democracy(key, lambda: list(upcoming_for(p, limit=fetched, now=now)))
    meetings = [m for m in upcoming if m.starts_at >= now]
    if len(meetings) < NEXT_LIMIT and len(upcoming) == fetched:
        # So many have begun since the list was cached that later ones may be missing.
        meetings = list(upcoming_for(p, limit=NEXT_LIMIT, now=now))
    meetings = meetings[:NEXT_LIMIT]
    # The fragment is out of date once the first of them begins.
    return {"meetings": meetings, FRAGMENT_UNTIL: meetings[0].starts_at if meetings else None}


def ordinary_due_panel(p: Principal) -> dict[str, Any] | None:
    """ "Ordinært afdelingsmøde senest …" for each of their estates (for staff, those
    whose ordinary meeting is not planned first). Two queries, or none: the same for
    everyone with the same estates and organisations on a day, until a meeting changes
    (the democracy's data version), so it is cached."""
    if not _plans(p):
        return None
    key = "democracy:due-panel:{}:{}:{}".format(
        ",".join(map(str, sorted(p.board_estates))),
        ",".join(map(str, sorted(p.staff_organisations))),
        timezone.localdate().isoformat(),
    )
    return dict(cached_on_democracy(key, lambda: _ordinary_due(p)))


def _ordinary_due(p: Principal) -> dict[str, Any]:
    estates = list(
        Estate.objects.filter(
            Q(pk__in=p.board_estates) | Q(organisation_id__in=p.staff_organisations)
        )
        .select_related("organisation")
        .order_by("organisation__name", "number")
    )
    status = ordinary_status(estates)
    rows = sorted(
        ((e, status[e.pk]) for e in estates),
        key=lambda row: (row[1].planned is not None, row[1].due_by, row[0].name),
    )
    missing = sum(1 for _, due in rows if due.planned is None)
    organisations = sorted({e.organisation for e in estates}, key=lambda o: o.name)
    return {
        "rows": rows[:DUE_LIMIT],
        "more": max(0, len(rows) - DUE_LIMIT),
        "missing": missing,
        "organisations": organisations if p.staff_organisations else [],
    }


def estate_meetings_panel(p: Principal, estate: Estate) -> dict[str, Any] | None:
    """On the estate page: the next meeting the principal may see and the link to all.
    One query."""
    if not access.can_read_estate_meetings(p, estate):
        return None
    meetings = Meeting.objects.filter(estate=estate, starts_at__gte=timezone.now()).exclude(
        status=MeetingStatus.CANCELLED
    )
    if not sees_drafts(p, estate):
        meetings = meetings.filter(
            kind__in=[MeetingKind.ORDINARY, MeetingKind.EXTRAORDINARY],
            status=MeetingStatus.NOTICED,
        )
    return {"estate": estate, "next": meetings.order_by("starts_at", "id").first()}


def residents_meeting_panel(p: Principal) -> dict[str, Any] | None:
    """For a resident who plans nothing: the next afdelingsmøde of their estate whose
    notice is out, with where and when and the link to the agenda. One query."""
    if not p.resident_estates or _plans(p):
        return None
    meeting = (
        Meeting.objects.filter(
            estate_id__in=p.resident_estates,
            kind__in=[MeetingKind.ORDINARY, MeetingKind.EXTRAORDINARY],
            status=MeetingStatus.NOTICED,
            starts_at__gte=timezone.now(),
        )
        .select_related("estate")
        .order_by("starts_at", "id")
        .first()
    )
    return {"meeting": meeting, FRAGMENT_UNTIL: meeting.starts_at if meeting else None}
