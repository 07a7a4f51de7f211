"""Reads for goals: statuses with their inputs, review due dates, overdue actions.
Query counts are fixed per page, whatever the number of goals (tests bound them)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from almen.access.policy import Principal
from almen.accounts.models import User
from almen.goals.access import visible_goals
from almen.goals.models import (
    Action,
    ActionStatus,
    Goal,
    GoalStatus,
    Indicator,
    IndicatorSource,
    Measurement,
)
from almen.goals.progress import Calculation, compute
from almen.goals.responsible import RELATED
from almen.lib import metrics
from almen.register.models import BodyMembership


def with_latest(indicators: QuerySet[Indicator]) -> QuerySet[Indicator]:
    latest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-date")
    return indicators.annotate(
        latest_value=Subquery(latest.values("value")[:1]),
        latest_date=Subquery(latest.values("date")[:1]),
    )


@dataclass(frozen=True)
class IndicatorMetadata:
    """What an indicator's number means and where it comes from (Open SDG's metadata
    section). For an indicator bound to a metric, definition, source and method are the
    metric's registration's (``lib.metrics``) and the measuring is Almen's own."""

    definition: str
    unit: str
    source: str
    method: str
    measured_by: str
    frequency: str
    from_metric: bool

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) in Open SDG's order; an empty value is shown as not given."""
        return [
            (_("Definition"), self.definition),
            (_("Enhed"), self.unit),
            (_("Datakilde"), self.source),
            (_("Metode"), self.method),
            (_("Hvem måler"), self.measured_by),
            (_("Hvor ofte"), self.frequency),
        ]


def indicator_metadata(indicator: Indicator) -> IndicatorMetadata:
    metric = None
    if indicator.source == IndicatorSource.METRIC and indicator.metric_key:
        try:
            metric = metrics.get(indicator.metric_key)
        except metrics.UnknownMetric:
            metric = None

    def pick(own: str, registered: object) -> str:
        return (str(registered or "") or own) if metric is not None else own

    return IndicatorMetadata(
        definition=pick(indicator.definition, metric and metric.description),
        unit=indicator.unit,
        source=pick(indicator.data_source, metric and metric.source),
        method=pick(indicator.method, metric and metric.method),
        measured_by=(
            _("Almen beregner tallet (»%(label)s«).") % {"label": metric.label}
            if metric is not None
            else indicator.measured_by
        ),
        frequency=indicator.get_frequency_display() if indicator.frequency else "",
        from_metric=metric is not None,
    )


def calculation(indicator: Indicator) -> Calculation:
    """The computed status; uses the ``with_latest`` annotation when present."""
    if hasattr(indicator, "latest_date"):
        latest_value = getattr(indicator, "latest_value", None)
        latest_date = getattr(indicator, "latest_date", None)
    else:
        last = indicator.measurements.order_by("-date").first()
        latest_value, latest_date = (last.value, last.date) if last else (None, None)
    return compute(
        direction=indicator.direction,
        baseline=indicator.baseline_value,
        baseline_date=indicator.baseline_date,
        target=indicator.target_value,
        target_date=indicator.target_date,
        latest=latest_value,
        latest_date=latest_date,
        tolerance=indicator.tolerance,
    )


@dataclass(frozen=True)
class ReviewDue:
    last: dt.date | None
    due: dt.date
    overdue: bool


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    if year > dt.MAXYEAR:  # a date the bounds refuse, from before they existed
        return dt.date.max
    # Clamp to the month's last day (31 Jan + 1 month = 28/29 Feb).
    for candidate in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def review_due(goal: Goal, today: dt.date) -> ReviewDue:
    """When the next review is due: the interval after the last review, or after the
    goal's start if there is none yet. Uses a ``last_review`` annotation if present."""
    last = getattr(goal, "last_review", None)
    if last is None and not hasattr(goal, "last_review"):
        last = goal.reviews.aggregate(last=Max("date"))["last"]
    return review_due_after(goal, last, today)


