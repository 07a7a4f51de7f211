"""Participation statistics of the secret ballots (issue 9, item 7): per counted ballot,
the households on the roll, the households that took part (by any channel), the votes
cast, and the share of the voters under 35 among those whose birth year is known (the
residents ``ballots_box.cast`` records on the household's ``Participation``), shown
only for a group of at least ``stats_selectors.MIN_GROUP`` (``None`` below).

Only who took part is counted, never what anyone chose: these figures come from the
participation rows and the roll, not from the box.

The roll is the one frozen in the ballot's tally when it was counted (``tally["roll"]``:
the roll depends on the day for households that moved out, and the turnout of a past
ballot must not drift). A counted ballot without a stored tally falls back to the roll
of today (one query for that ballot).

Two metrics feed goals through the metric registry (``stats_metrics``' scopes):
``democracy.referendum_turnout`` (the urafstemninger only: commitment 3.2 tracks it
over years) and ``democracy.ballot_share_under_35`` (every counted ballot).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from almen.democracy import ballots_box, stats_selectors
from almen.democracy.models import Ballot, BallotPurpose, BallotState, Participation
from almen.democracy.stats_metrics import SCOPES
from almen.lib import metrics
from almen.lib.metrics import Metric, Period

# A ballot counts once its votes are counted (the turnout is known then, whether or not
# the board has published the result yet).
COUNTED_STATES = (BallotState.COUNTED, BallotState.PUBLISHED)


@dataclass(frozen=True)
class BallotFigures:
    ballot: Ballot
    roll_size: int
    households_voted: int  # households that used at least one vote, by any channel
    votes: int  # votes used, every channel
    known_ages: int  # recorded voters with a known birth year
    under_35: int  # of those, younger than 35 in the year the ballot closed

    @property
    def turnout(self) -> Decimal | None:
        return stats_selectors.share(self.households_voted, self.roll_size)

    @property
    def share_under_35(self) -> Decimal | None:
        return stats_selectors.under_35_share(self.under_35, self.known_ages)

    @property
    def year(self) -> int:
        return timezone.localtime(self.ballot.closes_at).year


def _count(queryset: QuerySet[Any], group: str) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.order_by().values(group).annotate(n=Count("*")).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _votes(queryset: QuerySet[Any]) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.order_by()
            .values("ballot_id")
            .annotate(n=Sum("votes_digital") + Sum("votes_hall") + Sum("votes_paper"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def with_figures(ballots: QuerySet[Ballot]) -> QuerySet[Ballot]:
    """Annotate ``voted``, ``used``, ``known_ages`` and ``young`` on each ballot (one
    query for any number of ballots)."""
    took_part = Participation.objects.filter(ballot_id=OuterRef("pk")).filter(
        Q(votes_digital__gt=0) | Q(votes_hall__gt=0) | Q(votes_paper__gt=0)
    )
    voters = Participation.residents.through.objects.filter(
        participation__ballot_id=OuterRef("pk"), resident__birth_year__isnull=False
    )
    return ballots.annotate(closes_year=ExtractYear("closes_at")).annotate(
        voted=_count(took_part, "ballot_id"),
        used=_votes(Participation.objects.filter(ballot_id=OuterRef("pk"))),
        known_ages=_count(voters, "participation__ballot_id"),
        young=_count(
            voters.filter(
                resident__birth_year__gt=OuterRef("closes_year") - stats_selectors.UNDER_35_AGE
            ),
            "participation__ballot_id",
        ),
    )


def _roll_size(ballot: Ballot) -> int:
    stored = (ballot.tally or {}).get("roll")
    if isinstance(stored, int) and stored >= 0:
        return stored
    return ballots_box.roll(ballot).count()


def figures_of(ballots: Iterable[Ballot]) -> list[BallotFigures]:
    return [
        BallotFigures(
            ballot=b,
            roll_size=_roll_size(b),
            households_voted=b.voted,  # type: ignore[attr-defined]
            votes=b.used,  # type: ignore[attr-defined]
            known_ages=b.known_ages,  # type: ignore[attr-defined]
            under_35=b.young,  # type: ignore[attr-defined]
        )
        for b in ballots
    ]


def counted_ballots() -> QuerySet[Ballot]:
    return Ballot.objects.filter(state__in=COUNTED_STATES)


def ballot_figures(ballots: QuerySet[Ballot]) -> list[BallotFigures]:
    return figures_of(with_figures(ballots.select_related("estate")))


def estate_ballots(estate_id: int) -> list[BallotFigures]:
    """The estate's counted ballots of the last ``YEARS_SHOWN`` years, newest first."""
    since = stats_selectors._since()
    return ballot_figures(
        counted_ballots()
        .filter(estate_id=estate_id, closes_at__date__gte=since)
        .order_by("-closes_at", "-id")
    )


def organisation_ballots(organisation_id: int) -> list[BallotFigures]:
    """The organisation's counted ballots of the last ``YEARS_SHOWN`` years."""
    since = stats_selectors._since()
    return ballot_figures(
        counted_ballots()
        .filter(estate__organisation_id=organisation_id, closes_at__date__gte=since)
        .order_by("closes_at", "id")
    )


