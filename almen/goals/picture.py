"""The national and municipal picture: how Almene mål are used across the sector.

Computed from shared goals only (public ones for everyone; sector staff also see goals
shared with the sector), cached, and invalidated whenever a goal, indicator or
measurement changes (``picture_invalidate`` runs on commit of every such change).
"""

from __future__ import annotations

import hashlib
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.core.cache import cache
from django.db.models import Exists, F, OuterRef, Q, Sum

from almen.goals.models import Commitment, Framework, Goal, GoalStatus, Indicator
from almen.goals.progress import Status
from almen.goals.selectors import calculation, with_latest
from almen.lib import versions
from almen.lib.visibility import Visibility
from almen.register.models import Estate, Municipality, Organisation

CACHE_VERSION_KEY = "goals:picture:version"
CACHE_TTL = 60 * 60
LEVELS = {"public": [Visibility.PUBLIC], "sector": [Visibility.PUBLIC, Visibility.SECTOR]}

# Units whose values can be added across estates (a count, an area, an amount of energy
# or money). Percentages and intensities (per m², per household) cannot: for them the
# roll-up shows the median instead of a sum.
ADDITIVE_UNITS = {
    "antal",
    "stk.",
    "stk",
    "m²",
    "m2",
    "kwh",
    "mwh",
    "kr.",
    "kr",
    "dkk",
    "t co2e",
    "ton co2e",
    "kg co2e",
    "husstande",
    "boliger",
    "personer",
    "deltagere",
    "timer",
}
INTENSIVE_UNITS = {"%", "procent", "kwh/m²", "kwh/m2", "kg co2e/m²", "m³/bolig", "score"}


def normalise_unit(unit: str) -> str:
    return " ".join(unit.strip().lower().split())


@dataclass
class Adoption:
    organisations: int = 0
    estates: int = 0
    homes: int = 0
    goals: int = 0

    def share(self, total_homes: int) -> float:
        return round(100 * self.homes / total_homes, 1) if total_homes else 0.0


@dataclass
class RollUp:
    unit: str
    indicators: int
    kind: str  # "sum" or "median"
    baseline: Decimal | None
    latest: Decimal | None
    statuses: dict[str, int]


@dataclass
class Picture:
    level: str
    total_homes: int
    total_organisations: int
    goals: int
    commitments: list[dict[str, Any]] = field(default_factory=list)
    municipalities: list[dict[str, Any]] = field(default_factory=list)
    regions: list[dict[str, Any]] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    left_out: list[dict[str, Any]] = field(default_factory=list)
    # The filters it was computed with: a region (``register.Region`` value) and a
    # commitment code ("1.3"); empty means all.
    region: str = ""
    commitment: str = ""
    # The cache key it was stored under: pages cache their rendered tables with it.
    cache_key: str = ""

    @property
    def rollup_count(self) -> int:
        return sum(len(row["rollups"]) for row in self.commitments)


def picture_invalidate() -> None:
    """Every cached picture (and the open-data zip) becomes stale: the version is part
    of each key."""
    versions.bump(CACHE_VERSION_KEY)


def goals_version() -> int:
    """Bumped whenever a goal, indicator, measurement, action or review changes."""
    return versions.current(CACHE_VERSION_KEY)


def _key(level: str) -> str:
    return f"goals:picture:{level}:{goals_version()}"


