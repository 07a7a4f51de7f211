"""Reads of the meetings part: the timeline of a meeting with each step's state, an
estate's meetings as a principal may see them, the yearly ordinary meeting's due date,
and the organisation's calendar and deadlines at risk, each in a fixed number of
queries whatever the number of estates and meetings."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from almen.access.policy import Principal, Scope
from almen.democracy import rules
from almen.democracy.models import (
    RESIDENTS_MEETINGS,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Minutes,
)
from almen.register.models import Estate

StrOrPromise = str | Promise

STEP_LABELS = {
    "notice": _("Indkaldelse senest"),
    "proposals": _("Forslag senest"),
    "material": _("Materiale senest"),
    "meeting": _("Mødet"),
    "minutes": _("Referat senest"),
}

# Step states.
DONE = "done"  # done in time
DONE_LATE = "done_late"  # done, after the deadline
LATE = "late"  # the deadline has passed and it is not done
SOON = "soon"  # within WARN_AHEAD days, not done
UPCOMING = "upcoming"
PASSED = "passed"  # a deadline with nothing to do (proposals: the part's own)
CANCELLED = "cancelled"

STATE_LABELS = {
    DONE: _("Klaret"),
    DONE_LATE: _("Klaret for sent"),
    LATE: _("Overskredet"),
    SOON: _("Snart"),
    UPCOMING: _("Kommende"),
    PASSED: _("Fristen er gået"),
    CANCELLED: _("Aflyst"),
}

STATE_CSS = {
    DONE: "target_achieved",
    DONE_LATE: "moderate_progress",
    LATE: "deterioration",
    SOON: "moderate_progress",
    UPCOMING: "no_data",
    PASSED: "no_data",
    CANCELLED: "no_data",
}


@dataclass(frozen=True)
class Step:
    key: str
    label: StrOrPromise  # lazy: translated when shown, not for every step computed
    day: datetime.date
    state: str
    done_on: datetime.date | None = None

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def css(self) -> str:
        """The house's status badge that fits (site.css ``almen-status--*``)."""
        return STATE_CSS[self.state]

    @property
    def at_risk(self) -> bool:
        return self.state in (LATE, SOON)


def _local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def minutes_published_on(meeting: Meeting) -> datetime.date | None:
    """The day the minutes were published (the minutes part writes them), or None.
    Uses a ``select_related("minutes")`` when the query had one."""
    try:
        minutes = meeting.minutes
    except Minutes.DoesNotExist:
        return None
    return _local_date(minutes.published_at)


def _state(day: datetime.date, done_on: datetime.date | None, today: datetime.date) -> str:
    if done_on is not None:
        return DONE if done_on <= day else DONE_LATE
    if today > day:
        return LATE
    if day - today <= rules.WARN_AHEAD:
        return SOON
    return UPCOMING


def timeline_steps(meeting: Meeting, today: datetime.date | None = None) -> list[Step]:
    """Every step of the meeting's legal timeline in order, each with its state."""
    today = today or timezone.localdate()
    cancelled = meeting.status == MeetingStatus.CANCELLED
    out = []
    for key, day in meeting.timeline.steps():
        done_on: datetime.date | None = None
        if cancelled:
            state = CANCELLED
        elif key == "notice":
            done_on = _local_date(meeting.notice_published_at)
            state = _state(day, done_on, today)
        elif key == "material":
            done_on = _local_date(meeting.material_published_at)
            state = _state(day, done_on, today)
        elif key == "minutes":
            done_on = minutes_published_on(meeting)
            state = _state(day, done_on, today) if today >= meeting.meeting_on else UPCOMING
        elif key == "meeting":
            state = DONE if today > day or meeting.status == MeetingStatus.HELD else UPCOMING
            if state == UPCOMING and day - today <= rules.WARN_AHEAD:
                state = SOON
        else:  # proposals: handed in by residents, nothing for the board to finish
            state = PASSED if today > day else UPCOMING
        out.append(Step(key, STEP_LABELS[key], day, state, done_on))
    return out


def open_deadlines(meeting: Meeting, today: datetime.date) -> list[Step]:
    """The board's deadlines of a meeting that are not met and are within
    ``WARN_AHEAD`` days or passed: the notice of a draft, the material of a noticed
    afdelingsmøde before it, the minutes after it."""
    if meeting.status == MeetingStatus.CANCELLED:
        return []
    out = []
    for step in timeline_steps(meeting, today):
        if not step.at_risk:
            continue
        if step.key in ("notice", "material") and today > meeting.meeting_on:
            continue  # the meeting is behind us: only its minutes are still owed
        if step.key == "material" and meeting.status == MeetingStatus.DRAFT:
            continue  # the notice comes first; it is the deadline shown
        if step.key == "minutes" and today < meeting.meeting_on:
            continue
        if step.key in ("notice", "material", "minutes"):
            out.append(step)
    return out


# --- estates --------------------------------------------------------------------------


def sees_drafts(p: Principal, estate: Estate) -> bool:
    return p.can_manage(Scope.of_estate(estate)) or p.is_board_of_organisation(
        estate.organisation_id
    )


def estate_meetings(p: Principal, estate: Estate) -> QuerySet[Meeting]:
    """The estate's meetings this principal may read (access.can_read_meeting as a
    queryset): residents see the afdelingsmøder whose notice is out."""
    meetings = Meeting.objects.filter(estate=estate)
    if sees_drafts(p, estate):
        return meetings
    return meetings.filter(
        kind__in=[k.value for k in RESIDENTS_MEETINGS], notice_published_at__isnull=False
    ).exclude(status=MeetingStatus.DRAFT)


