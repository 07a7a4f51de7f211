"""The democracy's metrics for the metric registry (``lib.metrics``), so that goals'
indicators can track turnout, young attendees, meetings and proposals without goals
importing democracy (or democracy goals)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from almen.democracy import stats_selectors
from almen.democracy.models import (
    RESIDENTS_MEETINGS,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Proposal,
)
from almen.lib import metrics
from almen.lib.metrics import Metric, Period

SCOPES = frozenset({"estate", "organisation", "municipality", "sector"})


def _where(scope: str, scope_id: int | None, *, estate: str = "estate") -> Q:
    """Rows of the scope; ``estate`` is the path to the row's estate."""
    if scope == "sector":
        return Q()
    if scope_id is None:
        raise ValueError(f"a {scope} metric needs the {scope}'s id")
    if scope == "estate":
        return Q(**{f"{estate}_id": scope_id})
    if scope == "organisation":
        return Q(**{f"{estate}__organisation_id": scope_id})
    if scope == "municipality":
        return Q(**{f"{estate}__municipality_id": scope_id})
    raise ValueError(f"unknown scope {scope!r}")


def _in_period(field: str, period: Period) -> Q:
    return Q(**{f"{field}__date__gte": period.start, f"{field}__date__lte": period.end})


def _held(scope: str, scope_id: int | None, period: Period) -> QuerySet[Meeting]:
    return Meeting.objects.filter(
        _where(scope, scope_id), _in_period("starts_at", period), status=MeetingStatus.HELD
    )


def meeting_turnout(scope: str, scope_id: int | None, period: Period) -> Decimal | None:
    """Households present (in person or by proxy) over the households on the roll, at
    each estate's latest held ordinary meeting in the period, pooled over the scope."""
    figures = stats_selectors.meeting_figures(
        _held(scope, scope_id, period).filter(kind=MeetingKind.ORDINARY)
    )
    latest = stats_selectors.latest_ordinary(figures).values()
    return stats_selectors.share(
        sum(f.households_present for f in latest), sum(f.roll_size for f in latest)
    )


def share_under_35(scope: str, scope_id: int | None, period: Period) -> Decimal | None:
    """Attendees under 35 among those with a known birth year, at every afdelingsmøde
    held in the period; None for fewer than ``MIN_GROUP`` such attendees."""
    figures = stats_selectors.meeting_figures(
        _held(scope, scope_id, period).filter(kind__in=[k.value for k in RESIDENTS_MEETINGS])
    )
    return stats_selectors.under_35_share(
        sum(f.under_35 for f in figures), sum(f.known_ages for f in figures)
    )


def meetings_held(scope: str, scope_id: int | None, period: Period) -> Decimal:
    """Meetings of every body held in the period (an organisation's own board and
    council meetings count for the organisation, the sector, and its municipality)."""
    if scope == "estate":
        return Decimal(_held(scope, scope_id, period).count())
    where = Q()
    if scope == "organisation":
        where = Q(organisation_id=scope_id)
    elif scope == "municipality":
        if scope_id is None:
            raise ValueError("a municipality metric needs the municipality's id")
        where = Q(estate__municipality_id=scope_id) | Q(
            estate__isnull=True, organisation__municipality_id=scope_id
        )
    return Decimal(
        Meeting.objects.filter(
            where, _in_period("starts_at", period), status=MeetingStatus.HELD
        ).count()
    )


def proposals_submitted(scope: str, scope_id: int | None, period: Period) -> Decimal:
    """Proposals handed in during the period (withdrawn ones included: they were made)."""
    return Decimal(
        Proposal.objects.filter(_where(scope, scope_id), _in_period("submitted_at", period)).count()
    )


SOURCE = _("Almens registrering af møder, fremmøde og forslag i beboerdemokratiet.")


def register_metrics() -> None:
    metrics.register(
        Metric(
            "democracy.meeting_turnout",
            _("Fremmøde på afdelingsmødet"),
            "%",
            SCOPES,
            meeting_turnout,
            _(
                "Husstande til stede (selv eller ved fuldmagt) i procent af husstandene på "
                "listen over stemmeberettigede ved det seneste ordinære afdelingsmøde i "
                "perioden."
            ),
            source=SOURCE,
            method=_(
                "For hver afdeling tages det seneste afholdte ordinære afdelingsmøde i "
                "perioden. Husstande tjekket ind lægges sammen og divideres med husstandene "
                "på listen på skæringsdagen, gange 100, afrundet til én decimal."
            ),
        )
    )
    metrics.register(
        Metric(
            "democracy.share_under_35",
            _("Andel fremmødte under 35 år"),
            "%",
            SCOPES,
            share_under_35,
            _(
                "Fremmødte under 35 år i procent af de fremmødte med kendt fødselsår, på "
                "alle afdelingsmøder i perioden."
            ),
            source=SOURCE,
            method=_(
                "Alderen regnes som mødeåret minus fødselsåret. Tallet beregnes kun, når "
                "mindst 5 fremmødte har et kendt fødselsår."
            ),
        )
    )
    metrics.register(
        Metric(
            "democracy.meetings_held",
            _("Afholdte møder"),
            "møder",
            SCOPES,
            meetings_held,
            _("Afholdte møder i beboerdemokratiet og bestyrelserne i perioden."),
            source=SOURCE,
            method=_(
                "Tæller møder med status afholdt, hvis dato ligger i perioden: "
                "afdelingsmøder, bestyrelsesmøder og repræsentantskabsmøder."
            ),
        )
    )
    metrics.register(
        Metric(
            "democracy.proposals_submitted",
            _("Indsendte forslag"),
            "forslag",
            SCOPES,
            proposals_submitted,
            _("Forslag til afdelingsmøder, indsendt i perioden."),
            source=SOURCE,
            method=_(
                "Tæller forslag efter indsendelsesdato, også dem der senere blev trukket "
                "tilbage eller afvist."
            ),
        )
    )
