"""Almene mål at national scale, for benchmarks and capacity checks.

``goals_national_seed`` puts goals on top of the register's national data
(``almen.register.national``: organisations with CVR numbers starting with 9 and their
estates): by default 30,000 goals, 100,000 indicators and 3.6 million measurements, with
their commitment links, actions and reviews. The mix is meant to look like the sector:
about 40 % of goals public, 20 % shared with the sector, 20 % with the municipality and
20 % kept in the organisation or private; most adopted, some drafts, a few ended; units
mostly %, antal, kWh/m², m² and kr., plus a few odd ones that the national picture cannot
roll up. Every indicator obeys the rules the services enforce (``_check_indicator``):
the target differs from the baseline and lies in the indicator's direction, the target
date lies after the baseline date. Measurements are monthly, in the past, one per
indicator and date.

Like the register's national data, this is seed data: it bypasses the services and the
audit log on purpose and writes with the database's bulk path (``COPY`` on PostgreSQL,
batched ``executemany`` on SQLite) in one transaction, with primary keys chosen up front.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from almen.goals.demo import TEMPLATES
from almen.goals.models import (
    Action,
    ActionStatus,
    Commitment,
    Framework,
    Goal,
    GoalStatus,
    Indicator,
    IndicatorSource,
    Measurement,
    Review,
    ReviewAssessment,
)
from almen.goals.picture import picture_invalidate
from almen.goals.progress import Direction
from almen.lib.bulk import copy_rows
from almen.lib.visibility import Visibility
from almen.register.models import Body, BodyKind, Estate
from almen.register.national import BATCH, NATIONAL_CVR_PREFIX, Progress, analyze

VISIBILITY_WEIGHTS = [
    (Visibility.PUBLIC, 40),
    (Visibility.SECTOR, 20),
    (Visibility.MUNICIPALITY, 20),
    (Visibility.ORGANISATION, 12),
    (Visibility.PRIVATE, 8),
]
STATUS_WEIGHTS = [(GoalStatus.ADOPTED, 80), (GoalStatus.DRAFT, 14), (GoalStatus.ENDED, 6)]

# title, unit, direction, baseline range, weight. The last few units are ones the
# national picture does not know how to add up, so its "left out" list has content.
INDICATORS: list[tuple[str, str, str, tuple[float, float], int]] = [
    ("Andel beboere, der føler sig trygge", "%", Direction.INCREASE, (40, 80), 10),
    ("Andel husstande med e-mail eller sms", "%", Direction.INCREASE, (30, 85), 8),
    ("Andel deltagere under 35 på afdelingsmøder", "%", Direction.INCREASE, (5, 30), 6),
    ("Fraflytningsprocent", "%", Direction.DECREASE, (8, 25), 6),
    ("Andel tomme boliger", "%", Direction.MAINTAIN, (1, 4), 3),
    ("Beboerinitiativer, der har fået støtte", "antal", Direction.INCREASE, (1, 15), 7),
    ("Deltagere i fællesspisning", "antal", Direction.INCREASE, (10, 120), 6),
    ("Henvendelser om skimmel", "antal", Direction.DECREASE, (5, 60), 5),
    ("Frivillige i afdelingen", "antal", Direction.INCREASE, (3, 40), 4),
    ("Varmeforbrug pr. m²", "kWh/m²", Direction.DECREASE, (90, 160), 10),
    ("Elforbrug i fællesarealer pr. m²", "kWh/m²", Direction.DECREASE, (5, 25), 5),
    ("Areal med vild natur", "m²", Direction.INCREASE, (50, 2000), 6),
    ("Befæstet areal", "m²", Direction.DECREASE, (500, 8000), 3),
    ("Udgift til vedligehold", "kr.", Direction.DECREASE, (200_000, 3_000_000), 5),
    ("Pulje til beboerinitiativer", "kr.", Direction.INCREASE, (10_000, 200_000), 4),
    ("Husstande i beboerrådgivningen", "husstande", Direction.INCREASE, (10, 150), 3),
    ("CO2e pr. m²", "kg CO2e/m²", Direction.DECREASE, (8, 25), 3),
    # Odd units: the picture leaves these out and says so.
    ("Tilfredshed med driften", "point (1-5)", Direction.INCREASE, (2.5, 3.8), 2),
    ("Vandforbrug pr. beboer", "liter/beboer/døgn", Direction.DECREASE, (90, 150), 2),
    ("Timer med aktiviteter i fælleshuset", "timer/uge", Direction.INCREASE, (2, 30), 1),
]
PERCENT_CAP = 100.0

ACTIONS = [
    "Indregulering af varmeanlæg",
    "Fjernaflæste målere i alle opgange",
    "Ugentlig kaffeklub i fælleshuset",
    "Blomstereng ved legepladsen",
    "Afdelingsmøde med børnepasning og aftensmad",
    "Pulje med enkel ansøgning",
    "Besøgsvenner i samarbejde med kommunen",
    "Indsamle kontaktoplysninger ved indflytning",
    "Nye LED-armaturer i kældre og trappeopgange",
    "Byttecentral i den gamle vaskekælder",
]
REVIEWS = [
    (
        ReviewAssessment.ON_TRACK,
        "Beboerne har taget godt imod de første aktiviteter.",
        "Opslag på tavlerne når ikke de yngste beboere.",
        "Vi bruger sms og banker på døre ved næste arrangement.",
    ),
    (
        ReviewAssessment.AT_RISK,
        "Driften har fulgt planen.",
        "Leverandøren blev forsinket et halvt år.",
        "Vi deler indsatsen op i mindre etaper.",
    ),
    (
        ReviewAssessment.OFF_TRACK,
        "Samarbejdet med kommunen er kommet godt i gang.",
        "Budgettet slog ikke til.",
        "Vi søger Landsbyggefonden og flytter målet et år.",
    ),
]


class NationalGoalsExist(Exception):
    """National goals are already in the database; seeding twice would double them."""


# National goals are recognised by their public ids: the first 32 bits are this marker
# (a random UUID falls in the range with probability 2⁻³²). The organisations alone
# cannot tell: ``seed_demo`` after ``seed_national`` gives them demo goals too.
GOAL_ID_MARKER = 0x9A1E0000
GOAL_ID_RANGE = (
    uuid.UUID(int=GOAL_ID_MARKER << 96),
    uuid.UUID(int=(GOAL_ID_MARKER + 1) << 96),
)


def national_goals_exist() -> bool:
    low, high = GOAL_ID_RANGE
    return Goal.objects.filter(public_id__gte=low, public_id__lt=high).exists()


def _goal_uuid(rng: random.Random) -> str:
    bits = (GOAL_ID_MARKER << 96) | rng.getrandbits(96)
    return uuid.UUID(int=bits, version=4).hex


def _spread(total: int, weights: list[float], minimum: int) -> list[int]:
    """Split ``total`` into len(weights) integers ≥ minimum, proportional to weights."""
    n = len(weights)
    rest = total - minimum * n
    wsum = sum(weights)
    parts = [minimum + int(rest * w / wsum) for w in weights]
    for i in range(total - sum(parts)):
        parts[i % n] += 1
    return parts


def _months_back(today: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` months before ``today``'s month."""
    index = today.year * 12 + today.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _uuid(rng: random.Random) -> str:
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex


def _round(value: float, unit: str) -> float:
    return round(value) if unit in {"antal", "kr.", "husstande", "m²"} else round(value, 1)


@dataclass
class GoalsPlan:
    """Everything the row streams need, chosen up front from one seed."""

    seed: int
    today: dt.date
    now: Any
    framework_id: int
    first_id: dict[str, int] = field(default_factory=dict)
    # Per goal
    goal_org: list[int] = field(default_factory=list)
    goal_estate: list[int | None] = field(default_factory=list)
    goal_template: list[int] = field(default_factory=list)
    goal_commitments: list[tuple[int, ...]] = field(default_factory=list)
    goal_visibility: list[str] = field(default_factory=list)
    goal_status: list[str] = field(default_factory=list)
    goal_indicators: list[int] = field(default_factory=list)
    goal_board: list[int | None] = field(default_factory=list)
    # Per indicator: goal index, template index, baseline, target, measurement count
    ind_goal: list[int] = field(default_factory=list)
    ind_kind: list[int] = field(default_factory=list)
    ind_baseline: list[float] = field(default_factory=list)
    ind_target: list[float] = field(default_factory=list)
    ind_measurements: list[int] = field(default_factory=list)
    actions: int = 0
    reviews: int = 0

    @property
    def goals(self) -> int:
        return len(self.goal_org)

    @property
    def indicators(self) -> int:
        return len(self.ind_goal)

    @property
    def measurements(self) -> int:
        return sum(self.ind_measurements)