def review_due_after(goal: Goal, last: dt.date | None, today: dt.date) -> ReviewDue:
    """``review_due`` with the last review's date (None: no review yet) already known."""
    due = add_months(last or goal.period_start, goal.review_interval_months)
    return ReviewDue(last=last, due=due, overdue=due < today)


def with_last_review(goals: QuerySet[Goal]) -> QuerySet[Goal]:
    return goals.annotate(last_review=Max("reviews__date"))


def my_body_ids(user: User | int) -> list[int]:
    """The bodies the person sits on today. A list, not a subquery: ``responsible_user =
    … OR responsible_body IN (1, 2)`` can use both indexes; with a subquery PostgreSQL
    scanned every action in the country (docs/performance.md)."""
    return list(
        BodyMembership.objects.current().filter(user=user).values_list("body_id", flat=True)
    )


def _mine(user: User | int, bodies: list[int]) -> Q:
    if bodies:
        return Q(responsible_user=user) | Q(responsible_body_id__in=bodies)
    return Q(responsible_user=user)


def actions_for_user(
    user: User | int,
    *,
    principal: Principal,
    limit: int | None = None,
    bodies: list[int] | None = None,
) -> list[Action]:
    """ "My actions": open actions the person is responsible for, by name or as a current
    member of the responsible body, by due date; each with ``visible_goals``.

    Goals go through the policy (``visible_goals``): only the goals the person may see
    are listed with an action, and an action that serves none of them (say, after the
    person left the estate's board) is left out: its goals are no longer theirs. The
    check is made on the person's own actions only (a prefetch), never by testing every
    action against every goal they may see. Three queries (two when ``bodies``, the
    person's ``my_body_ids``, are given).
    """
    if bodies is None:
        bodies = my_body_ids(user)
    rows = (
        Action.objects.filter(_mine(user, bodies))
        .exclude(status__in=[ActionStatus.DONE, ActionStatus.CANCELLED])
        .select_related("organisation", "estate", *RELATED)
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=visible_goals(principal).order_by("title"),
                to_attr="visible_goals",
            )
        )
        .order_by("due", "title")
    )
    actions: list[Action] = [a for a in rows if a.visible_goals]
    return actions[:limit] if limit is not None else actions


def goals_for_user(user: User | int, *, principal: Principal) -> QuerySet[Goal]:
    """Goals the person is responsible for (by name or through a body they sit on),
    that they may see and that are not ended."""
    return (
        visible_goals(principal)
        .filter(_mine(user, my_body_ids(user)))
        .exclude(status=GoalStatus.ENDED)
        .select_related("organisation", "estate", *RELATED)
        .order_by("title")
    )


def indicator_chart(indicator: Indicator) -> SafeString:
    """The indicator's line chart. Its time axis runs from the baseline to the target
    (or the last measurement after it), within the date bounds: a measurement before the
    baseline, or a date that the bounds refuse but the database holds from before they
    existed, is left out of the chart (the data table beside it shows every value) and
    the chart's description says so."""
    from almen.lib.bounds import DATE_MAX, DATE_MIN
    from almen.lib.charts import LineChart, Point, line_chart_svg

    start = max(indicator.baseline_date, DATE_MIN)

    def drawn(day: dt.date) -> bool:
        return start <= day <= DATE_MAX

    measured = [Point(m.date, m.value) for m in indicator.measurements.all()]
    points = [p for p in measured if drawn(p.date)]
    left_out = len(measured) - len(points)
    baseline = Point(indicator.baseline_date, indicator.baseline_value)
    target = Point(indicator.target_date, indicator.target_value)
    description = _(
        "Målinger fra %(start)s til %(end)s. Udgangspunkt %(base)s, mål %(target)s "
        "%(unit)s i %(year)s."
    ) % {
        "start": points[0].date.strftime("%d-%m-%Y") if points else "–",
        "end": points[-1].date.strftime("%d-%m-%Y") if points else "–",
        "base": indicator.baseline_value.normalize(),
        "target": indicator.target_value.normalize(),
        "unit": indicator.unit,
        "year": indicator.target_date.year,
    }
    if left_out:
        description += " " + _(
            "%(n)d måling(er) uden for perioden fra udgangspunktet er ikke vist i grafen, "
            "men står i tabellen."
        ) % {"n": left_out}
    return line_chart_svg(
        LineChart(
            title=indicator.title,
            description=description,
            unit=indicator.unit,
            points=points,
            baseline=baseline if drawn(baseline.date) else None,
            target=target if drawn(target.date) else None,
            milestones=[
                Point(m.date, m.value) for m in indicator.milestones.all() if drawn(m.date)
            ],
        )
    )