def cached_on_goals[T](key: str, compute: Callable[[], T], timeout: int = CACHE_TTL) -> T:
    """Cache ``compute()`` until any goal changes (same version as the picture)."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # any text makes a safe key
    return cast(T, cache.get_or_set(_key(f"derived:{digest}"), compute, timeout))


def national_picture(level: str = "public", *, region: str = "", commitment: str = "") -> Picture:
    """The picture for ``level``, optionally for one region and/or one commitment;
    cached per combination until any goal changes. The filters must be valid (the
    view's form checks them)."""
    key = _key(level)
    if region or commitment:  # a key safe for any cache backend (no spaces, ASCII)
        key += ":" + hashlib.sha256(f"{region}|{commitment}".encode()).hexdigest()[:16]
    picture = cache.get(key)
    if picture is None:
        picture = compute_picture(level, region=region, commitment=commitment)
        picture.cache_key = key
        cache.set(key, picture, CACHE_TTL)
    return picture


def compute_picture(level: str, *, region: str = "", commitment: str = "") -> Picture:
    """With a region, only that region's estates count: homes, coverage and
    organisations are the region's, and a goal counts (with its indicators) when it
    covers an estate there. With a commitment, only goals adopting it count."""
    framework = Framework.objects.current()
    shared = Goal.objects.filter(visibility__in=LEVELS[level]).exclude(status=GoalStatus.DRAFT)
    if commitment:
        # Exists, not a join (no DISTINCT over the goals; see library_search).
        adopts = Goal.commitments.through.objects.filter(
            goal_id=OuterRef("pk"),
            commitment__code=commitment,
            commitment__cornerstone__framework=framework,
        )
        shared = shared.filter(Exists(adopts))
    # Estates with their homes, organisation and municipality: one grouped query.
    estate_rows = Estate.objects.values(
        "id", "organisation_id", "municipality_id", homes=F("unit_count")
    ).order_by()
    municipalities = Municipality.objects.order_by("name")
    if region:
        estate_rows = estate_rows.filter(municipality__region=region)
        municipalities = municipalities.filter(region=region)
    estates = {e["id"]: e for e in estate_rows}
    estates_of: dict[int, list[int]] = defaultdict(list)
    for estate in estates.values():
        estates_of[estate["organisation_id"]].append(estate["id"])
    total_homes = sum(e["homes"] for e in estates.values())
    goals: list[dict[str, Any]] = [
        dict(row)
        for row in shared.values("id", "organisation_id", "estate_id")
        # In the region: an estate goal on one of its estates, an organisation goal of
        # an organisation with estates there.
        if not region
        or (
            row["estate_id"] in estates
            if row["estate_id"]
            else row["organisation_id"] in estates_of
        )
    ]
    goal_ids = [g["id"] for g in goals]

    def covered(goal_rows: list[dict[str, Any]]) -> set[int]:
        result: set[int] = set()
        for g in goal_rows:
            if g["estate_id"]:
                result.add(g["estate_id"])
            else:
                result.update(estates_of[g["organisation_id"]])
        return result

    # Commitments each goal adopts.
    through = Goal.commitments.through.objects.filter(goal_id__in=goal_ids).values_list(
        "goal_id", "commitment_id"
    )
    by_commitment: dict[int, list[dict[str, Any]]] = defaultdict(list)
    goal_by_id = {g["id"]: g for g in goals}
    for goal_id, commitment_id in through:
        by_commitment[commitment_id].append(goal_by_id[goal_id])

    # Indicator statuses per commitment, and roll-ups per (commitment, unit).
    indicators = list(with_latest(Indicator.objects.filter(goal_id__in=goal_ids)))
    indicators_by_goal: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        indicators_by_goal[indicator.goal_id].append(indicator)
    calcs = {i.pk: calculation(i) for i in indicators}

    organisations = Organisation.objects.all()
    if region:
        organisations = organisations.filter(
            Q(municipality__region=region) | Q(estates__municipality__region=region)
        ).distinct()
    picture = Picture(
        level=level,
        total_homes=total_homes,
        total_organisations=organisations.count(),
        goals=len(goals),
        statuses=dict(Counter(c.status.value for c in calcs.values())),
        region=region,
        commitment=commitment,
    )
    commitments = (
        Commitment.objects.filter(cornerstone__framework=framework).select_related(
            "cornerstone__framework"
        )
        if framework
        else Commitment.objects.none()
    )
    if commitment:
        commitments = commitments.filter(code=commitment)
    for item_commitment in commitments:
        rows = by_commitment.get(item_commitment.pk, [])
        estate_ids = covered(rows)
        adoption = Adoption(
            organisations=len({g["organisation_id"] for g in rows}),
            estates=len(estate_ids),
            homes=sum(estates[e]["homes"] for e in estate_ids),
            goals=len(rows),
        )
        its = [i for g in rows for i in indicators_by_goal.get(g["id"], [])]
        rollups, left_out = _rollups(its, calcs)
        for item in left_out:
            picture.left_out.append({"commitment": item_commitment.code, **item})
        picture.commitments.append(
            {
                "commitment": item_commitment,
                "adoption": adoption,
                "share": adoption.share(total_homes),
                "statuses": dict(Counter(calcs[i.pk].status.value for i in its)),
                "rollups": rollups,
            }
        )
    # Per municipality and region: homes covered by any shared goal.
    all_covered = covered(goals)
    homes_in: Counter[int] = Counter()
    covered_in: Counter[int] = Counter()
    orgs_in: dict[int, set[int]] = defaultdict(set)
    for estate in estates.values():
        homes_in[estate["municipality_id"]] += estate["homes"]
        if estate["id"] in all_covered:
            covered_in[estate["municipality_id"]] += estate["homes"]
            orgs_in[estate["municipality_id"]].add(estate["organisation_id"])
    regions: dict[str, dict[str, Any]] = {}
    for municipality in municipalities:
        row = {
            "municipality": municipality,
            "homes": homes_in[municipality.pk],
            "covered": covered_in[municipality.pk],
            "organisations": len(orgs_in[municipality.pk]),
            "share": round(100 * covered_in[municipality.pk] / homes_in[municipality.pk], 1)
            if homes_in[municipality.pk]
            else None,
        }
        picture.municipalities.append(row)
        area = regions.setdefault(
            municipality.region,
            {"region": municipality.region, "homes": 0, "covered": 0, "organisations": set()},
        )
        area["homes"] += row["homes"]
        area["covered"] += row["covered"]
        area["organisations"] |= orgs_in[municipality.pk]
    for area in sorted(regions.values(), key=lambda r: r["region"]):
        picture.regions.append(
            {
                **area,
                "organisations": len(area["organisations"]),
                "share": round(100 * area["covered"] / area["homes"], 1) if area["homes"] else None,
            }
        )
    return picture


def _rollups(
    indicators: list[Indicator], calcs: dict[int, Any]
) -> tuple[list[RollUp], list[dict[str, Any]]]:
    """Roll up indicators that share a unit; say plainly what was left out and why."""
    groups: dict[str, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        groups[normalise_unit(indicator.unit)].append(indicator)
    rollups: list[RollUp] = []
    left_out: list[dict[str, Any]] = []
    for unit, members in sorted(groups.items()):
        if unit in ADDITIVE_UNITS:
            kind = "sum"
        elif unit in INTENSIVE_UNITS:
            kind = "median"
        else:
            left_out.append({"unit": unit, "indicators": len(members), "reason": "unknown_unit"})
            continue
        if len(members) < 2:
            left_out.append({"unit": unit, "indicators": 1, "reason": "alone"})
            continue
        latest = [calcs[i.pk].latest for i in members if calcs[i.pk].latest is not None]
        baselines = [i.baseline_value for i in members]
        if kind == "sum":
            base_value: Decimal | None = sum(baselines, Decimal(0))
            # A sum of latest values is only honest if every indicator has one.
            latest_value: Decimal | None = (
                sum(latest, Decimal(0)) if len(latest) == len(members) else None
            )
        else:
            base_value = Decimal(str(statistics.median(baselines)))
            latest_value = Decimal(str(statistics.median(latest))) if latest else None
        rollups.append(
            RollUp(
                unit=unit,
                indicators=len(members),
                kind=kind,
                baseline=base_value,
                latest=latest_value,
                statuses=dict(Counter(calcs[i.pk].status.value for i in members)),
            )
        )
    return rollups, left_out


def municipality_figures(municipality_ids: frozenset[int]) -> dict[str, Any]:
    """Key figures of the municipality for its officer."""
    estates = Estate.objects.filter(municipality_id__in=municipality_ids)
    return {
        "organisations": Organisation.objects.filter(
            Q(municipality_id__in=municipality_ids) | Q(estates__in=estates)
        )
        .distinct()
        .count(),
        "estates": estates.count(),
        "homes": estates.aggregate(n=Sum("unit_count"))["n"] or 0,
    }


STATUS_ORDER = [s.value for s in Status]