def _target(rng: random.Random, unit: str, direction: str, baseline: float) -> float:
    """A target that lies in the indicator's direction and differs from the baseline."""
    if direction == Direction.MAINTAIN:
        return baseline
    change = rng.uniform(0.1, 0.5)
    if direction == Direction.INCREASE:
        target = _round(baseline * (1 + change), unit)
        if unit == "%":
            target = min(target, PERCENT_CAP)
        if target <= baseline:
            target = baseline + 1
    else:
        target = _round(baseline * (1 - change), unit)
        if target >= baseline:
            target = baseline - (1 if baseline >= 1 else 0.1)
    return target


def goals_plan(
    *, goals: int, indicators: int, measurements: int, actions: int, reviews: int, seed: int
) -> GoalsPlan:
    if goals < 1 or indicators < goals:
        raise ValueError("Der skal være mindst ét mål og mindst én indikator pr. mål.")
    if measurements < 0:
        raise ValueError("Antallet af målinger kan ikke være negativt.")
    framework = Framework.objects.current()
    if framework is None:
        raise ValueError("Der er intet offentliggjort rammeværk: kør migrate først.")
    commitments = dict(
        Commitment.objects.filter(cornerstone__framework=framework).values_list("code", "id")
    )
    estates = list(
        Estate.objects.filter(organisation__cvr__startswith=NATIONAL_CVR_PREFIX)
        .order_by("id")
        .values_list("id", "organisation_id")
    )
    if not estates:
        raise ValueError("Der er ingen nationale registerdata: kør seed_national først.")
    boards = dict(
        Body.objects.filter(
            kind=BodyKind.ORGANISATION_BOARD,
            organisation__cvr__startswith=NATIONAL_CVR_PREFIX,
        ).values_list("organisation_id", "id")
    )
    rng = random.Random(seed)  # noqa: S311 - test data, not security
    today = timezone.localdate()
    plan = GoalsPlan(seed, today, timezone.now(), framework.pk, actions=actions, reviews=reviews)
    codes = sorted(commitments)
    template_codes = [t[1] for t in TEMPLATES]
    visibilities, v_weights = zip(*VISIBILITY_WEIGHTS, strict=True)
    statuses, s_weights = zip(*STATUS_WEIGHTS, strict=True)
    for g in range(goals):
        # A random estate: organisations with many estates get many goals.
        estate_id, org_id = estates[rng.randrange(len(estates))]
        template = g % len(TEMPLATES)
        on_estate = TEMPLATES[template][5] or rng.random() < 0.3
        plan.goal_org.append(org_id)
        plan.goal_estate.append(estate_id if on_estate else None)
        plan.goal_template.append(template)
        first = commitments.get(template_codes[template]) or commitments[rng.choice(codes)]
        chosen = {first}
        if rng.random() < 0.3:
            chosen.add(commitments[rng.choice(codes)])
        plan.goal_commitments.append(tuple(sorted(chosen)))
        plan.goal_visibility.append(str(rng.choices(visibilities, weights=v_weights)[0]))
        plan.goal_status.append(str(rng.choices(statuses, weights=s_weights)[0]))
        plan.goal_board.append(boards.get(org_id))
    plan.goal_indicators = _spread(indicators, [rng.uniform(0.5, 1.5) for _ in range(goals)], 1)
    kinds = list(range(len(INDICATORS)))
    k_weights = [row[4] for row in INDICATORS]
    for g, count in enumerate(plan.goal_indicators):
        for _ in range(count):
            kind = rng.choices(kinds, weights=k_weights)[0]
            _title, unit, direction, (low, high), _w = INDICATORS[kind]
            baseline = _round(rng.uniform(low, high), unit)
            plan.ind_goal.append(g)
            plan.ind_kind.append(kind)
            plan.ind_baseline.append(baseline)
            plan.ind_target.append(_target(rng, unit, direction, baseline))
    # About three years of monthly measurements each on average, between 1 and 5 years.
    plan.ind_measurements = _spread(
        measurements, [rng.uniform(0.35, 1.65) for _ in range(plan.indicators)], 0
    )
    if plan.ind_measurements and max(plan.ind_measurements) > 120:
        raise ValueError("Højst 120 månedlige målinger pr. indikator (ti år).")
    return plan


