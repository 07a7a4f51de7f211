"""Participation statistics of the residents' meetings (issue 8, item 9).

Per held afdelingsmøde (ordinary or extraordinary): households present (in person or
represented by a proxy), the roll (households entitled to vote on the roll's cut-off
day, recomputed from the register's tenancies, so nothing is stored), votes present
(2 per household, proxies included), and the share of attendees under 35 among those
whose birth year is known, shown only for a group of at least ``MIN_GROUP`` such
attendees (``None`` below: too few to show without pointing at persons).

Every figure of any number of meetings comes from one query (``meeting_figures``):
the counts are correlated subqueries, so the statistics pages make a number of
queries that does not grow with the number of meetings, estates or attendees.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DateField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear, TruncDate
from django.utils import timezone

from almen.democracy import rules
from almen.democracy.models import (
    RESIDENTS_MEETINGS,
    Attendance,
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from almen.register.models import Household

# The under-35 share is shown for a group of at least this many attendees whose birth
# year is known; below it, "for få til at vise".
MIN_GROUP = 5
# How far back the statistics pages look (the trend over years).
YEARS_SHOWN = 10
UNDER_35_AGE = 35
PERCENT = Decimal("0.1")


def share(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in per cent with one decimal; None without a whole."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(PERCENT)


def under_35_share(under: int, known: int) -> Decimal | None:
    """The share under 35 of attendees with a known birth year: None below MIN_GROUP."""
    if known < MIN_GROUP:
        return None
    return share(under, known)


@dataclass(frozen=True)
class MeetingFigures:
    meeting: Meeting
    roll_size: int
    households_present: int  # in person or by proxy
    households_by_proxy: int
    known_ages: int  # attendees (persons) with a known birth year
    under_35: int  # of those, younger than 35 in the meeting's year

    @property
    def votes_present(self) -> int:
        return self.households_present * rules.VOTES_PER_HOUSEHOLD

    @property
    def turnout(self) -> Decimal | None:
        return share(self.households_present, self.roll_size)

    @property
    def share_under_35(self) -> Decimal | None:
        return under_35_share(self.under_35, self.known_ages)

    @property
    def year(self) -> int:
        return self.meeting.meeting_on.year


def _count(queryset: QuerySet[Any], group: str) -> Coalesce:
    """A correlated COUNT(*) of ``queryset`` (already filtered on an OuterRef)."""
    return Coalesce(
        Subquery(
            queryset.order_by().values(group).annotate(n=Count("*")).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def with_figures(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Annotate ``roll_count``, ``present``, ``proxies``, ``known_ages`` and
    ``young`` on each meeting (one query for any number of meetings)."""
    residents = Attendance.residents.through.objects.filter(
        attendance__meeting_id=OuterRef("pk"), resident__birth_year__isnull=False
    )
    roll = Household.objects.filter(
        unit__estate_id=OuterRef("estate_id"), moved_in__lte=OuterRef("roll_day")
    ).filter(Q(moved_out__isnull=True) | Q(moved_out__gte=OuterRef("roll_day")))
    return meetings.annotate(
        # The roll's cut-off day; a meeting held without one counts its own day.
        roll_day=Coalesce(F("roll_on"), TruncDate("starts_at"), output_field=DateField()),
        meeting_year=ExtractYear("starts_at"),
    ).annotate(
        roll_count=_count(roll, "unit__estate_id"),
        present=_count(Attendance.objects.filter(meeting_id=OuterRef("pk")), "meeting_id"),
        proxies=_count(
            Attendance.objects.filter(meeting_id=OuterRef("pk"), holder__isnull=False),
            "meeting_id",
        ),
        known_ages=_count(residents, "attendance__meeting_id"),
        young=_count(
            residents.filter(resident__birth_year__gt=OuterRef("meeting_year") - UNDER_35_AGE),
            "attendance__meeting_id",
        ),
    )


def figures_of(meetings: Iterable[Meeting]) -> list[MeetingFigures]:
    """Figures of meetings annotated by ``with_figures``."""
    return [
        MeetingFigures(
            meeting=m,
            roll_size=m.roll_count,  # type: ignore[attr-defined]
            households_present=m.present,  # type: ignore[attr-defined]
            households_by_proxy=m.proxies,  # type: ignore[attr-defined]
            known_ages=m.known_ages,  # type: ignore[attr-defined]
            under_35=m.young,  # type: ignore[attr-defined]
        )
        for m in meetings
    ]


