"""Reads for the meeting in the hall. Each makes a fixed number of queries, whatever
the size of the estate (the live count is polled every 5 seconds by every device at
the door, and benchmarked at national scale)."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from almen.democracy import rules, services
from almen.democracy.models import AgendaItem, Amendment, Attendance, Candidate, Meeting
from almen.register.models import Household, Resident

SEARCH_MIN = 2
SEARCH_MAX = 100  # characters of a search
SEARCH_LIMIT = 20  # households shown for one search: never the whole roll


@dataclass(frozen=True)
class HallCount:
    on_roll: int
    present: int  # households checked in themselves
    represented: int  # households represented by a proxy

    @property
    def households(self) -> int:
        return self.present + self.represented

    @property
    def votes(self) -> int:
        return self.households * rules.VOTES_PER_HOUSEHOLD

    @property
    def share(self) -> float | None:
        """Households present (incl. by proxy) as a percentage of the roll."""
        if not self.on_roll:
            return None
        return round(100 * self.households / self.on_roll, 1)


def hall_count(meeting: Meeting) -> HallCount:
    """The live count: two queries (the roll, and attendance by kind)."""
    on_roll = services.roll(meeting).count()
    counts = Attendance.objects.filter(meeting=meeting).aggregate(
        present=Count("pk", filter=Q(holder__isnull=True)),
        represented=Count("pk", filter=Q(holder__isnull=False)),
    )
    return HallCount(
        on_roll=on_roll, present=counts["present"] or 0, represented=counts["represented"] or 0
    )


def _adults(on: datetime.date) -> QuerySet[Resident]:
    """A household's adult residents (no birth year: counted, see ``rules.is_adult``),
    without the birth year itself being shown anywhere."""
    born_by = on.year - rules.ADULT_AGE
    return Resident.objects.filter(
        Q(birth_year__isnull=True) | Q(birth_year__lte=born_by), anonymised_at__isnull=True
    ).only("pk", "public_id", "name", "household_id")


def _with_hall_state(qs: QuerySet[Household], meeting: Meeting) -> QuerySet[Household]:
    on = timezone.localdate()
    attendance = Attendance.objects.filter(meeting=meeting, household=OuterRef("pk"))
    return (
        qs.select_related("unit")
        .annotate(
            present=Exists(attendance.filter(holder__isnull=True)),
            represented=Exists(attendance.filter(holder__isnull=False)),
            attendance_pk=Subquery(attendance.values("pk")[:1]),
        )
        .prefetch_related(Prefetch("residents", queryset=_adults(on), to_attr="adults"))
    )


@dataclass
class Search:
    q: str
    hits: list[Household] = field(default_factory=list)
    more: bool = False  # more than SEARCH_LIMIT matched: search more precisely
    too_short: bool = False


def roll_search(meeting: Meeting, q: str, *, exclude: Household | None = None) -> Search:
    """Households on the roll whose address contains ``q`` or whose unit number starts
    with it: at most SEARCH_LIMIT, and nothing for fewer than SEARCH_MIN characters (the
    desk looks up one household at a time; no page lists the roll)."""
    q = " ".join(q.split())[:SEARCH_MAX]
    if len(q) < SEARCH_MIN:
        return Search(q=q, too_short=bool(q))
    qs = services.roll(meeting).filter(
        Q(unit__address__icontains=q) | Q(unit__number__istartswith=q)
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    hits = list(
        _with_hall_state(qs, meeting).order_by("unit__address", "unit__number")[: SEARCH_LIMIT + 1]
    )
    return Search(q=q, hits=hits[:SEARCH_LIMIT], more=len(hits) > SEARCH_LIMIT)


def household_by_public_id(public_id: uuid.UUID | str) -> Household | None:
    """Any household (the services decide whether it is on the meeting's roll)."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return Household.objects.select_related("unit").filter(public_id=key).first()


def household_for_hall(meeting: Meeting, household: Household) -> Household:
    """One household with its adults and its state at this meeting."""
    return _with_hall_state(Household.objects.filter(pk=household.pk), meeting).get()


def attendance_of(meeting: Meeting, household: Household) -> Attendance | None:
    return (
        Attendance.objects.select_related("holder__household__unit")
        .annotate(carried=Count("proxies"))
        .filter(meeting=meeting, household=household)
        .first()
    )


def on_roll(meeting: Meeting, household: Household) -> bool:
    return services.roll(meeting).filter(pk=household.pk).exists()


def hall_items(meeting: Meeting) -> list[AgendaItem]:
    """The agenda with amendments, candidates and each item's decision: three queries."""
    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("decision")
        .prefetch_related(
            Prefetch("amendments", queryset=Amendment.objects.order_by("recorded_at", "id")),
            Prefetch("candidates", queryset=Candidate.objects.order_by("post", "name", "id")),
        )
        .order_by("position", "id")
    )