def _goal_rows(plan: GoalsPlan) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(f"{plan.seed}-goals")  # noqa: S311
    created = connection.ops.adapt_datetimefield_value(plan.now)
    for g in range(plan.goals):
        title, _code, why, _ind, _actions, _estate = TEMPLATES[plan.goal_template[g]]
        status = plan.goal_status[g]
        start = dt.date(2026, 1, 1) if status != GoalStatus.ENDED else dt.date(2023, 1, 1)
        end = dt.date(2028, 12, 31) if status != GoalStatus.ENDED else dt.date(2025, 12, 31)
        adopted = status != GoalStatus.DRAFT
        adopted_on = start - dt.timedelta(days=rng.randint(20, 120)) if adopted else None
        yield (
            plan.first_id["goal"] + g,
            _goal_uuid(rng),
            plan.framework_id,
            plan.goal_org[g],
            plan.goal_estate[g],
            title,
            why,
            "Organisationsbestyrelsen" if plan.goal_estate[g] is None else "Afdelingsbestyrelsen",
            None,
            start.isoformat(),
            end.isoformat(),
            status,
            plan.goal_board[g] if adopted else None,
            adopted_on.isoformat() if adopted_on else None,
            f"Bestyrelsesmøde {adopted_on:%d-%m-%Y}, punkt {rng.randint(2, 9)}"
            if adopted_on
            else "",
            plan.goal_visibility[g],
            None,
            None,
            "",
            rng.choice([3, 6, 6, 6, 12]),
            created,
            created,
        )


def _commitment_rows(plan: GoalsPlan) -> Iterator[tuple[Any, ...]]:
    for g, commitments in enumerate(plan.goal_commitments):
        for commitment_id in commitments:
            yield (plan.first_id["goal"] + g, commitment_id)


def _first_measured(plan: GoalsPlan, i: int) -> dt.date:
    return _months_back(plan.today, max(plan.ind_measurements[i], 1))


def _indicator_rows(plan: GoalsPlan) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(f"{plan.seed}-indicators")  # noqa: S311
    for i in range(plan.indicators):
        title, unit, direction, _range, _w = INDICATORS[plan.ind_kind[i]]
        baseline_date = _months_back(_first_measured(plan, i), 1)
        goal = plan.ind_goal[i]
        target_date = (
            dt.date(2025, 12, 31)
            if plan.goal_status[goal] == GoalStatus.ENDED
            else dt.date(2028, 12, 31)
        )
        if target_date <= baseline_date:
            target_date = dt.date(baseline_date.year + 3, 12, 31)
        tolerance = (
            round(max(plan.ind_baseline[i] * 0.1, 0.5), 1)
            if direction == Direction.MAINTAIN
            else None
        )
        yield (
            plan.first_id["indicator"] + i,
            _uuid(rng),
            plan.first_id["goal"] + goal,
            title,
            unit,
            str(direction),
            f"{plan.ind_baseline[i]:.3f}",
            baseline_date.isoformat(),
            f"{plan.ind_target[i]:.3f}",
            target_date.isoformat(),
            f"{tolerance:.3f}" if tolerance is not None else None,
            str(IndicatorSource.IMPORTED if rng.random() < 0.15 else IndicatorSource.MANUAL),
            "",
        )


