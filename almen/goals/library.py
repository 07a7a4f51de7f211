"""The inspiration library: published goals across the sector, searchable, each with
how many others adopted it. Reads only; "adopt this goal" is ``services.goal_copy``."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from almen.goals.models import Goal, Indicator

SIZE_BUCKETS: dict[str, tuple[int, int | None]] = {
    "small": (0, 99),
    "medium": (100, 299),
    "large": (300, 999),
    "xlarge": (1000, None),
}


@dataclass(frozen=True)
class LibraryQuery:
    text: str = ""
    commitment: str = ""
    municipality: str = ""
    region: str = ""
    size: str = ""
    indicator: str = ""


def library_search(query: LibraryQuery) -> QuerySet[Goal]:
    goals = (
        Goal.objects.published()
        .select_related("organisation__municipality", "estate__municipality")
        .annotate(estate_homes=Coalesce(F("estate__unit_count"), 0))
    )
    if query.text:
        goals = goals.filter(
            Q(title__icontains=query.text)
            | Q(local_context__icontains=query.text)
            | Q(organisation__name__icontains=query.text)
        )
    # Exists, not a join: a join needs DISTINCT, and DISTINCT over whole rows made every
    # search and its count sort thousands of goals (docs/performance.md).
    if query.commitment:
        adopts = Goal.commitments.through.objects.filter(
            goal_id=OuterRef("pk"), commitment__code=query.commitment
        )
        goals = goals.filter(Exists(adopts))
    if query.municipality:
        goals = goals.filter(
            Q(estate__municipality__code=query.municipality)
            | Q(estate__isnull=True, organisation__municipality__code=query.municipality)
        )
    if query.region:
        goals = goals.filter(
            Q(estate__municipality__region=query.region)
            | Q(estate__isnull=True, organisation__municipality__region=query.region)
        )
    if query.size in SIZE_BUCKETS:
        low, high = SIZE_BUCKETS[query.size]
        goals = goals.filter(estate__isnull=False, estate_homes__gte=low)
        if high is not None:
            goals = goals.filter(estate_homes__lte=high)
    if query.indicator:
        goals = goals.filter(
            Exists(
                Indicator.objects.filter(goal_id=OuterRef("pk"), title__icontains=query.indicator)
            )
        )
    return goals.order_by("-adoption_count", "title")
