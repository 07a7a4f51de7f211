"""Reads for green measures and involvement: totals (one query each), the estate's
list and map, the organisation's overview and the public estate page's section.

``measure_totals`` is the figure other parts build on (the metrics "number of green
measures" and "biodiversity area m²"): every measure of the estates, whatever its
visibility; biodiversity area is the sum of ``area_m2`` of the biodiversity kinds
(``models.BIODIVERSITY_KINDS``) — a measure without an area adds nothing."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from almen.green.models import BIODIVERSITY_KINDS, GreenMeasure, Involvement, MeasureKind
from almen.register.models import Building, Estate, Organisation

ZERO = Decimal("0")
_BIO = Q(kind__in=list(BIODIVERSITY_KINDS))


def measure_totals(estate_ids: Iterable[int]) -> tuple[int, Decimal]:
    """(number of measures, biodiversity area in m²) of the estates, in one query."""
    row = GreenMeasure.objects.filter(estate_id__in=list(estate_ids)).aggregate(
        count=Count("id"), bio=Sum("area_m2", filter=_BIO)
    )
    return row["count"], row["bio"] or ZERO


@dataclass(frozen=True)
class Summary:
    count: int
    biodiversity_m2: Decimal
    saving_kwh: Decimal
    saving_dkk: Decimal
    cost_dkk: Decimal


def summary(measures: QuerySet[GreenMeasure]) -> Summary:
    row = measures.aggregate(
        count=Count("id"),
        bio=Sum("area_m2", filter=_BIO),
        kwh=Sum("expected_saving_kwh"),
        dkk=Sum("expected_saving_dkk"),
        cost=Sum("cost_dkk"),
    )
    return Summary(
        count=row["count"],
        biodiversity_m2=row["bio"] or ZERO,
        saving_kwh=row["kwh"] or ZERO,
        saving_dkk=row["dkk"] or ZERO,
        cost_dkk=row["cost"] or ZERO,
    )


def estate_measures(estate: Estate, visibilities: Sequence[str]) -> QuerySet[GreenMeasure]:
    """The estate's measures this reader sees, newest first."""
    return (
        GreenMeasure.objects.filter(estate=estate, visibility__in=visibilities)
        .select_related("building")
        .order_by("-done_on", "-id")
    )


def estate_involvements(estate: Estate, visibilities: Sequence[str]) -> QuerySet[Involvement]:
    return (
        Involvement.objects.filter(estate=estate, visibility__in=visibilities)
        .select_related("measure")
        .order_by("-held_on", "-id")
    )


@dataclass(frozen=True)
class YearRow:
    year: int
    entries: int
    participants: int
    households: int


def participants_by_year(involvements: QuerySet[Involvement]) -> list[YearRow]:
    """Participants (and households) per year, newest year first, in one query."""
    rows = (
        involvements.order_by()
        .annotate(year=ExtractYear("held_on"))
        .values("year")
        .annotate(n=Count("id"), people=Sum("participants"), homes=Sum("households"))
        .order_by("-year")
    )
    return [YearRow(r["year"], r["n"], r["people"] or 0, r["homes"] or 0) for r in rows]


# --- the estate map --------------------------------------------------------------------

MAP_W = 1000
MAP_H = 600
MAP_LIMIT = 100  # markers on one map; the list beside says when there are more


@dataclass
class Box:
    building: Building
    x: float
    y: float
    w: float
    h: float
    label: str

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass
class Marker:
    number: int
    measure: GreenMeasure
    x: float | None = None
    y: float | None = None
    where: str = ""  # "point", "building" or "" (not on the map)