def _measurement_rows(plan: GoalsPlan) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(f"{plan.seed}-measurements")  # noqa: S311
    created = connection.ops.adapt_datetimefield_value(plan.now)
    pk = plan.first_id["measurement"]
    manual, imported = str(IndicatorSource.MANUAL), str(IndicatorSource.IMPORTED)
    for i in range(plan.indicators):
        count = plan.ind_measurements[i]
        if not count:
            continue
        unit = INDICATORS[plan.ind_kind[i]][1]
        baseline, target = plan.ind_baseline[i], plan.ind_target[i]
        # Each indicator moves at its own pace: some ahead, some behind, a few backwards.
        pace = rng.choice([1.2, 0.9, 0.6, 0.3, 0.1, -0.2])
        spread = abs(target - baseline) * 0.08 or abs(baseline) * 0.03 or 0.5
        source = imported if rng.random() < 0.15 else manual
        for m in range(count):
            months = count - m  # oldest first
            share = (m + 1) / 36
            value = baseline + (target - baseline) * share * pace + rng.uniform(-spread, spread)
            if value < 0:
                value = 0.0
            if unit == "%" and value > PERCENT_CAP:
                value = PERCENT_CAP
            yield (
                pk,
                plan.first_id["indicator"] + i,
                _months_back(plan.today, months).isoformat(),
                f"{value:.1f}",
                "",
                "",
                source,
                None,
                created,
            )
            pk += 1


def _action_rows(plan: GoalsPlan) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(f"{plan.seed}-actions")  # noqa: S311
    statuses = [ActionStatus.DONE, ActionStatus.IN_PROGRESS, ActionStatus.PLANNED]
    for a in range(plan.actions):
        g = a % plan.goals
        start = dt.date(2026, rng.randint(1, 10), 1)
        due = start + dt.timedelta(days=rng.randint(60, 540))
        yield (
            plan.first_id["action"] + a,
            _uuid(rng),
            plan.goal_org[g],
            plan.goal_estate[g],
            rng.choice(ACTIONS),
            rng.choice(["Driften", "Afdelingsbestyrelsen", "Boligsocial helhedsplan"]),
            None,
            None,
            start.isoformat(),
            due.isoformat(),
            str(rng.choice(statuses)),
            f"{rng.choice([15_000, 40_000, 120_000, 500_000])}.00" if rng.random() < 0.6 else None,
        )


def _action_goal_rows(plan: GoalsPlan) -> Iterator[tuple[Any, ...]]:
    for a in range(plan.actions):
        yield (plan.first_id["action"] + a, plan.first_id["goal"] + a % plan.goals)


def _review_rows(plan: GoalsPlan) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(f"{plan.seed}-reviews")  # noqa: S311
    created = connection.ops.adapt_datetimefield_value(plan.now)
    for r in range(plan.reviews):
        g = r % plan.goals
        assessment, worked, did_not, change = rng.choice(REVIEWS)
        day = plan.today - dt.timedelta(days=rng.randint(10, 300))
        yield (
            plan.first_id["review"] + r,
            plan.first_id["goal"] + g,
            day.isoformat(),
            str(assessment),
            worked,
            did_not,
            change,
            None,
            created,
        )