def held_residents_meetings(since: dt.date | None = None) -> QuerySet[Meeting]:
    """Held afdelingsmøder (ordinary and extraordinary), oldest first."""
    queryset = Meeting.objects.filter(
        kind__in=[k.value for k in RESIDENTS_MEETINGS], status=MeetingStatus.HELD
    )
    if since is not None:
        queryset = queryset.filter(starts_at__date__gte=since)
    return queryset.order_by("starts_at", "id")


def _since() -> dt.date:
    return dt.date(timezone.localdate().year - YEARS_SHOWN + 1, 1, 1)


def meeting_figures(meetings: QuerySet[Meeting]) -> list[MeetingFigures]:
    return figures_of(with_figures(meetings.select_related("estate")))


@dataclass(frozen=True)
class YearFigures:
    """One year of one estate or organisation: every held afdelingsmøde pooled."""

    year: int
    meetings: int
    ordinary: int
    roll_size: int
    households_present: int
    known_ages: int
    under_35: int

    @property
    def votes_present(self) -> int:
        return self.households_present * rules.VOTES_PER_HOUSEHOLD

    @property
    def turnout(self) -> Decimal | None:
        return share(self.households_present, self.roll_size)

    @property
    def share_under_35(self) -> Decimal | None:
        return under_35_share(self.under_35, self.known_ages)


def by_year(figures: Sequence[MeetingFigures]) -> list[YearFigures]:
    """The trend: per year, oldest first. Turnout pools the meetings (households present
    at all of them over the rolls of all of them)."""
    groups: dict[int, list[MeetingFigures]] = defaultdict(list)
    for f in figures:
        groups[f.year].append(f)
    return [
        YearFigures(
            year=year,
            meetings=len(rows),
            ordinary=sum(1 for f in rows if f.meeting.kind == MeetingKind.ORDINARY),
            roll_size=sum(f.roll_size for f in rows),
            households_present=sum(f.households_present for f in rows),
            known_ages=sum(f.known_ages for f in rows),
            under_35=sum(f.under_35 for f in rows),
        )
        for year, rows in sorted(groups.items())
    ]


def latest_ordinary(figures: Sequence[MeetingFigures]) -> dict[int, MeetingFigures]:
    """Per estate id, its latest held ordinary meeting among ``figures``."""
    out: dict[int, MeetingFigures] = {}
    for f in figures:
        if f.meeting.kind != MeetingKind.ORDINARY or f.meeting.estate_id is None:
            continue
        current = out.get(f.meeting.estate_id)
        if current is None or f.meeting.starts_at >= current.meeting.starts_at:
            out[f.meeting.estate_id] = f
    return out


def estate_participation(estate_id: int) -> list[MeetingFigures]:
    """The estate's held afdelingsmøder of the last ``YEARS_SHOWN`` years."""
    return meeting_figures(held_residents_meetings(_since()).filter(estate_id=estate_id))


def organisation_participation(organisation_id: int) -> list[MeetingFigures]:
    """Every held afdelingsmøde of the organisation's estates, last ``YEARS_SHOWN`` years."""
    return meeting_figures(
        held_residents_meetings(_since()).filter(organisation_id=organisation_id)
    )


CSV_HEADER = (
    "afdeling",
    "afdelingens_navn",
    "dato",
    "moedetype",
    "husstande_paa_listen",
    "husstande_til_stede",
    "heraf_ved_fuldmagt",
    "stemmer_til_stede",
    "fremmoede_procent",
    "deltagere_med_kendt_alder",
    "andel_under_35_procent",
)


def csv_rows(figures: Sequence[MeetingFigures]) -> list[tuple[object, ...]]:
    """One row per meeting; the under-35 columns are empty below ``MIN_GROUP`` (the
    count of known ages too: a small group's count would tell the same)."""
    rows: list[tuple[object, ...]] = []
    for f in figures:
        estate = f.meeting.estate
        small = f.known_ages < MIN_GROUP
        rows.append(
            (
                estate.number if estate else None,
                estate.name if estate else None,
                f.meeting.meeting_on,
                f.meeting.kind,
                f.roll_size,
                f.households_present,
                f.households_by_proxy,
                f.votes_present,
                f.turnout,
                None if small else f.known_ages,
                f.share_under_35,
            )
        )
    return rows