@dataclass
class EstateMap:
    width: int
    height: int
    boxes: list[Box] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    more: int = 0  # measures beyond MAP_LIMIT, not drawn

    @property
    def placed(self) -> list[Marker]:
        return [m for m in self.markers if m.where]


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def estate_map(buildings: Sequence[Building], measures: Sequence[GreenMeasure]) -> EstateMap:
    """The estate's buildings as boxes in a grid (the register has no coordinates) and
    its measures as numbered markers: at their point (percent of the map's width and
    height) or, without one, on their building; ``measures`` in list order, so the
    numbers are those of the list. Pure: no queries."""
    plan = EstateMap(MAP_W, MAP_H)
    n = len(buildings)
    if n:
        cols = math.ceil(math.sqrt(n * MAP_W / MAP_H))
        rows = math.ceil(n / cols)
        cell_w, cell_h = MAP_W / cols, MAP_H / rows
        pad_x, pad_y = cell_w * 0.12, cell_h * 0.18
        chars = max(6, int((cell_w - 2 * pad_x) / 9))
        for i, building in enumerate(buildings):
            col, row = i % cols, i // cols
            plan.boxes.append(
                Box(
                    building=building,
                    x=round(col * cell_w + pad_x, 1),
                    y=round(row * cell_h + pad_y, 1),
                    w=round(cell_w - 2 * pad_x, 1),
                    h=round(cell_h - 2 * pad_y, 1),
                    label=_short(building.address, chars),
                )
            )
    by_building = {box.building.pk: box for box in plan.boxes}
    on_building: dict[int, int] = {}
    for number, measure in enumerate(measures[:MAP_LIMIT], start=1):
        marker = Marker(number, measure)
        if measure.map_x is not None and measure.map_y is not None:
            marker.x = round(float(measure.map_x) * MAP_W / 100, 1)
            marker.y = round(float(measure.map_y) * MAP_H / 100, 1)
            marker.where = "point"
        elif measure.building_id in by_building:
            box = by_building[measure.building_id]
            k = on_building.get(box.building.pk, 0)
            on_building[box.building.pk] = k + 1
            # Several on one building: side by side along its lower edge.
            step = min(34.0, box.w / 4)
            marker.x = round(box.x + 18 + (k % 4) * step, 1)
            marker.y = round(box.y + box.h - 18 - (k // 4) * 30, 1)
            marker.where = "building"
        plan.markers.append(marker)
    plan.more = max(0, len(measures) - MAP_LIMIT)
    return plan


# --- the organisation's overview ------------------------------------------------------


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    count: int
    area_m2: Decimal
    saving_kwh: Decimal
    biodiversity: bool


def organisation_estates(organisation: Organisation) -> QuerySet[Any]:
    """Per estate with measures: number, biodiversity area, expected savings."""
    return (
        GreenMeasure.objects.filter(estate__organisation=organisation)
        .order_by()
        .values("estate__number", "estate__name")
        .annotate(
            count=Count("id"),
            bio=Sum("area_m2", filter=_BIO),
            kwh=Sum("expected_saving_kwh"),
            dkk=Sum("expected_saving_dkk"),
        )
        .order_by("estate__number")
    )


def organisation_kinds(organisation: Organisation) -> list[KindRow]:
    labels = dict(MeasureKind.choices)
    rows = (
        GreenMeasure.objects.filter(estate__organisation=organisation)
        .order_by()
        .values("kind")
        .annotate(count=Count("id"), area=Sum("area_m2"), kwh=Sum("expected_saving_kwh"))
    )
    result = [
        KindRow(
            kind=r["kind"],
            label=str(labels.get(r["kind"], r["kind"])),
            count=r["count"],
            area_m2=r["area"] or ZERO,
            saving_kwh=r["kwh"] or ZERO,
            biodiversity=r["kind"] in BIODIVERSITY_KINDS,
        )
        for r in rows
    ]
    return sorted(result, key=lambda row: (-row.count, row.label))


def organisation_participants(organisation: Organisation) -> list[YearRow]:
    return participants_by_year(Involvement.objects.filter(estate__organisation=organisation))


# --- the public estate page's section ----------------------------------------------

PUBLIC_LIMIT = 10


def public_section(estate: Estate) -> dict[str, Any]:
    """What the organisation has published (``public``) of the estate's measures and
    involvement: the newest of each and their totals (4 queries)."""
    from almen.lib.visibility import Visibility

    measures = estate_measures(estate, [Visibility.PUBLIC])
    involvements = estate_involvements(estate, [Visibility.PUBLIC])
    return {
        "measures": list(measures[:PUBLIC_LIMIT]),
        "involvements": list(involvements[:PUBLIC_LIMIT]),
        "summary": summary(measures),
        "years": participants_by_year(involvements),
    }