Rows = Callable[[GoalsPlan], Iterable[Any]]
GOAL_COLUMNS = [
    "id",
    "public_id",
    "framework_id",
    "organisation_id",
    "estate_id",
    "title",
    "local_context",
    "responsible",
    "responsible_body_id",
    "period_start",
    "period_end",
    "status",
    "adopted_by_id",
    "adopted_on",
    "decision_reference",
    "visibility",
    "contributes_to_id",
    "inspired_by_id",
    "inspired_by_label",
    "review_interval_months",
    "created_at",
    "updated_at",
]
INDICATOR_COLUMNS = [
    "id",
    "public_id",
    "goal_id",
    "title",
    "unit",
    "direction",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "tolerance",
    "source",
    "metric_key",
]
MEASUREMENT_COLUMNS = [
    "id",
    "indicator_id",
    "date",
    "value",
    "note",
    "evidence_url",
    "source",
    "created_by_id",
    "created_at",
]
ACTION_COLUMNS = [
    "id",
    "public_id",
    "organisation_id",
    "estate_id",
    "title",
    "responsible",
    "responsible_user_id",
    "responsible_body_id",
    "start",
    "due",
    "status",
    "budget_dkk",
]
REVIEW_COLUMNS = [
    "id",
    "goal_id",
    "date",
    "assessment",
    "worked",
    "did_not_work",
    "change",
    "created_by_id",
    "created_at",
]
# key, model whose ids we choose (None: a through table, ids from the database), table,
# columns, rows. Parents before children.
TABLES: list[tuple[str, type[models.Model] | None, str, list[str], Rows]] = [
    ("goal", Goal, Goal._meta.db_table, GOAL_COLUMNS, _goal_rows),
    (
        "goal_commitment",
        None,
        Goal.commitments.through._meta.db_table,
        ["goal_id", "commitment_id"],
        _commitment_rows,
    ),
    ("indicator", Indicator, Indicator._meta.db_table, INDICATOR_COLUMNS, _indicator_rows),
    (
        "measurement",
        Measurement,
        Measurement._meta.db_table,
        MEASUREMENT_COLUMNS,
        _measurement_rows,
    ),
    ("action", Action, Action._meta.db_table, ACTION_COLUMNS, _action_rows),
    (
        "action_goal",
        None,
        Action.goals.through._meta.db_table,
        ["action_id", "goal_id"],
        _action_goal_rows,
    ),
    ("review", Review, Review._meta.db_table, REVIEW_COLUMNS, _review_rows),
]


def goals_national_seed(
    *,
    goals: int = 30_000,
    indicators: int = 100_000,
    measurements: int = 3_600_000,
    actions: int | None = None,
    reviews: int | None = None,
    seed: int = 2026,
    out: TextIO | None = None,
) -> dict[str, Any]:
    """Generate and insert national-scale goals. Returns rows per table and the time
    taken. Raises ``NationalGoalsExist`` if national goals were seeded before,
    ``ValueError`` if the numbers make no sense or the national register is missing."""
    if national_goals_exist():
        raise NationalGoalsExist
    plan = goals_plan(
        goals=goals,
        indicators=indicators,
        measurements=measurements,
        actions=goals if actions is None else actions,
        reviews=goals // 2 if reviews is None else reviews,
        seed=seed,
    )
    links = sum(len(c) for c in plan.goal_commitments)
    expected = (
        plan.goals + links + plan.indicators + plan.measurements + 2 * plan.actions + plan.reviews
    )
    progress = Progress(expected, out)
    counts: dict[str, int] = {}
    with transaction.atomic():
        for key, model, _table, _columns, _rows in TABLES:
            if model is not None:
                current = model._default_manager.aggregate(m=models.Max("id"))["m"] or 0
                plan.first_id[key] = current + 1
        for key, _model, table, columns, rows in TABLES:
            progress.label = key
            counts[key] = copy_rows(
                table, columns, rows(plan), batch_size=BATCH, on_batch=progress.tick
            )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(
                    no_style(), [model for _, model, _, _, _ in TABLES if model is not None]
                ):
                    cursor.execute(sql)
        # Planner statistics for the loaded tables (not the whole database: that would
        # re-read the national register's indexes too), before any query plans for them.
        analyze(table for _, _, table, _, _ in TABLES)
    seconds = progress.close()
    picture_invalidate()
    return {"rows": counts, "seconds": seconds, "total": sum(counts.values())}