@dataclass(frozen=True)
class GoalSummary:
    goal: Goal
    statuses: list[str]


def goal_summaries(goals: QuerySet[Goal], limit: int = 12) -> list[GoalSummary]:
    """Goals with their indicators' computed statuses, in two queries."""
    rows = list(goals.select_related("organisation", "estate")[:limit])
    by_goal: dict[int, list[str]] = {g.pk: [] for g in rows}
    for indicator in with_latest(Indicator.objects.filter(goal_id__in=list(by_goal))):
        by_goal[indicator.goal_id].append(calculation(indicator).status.value)
    return [GoalSummary(goal=g, statuses=by_goal[g.pk]) for g in rows]


# --- the goal page's shared part ----------------------------------------------------------


@dataclass(frozen=True)
class IndicatorCard:
    """One indicator on the goal page: its rendered card (heading with status, chart,
    calculation, data table; the ``<section>`` is left open for the forms of those who
    manage the goal) and what those forms need."""

    public_id: str
    unit: str
    html: SafeString


@dataclass(frozen=True)
class GoalPageBody:
    """The part of a goal's page that is the same for everyone who may see it, rendered:
    its commitments and prerequisites, its indicators and its reviews."""

    points_html: SafeString
    cards: list[IndicatorCard]
    reviews_html: SafeString
    last_review: dt.date | None
    # Ids of the goals that adopt or contribute to this one (checked per person in the
    # view) and whether it has actions: most goals have none, and then the view skips
    # those queries.
    adoption_ids: tuple[int, ...]
    contribution_ids: tuple[int, ...]
    has_actions: bool


def goal_page_body(goal: Goal) -> GoalPageBody:
    """Cached per goal version (``picture.cached_on_goals``: every change of a goal,
    indicator, measurement, action or review through the services makes it stale) and
    language. Computing it reads six tables and renders most of the page; served from
    the cache it is one read. Nothing in it depends on who is looking: the parts that do
    (buttons, forms, actions, lineage, adoptions) stay in the view."""
    from django.utils.translation import get_language

    from almen.goals.picture import cached_on_goals

    key = f"goal-page-body:{goal.pk}:{goal.public_id}:{get_language()}"
    return cached_on_goals(key, partial(_goal_page_body, goal))


def _goal_page_body(goal: Goal) -> GoalPageBody:
    from django.template.loader import render_to_string

    indicators = with_latest(goal.indicators.all()).prefetch_related("measurements", "milestones")
    cards = [
        IndicatorCard(
            public_id=str(indicator.public_id),
            unit=indicator.unit,
            html=SafeString(
                render_to_string(
                    "goals/_indicator_card.html",
                    {
                        "i": indicator,
                        "calc": calculation(indicator),
                        "chart": indicator_chart(indicator),
                        "metadata": indicator_metadata(indicator),
                        "goal_public_id": goal.public_id,
                    },
                )
            ),
        )
        for indicator in indicators
    ]
    reviews = list(goal.reviews.select_related("created_by"))
    points = {
        "goal": goal,
        "commitments": goal.commitments.select_related("cornerstone"),
        "prerequisites": goal.prerequisites.all(),
    }
    return GoalPageBody(
        points_html=SafeString(render_to_string("goals/_goal_points.html", points)),
        cards=cards,
        reviews_html=SafeString(render_to_string("goals/_goal_reviews.html", {"reviews": reviews})),
        last_review=max((r.date for r in reviews), default=None),
        # As many as the view reads: it shows the first 20 adoptions the person may see.
        adoption_ids=tuple(goal.adoptions.values_list("pk", flat=True)[:50]),
        contribution_ids=tuple(goal.contributions.values_list("pk", flat=True)[:50]),
        has_actions=goal.actions.exists(),
    )