@dataclass(frozen=True)
class BallotYear:
    """One year of urafstemninger (or of every ballot), pooled."""

    year: int
    ballots: int
    roll_size: int
    households_voted: int
    votes: int
    known_ages: int
    under_35: int

    @property
    def turnout(self) -> Decimal | None:
        return stats_selectors.share(self.households_voted, self.roll_size)

    @property
    def share_under_35(self) -> Decimal | None:
        return stats_selectors.under_35_share(self.under_35, self.known_ages)


def by_year(figures: Sequence[BallotFigures]) -> list[BallotYear]:
    """Per year the ballots closed, oldest first: turnout pools the ballots (households
    that took part in any of them over the rolls of all of them)."""
    groups: dict[int, list[BallotFigures]] = defaultdict(list)
    for f in figures:
        groups[f.year].append(f)
    return [
        BallotYear(
            year=year,
            ballots=len(rows),
            roll_size=sum(f.roll_size for f in rows),
            households_voted=sum(f.households_voted for f in rows),
            votes=sum(f.votes for f in rows),
            known_ages=sum(f.known_ages for f in rows),
            under_35=sum(f.under_35 for f in rows),
        )
        for year, rows in sorted(groups.items())
    ]


def referenda(figures: Iterable[BallotFigures]) -> list[BallotFigures]:
    return [f for f in figures if f.ballot.purpose == BallotPurpose.REFERENDUM]


@dataclass(frozen=True)
class YearRow:
    """One year of the organisation's page: the urafstemninger's turnout (the metric
    ``referendum_turnout``) beside every ballot's voters under 35 (the metric
    ``ballot_share_under_35``)."""

    year: int
    every: BallotYear  # every counted ballot of the year
    referenda: BallotYear | None  # its urafstemninger, if any

    @property
    def turnout(self) -> Decimal | None:
        return self.referenda.turnout if self.referenda else None

    @property
    def share_under_35(self) -> Decimal | None:
        return self.every.share_under_35


def year_rows(figures: Sequence[BallotFigures]) -> list[YearRow]:
    referenda_years = {y.year: y for y in by_year(referenda(figures))}
    return [YearRow(y.year, y, referenda_years.get(y.year)) for y in by_year(figures)]


# --- metrics ---------------------------------------------------------------------------


def _in_scope(scope: str, scope_id: int | None, period: Period) -> QuerySet[Ballot]:
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    where = Q()
    if scope != "sector":
        if scope_id is None:
            raise ValueError(f"a {scope} metric needs the {scope}'s id")
        where = {
            "estate": Q(estate_id=scope_id),
            "organisation": Q(estate__organisation_id=scope_id),
            "municipality": Q(estate__municipality_id=scope_id),
        }[scope]
    return counted_ballots().filter(
        where, closes_at__date__gte=period.start, closes_at__date__lte=period.end
    )


def referendum_turnout(scope: str, scope_id: int | None, period: Period) -> Decimal | None:
    """Households that took part over the households on the roll, pooled over every
    counted urafstemning of the scope that closed in the period; None without one."""
    figures = ballot_figures(
        _in_scope(scope, scope_id, period).filter(purpose=BallotPurpose.REFERENDUM)
    )
    return stats_selectors.share(
        sum(f.households_voted for f in figures), sum(f.roll_size for f in figures)
    )


def ballot_share_under_35(scope: str, scope_id: int | None, period: Period) -> Decimal | None:
    """Recorded voters under 35 among those with a known birth year, in every counted
    ballot of the scope that closed in the period; None for fewer than ``MIN_GROUP``."""
    figures = ballot_figures(_in_scope(scope, scope_id, period))
    return stats_selectors.under_35_share(
        sum(f.under_35 for f in figures), sum(f.known_ages for f in figures)
    )


SOURCE = _("Almens hemmelige afstemninger: hvem der har stemt, aldrig hvad de stemte.")


def register_metrics() -> None:
    metrics.register(
        Metric(
            "democracy.referendum_turnout",
            _("Deltagelse i urafstemninger"),
            "%",
            SCOPES,
            referendum_turnout,
            _(
                "Husstande, der stemte, i procent af husstandene på listen over "
                "stemmeberettigede, i de urafstemninger, der sluttede i perioden."
            ),
            source=SOURCE,
            method=_(
                "Tager de optalte urafstemninger, der lukkede i perioden. En husstand "
                "tæller med, når den har brugt mindst én af sine 2 stemmer – på telefon, "
                "på papir eller i salen. Husstandene, der stemte, lægges sammen og "
                "divideres med husstandene på listen på skæringsdagen, gange 100, "
                "afrundet til én decimal."
            ),
        )
    )
    metrics.register(
        Metric(
            "democracy.ballot_share_under_35",
            _("Andel af stemmerne i afstemninger under 35 år"),
            "%",
            SCOPES,
            ballot_share_under_35,
            _(
                "Beboere under 35 år i procent af de beboere med kendt fødselsår, der "
                "stemte i de hemmelige afstemninger, der sluttede i perioden."
            ),
            source=SOURCE,
            method=_(
                "Alderen regnes som året, afstemningen lukkede, minus fødselsåret. Med "
                "tæller de beboere, Almen ved har stemt (dem, der stemte digitalt). "
                "Tallet beregnes kun, når mindst 5 af dem har et kendt fødselsår."
            ),
        )
    )