def previous_due(due: datetime.date) -> datetime.date:
    """The same deadline one year earlier (a due day is always a month's last day)."""
    first_after = datetime.date(due.year - 1 + due.month // 12, due.month % 12 + 1, 1)
    return first_after - datetime.timedelta(days=1)


@dataclass(frozen=True)
class OrdinaryDue:
    due_by: datetime.date
    planned: Meeting | None

    @property
    def window_start(self) -> datetime.date:
        return previous_due(self.due_by) + datetime.timedelta(days=1)


def ordinary_due(estate: Estate, today: datetime.date | None = None) -> datetime.date:
    return rules.ordinary_due_by(
        fiscal_year_start_month=estate.fiscal_year_start_month,
        today=today or timezone.localdate(),
    )


def _ordinary_meetings(
    estate_ids: Iterable[int], start: datetime.date, end: datetime.date
) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(
            estate_id__in=list(estate_ids),
            kind=MeetingKind.ORDINARY,
            # Bounds as instants (an index range), not the local date of each row.
            starts_at__gte=_aware(start),
            starts_at__lt=_aware(end + datetime.timedelta(days=1)),
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .only("id", "public_id", "estate_id", "kind", "title", "starts_at", "status")
        .order_by("starts_at")
    )


def ordinary_status(
    estates: list[Estate], today: datetime.date | None = None
) -> dict[int, OrdinaryDue]:
    """For each estate: the coming "ordinært afdelingsmøde senest" day and the ordinary
    meeting planned (or held) for it in the year before that day. One query."""
    today = today or timezone.localdate()
    dues = {e.pk: ordinary_due(e, today) for e in estates}
    if not dues:
        return {}
    start = min(previous_due(d) for d in dues.values()) + datetime.timedelta(days=1)
    found: dict[int, Meeting] = {}
    for meeting in _ordinary_meetings(dues, start, max(dues.values())):
        assert meeting.estate_id is not None
        due = dues[meeting.estate_id]
        if previous_due(due) < meeting.meeting_on <= due:
            found.setdefault(meeting.estate_id, meeting)
    return {pk: OrdinaryDue(due, found.get(pk)) for pk, due in dues.items()}


# --- the organisation's overview ------------------------------------------------------


def month_start(day: datetime.date, months: int = 0) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def calendar(
    organisation_id: int, first: datetime.date, months: int = 6
) -> list[tuple[datetime.date, list[Meeting]]]:
    """The organisation's meetings (all estates and its own bodies) by month, from the
    month of ``first`` for ``months`` months. One query."""
    start = month_start(first)
    end = month_start(first, months)
    by_month: dict[datetime.date, list[Meeting]] = defaultdict(list)
    for meeting in (
        Meeting.objects.filter(
            organisation_id=organisation_id, starts_at__gte=_aware(start), starts_at__lt=_aware(end)
        )
        .select_related("estate")
        .order_by("starts_at", "id")
    ):
        by_month[month_start(meeting.meeting_on)].append(meeting)
    return [(month_start(start, n), by_month[month_start(start, n)]) for n in range(months)]


@dataclass(frozen=True)
class AtRisk:
    estate: Estate
    ordinary: OrdinaryDue
    deadlines: list[tuple[Meeting, Step]]

    @property
    def ordinary_missing(self) -> bool:
        return self.ordinary.planned is None


# How far back an unpublished minutes deadline is still shown (older ones are history).
RISK_LOOKBACK = datetime.timedelta(days=365)


def deadlines_at_risk(organisation_id: int, today: datetime.date | None = None) -> list[AtRisk]:
    """Each estate of the organisation whose ordinary meeting for the coming due day is
    not planned, or that has a deadline (notice, material, minutes) within
    ``WARN_AHEAD`` days or passed and not met. Three queries for any number of estates."""
    today = today or timezone.localdate()
    estates = list(
        Estate.objects.filter(organisation_id=organisation_id)
        .select_related("organisation")
        .order_by("number")
    )
    ordinary = ordinary_status(estates, today)
    pending: dict[int, list[tuple[Meeting, Step]]] = defaultdict(list)
    meetings = (
        Meeting.objects.filter(
            organisation_id=organisation_id,
            estate__isnull=False,
            starts_at__gte=_aware(today - RISK_LOOKBACK),
            starts_at__lt=_aware(today + rules.NOTICE_ORDINARY + rules.WARN_AHEAD),
        )
        .exclude(status=MeetingStatus.CANCELLED)
        # A past meeting whose minutes are out owes nothing: leave it in the database.
        .filter(Q(starts_at__gte=_aware(today)) | Q(minutes__published_at__isnull=True))
        .select_related("minutes")
        .order_by("starts_at")
    )
    for meeting in meetings:
        assert meeting.estate_id is not None
        for step in open_deadlines(meeting, today):
            pending[meeting.estate_id].append((meeting, step))
    out = []
    for estate in estates:
        due = ordinary[estate.pk]
        if due.planned is None or pending[estate.pk]:
            out.append(AtRisk(estate, due, sorted(pending[estate.pk], key=lambda ms: ms[1].day)))
    return out


def upcoming_for(
    p: Principal, *, limit: int = 5, now: datetime.datetime | None = None
) -> QuerySet[Meeting]:
    """The next meetings of the estates whose board the principal sits on and of the
    organisations they work for (drafts included: they plan them)."""
    now = now or timezone.now()
    scope = Q(estate_id__in=p.board_estates) | Q(organisation_id__in=p.staff_organisations)
    return (
        Meeting.objects.filter(scope, starts_at__gte=now)
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("estate", "organisation")
        .order_by("starts_at", "id")[:limit]
    )