# --- dashboards -----------------------------------------------------------------------

NO_INDICATOR = "none"  # the goal list's filter value for goals without an indicator
DUE_SOON_DAYS = 30


def own_scope(p: Principal) -> Q | None:
    """The goals a person answers for on their dashboard: their organisations' (staff and
    organisation board) and their estates' (estate board). None: no such goals. Always
    used within ``visible_goals(p)``: a dashboard shows nothing the person may not read."""
    orgs = p.staff_organisations | p.board_organisations
    if not (orgs or p.board_estates):
        return None
    return Q(organisation_id__in=orgs) | Q(estate_id__in=p.board_estates)


def goal_statuses(goals: QuerySet[Goal]) -> dict[int, str]:
    """Each goal's computed status (``progress.goal_status``; ``NO_INDICATOR`` when it
    has none), in one query whatever the number of goals."""
    from almen.goals.progress import goal_status

    by_goal: dict[int, list[Any]] = {}
    indicators = with_latest(Indicator.objects.filter(goal__in=goals.values("pk")).order_by())
    for indicator in indicators.only(
        "goal_id",
        "direction",
        "baseline_value",
        "baseline_date",
        "target_value",
        "target_date",
        "tolerance",
    ):
        by_goal.setdefault(indicator.goal_id, []).append(calculation(indicator).status)
    return {pk: (s.value if (s := goal_status(v)) else NO_INDICATOR) for pk, v in by_goal.items()}


@dataclass(frozen=True)
class GoalOverview:
    adopted: int
    drafts: int
    by_status: list[tuple[str, int]]  # (status or NO_INDICATOR, goals), in concern order


def goal_overview(goals: QuerySet[Goal]) -> GoalOverview:
    """Adopted ``goals`` by computed status, and drafts waiting for a decision: two
    queries."""
    from almen.goals.progress import CONCERN_ORDER, Status

    counts = dict(
        goals.exclude(status=GoalStatus.ENDED)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    adopted = counts.get(GoalStatus.ADOPTED, 0)
    statuses = goal_statuses(goals.filter(status=GoalStatus.ADOPTED)) if adopted else {}
    tally = Counter(statuses.values())
    tally[NO_INDICATOR] += adopted - len(statuses)
    order = [*(s.value for s in CONCERN_ORDER), Status.NO_DATA.value, NO_INDICATOR]
    return GoalOverview(
        adopted=adopted,
        drafts=counts.get(GoalStatus.DRAFT, 0),
        by_status=[(key, tally[key]) for key in order if tally[key]],
    )


def goals_with_status(goals: QuerySet[Goal], status: str) -> QuerySet[Goal]:
    """The adopted ones of ``goals`` whose computed status is ``status``."""
    adopted = goals.filter(status=GoalStatus.ADOPTED)
    statuses = goal_statuses(adopted)
    if status == NO_INDICATOR:
        return adopted.exclude(pk__in=list(statuses))
    return adopted.filter(pk__in=[pk for pk, s in statuses.items() if s == status])


def first_goal() -> Subquery:
    """The public id of the first goal an action serves (its link on dashboards)."""
    through = Action.goals.through.objects.filter(action_id=OuterRef("pk")).order_by("goal_id")
    return Subquery(through.values("goal__public_id")[:1])


def open_actions(goals: QuerySet[Goal]) -> QuerySet[Action]:
    """Open actions serving any of ``goals``, with the first goal's public id."""
    serves = Action.goals.through.objects.filter(
        action_id=OuterRef("pk"), goal_id__in=goals.values("pk")
    )
    return (
        Action.objects.filter(Exists(serves))
        .filter(status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS])
        .annotate(goal_public_id=first_goal())
    )
