"""Reads of the meters part: an estate's meters with their latest reading and months,
a meter's months, the buildings' heated area, the energy labels and the share of
homes with label C or better. Every function answers in a fixed number of queries,
whatever the number of meters, readings or buildings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from almen.green import footprint
from almen.green.models import (
    C_OR_BETTER,
    EnergyLabel,
    Meter,
    MonthlyFootprint,
    Reading,
    Supplier,
)
from almen.register.models import Building, Estate, Unit


def estate_price_area(estate: Estate) -> str:
    """The price area a meter without its own gets: from the municipality's region."""
    return footprint.price_area_for_region(estate.municipality.region)


def estate_meters(estate: Estate) -> QuerySet[Meter]:
    """The estate's meters with supplier, building and parent, their latest reading
    (``last_at``, ``last_value``) and the number of months with consumption
    (``month_count``): one query."""
    latest = Reading.objects.filter(meter=OuterRef("pk")).order_by("-at")
    months = (
        MonthlyFootprint.objects.filter(meter=OuterRef("pk"))
        .order_by()
        .values("meter")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Meter.objects.filter(estate=estate)
        .select_related("supplier", "building", "parent")
        .annotate(
            last_at=Subquery(latest.values("at")[:1]),
            last_value=Subquery(latest.values("value")[:1]),
            month_count=Coalesce(Subquery(months, output_field=IntegerField()), Value(0)),
        )
        .order_by("kind", "number")
    )


def supplier_choices(estate: Estate) -> QuerySet[Supplier]:
    """National suppliers and the organisation's own."""
    return Supplier.objects.filter(
        Q(organisation__isnull=True) | Q(organisation_id=estate.organisation_id)
    ).order_by("kind", "name")


def meter_months(meter: Meter) -> list[MonthlyFootprint]:
    """The meter's months, newest first, with the factor used."""
    return list(meter.months.select_related("factor").order_by("-month"))


def buildings_with_area(estate: Estate) -> QuerySet[Building]:
    """The estate's buildings with their homes (``unit_count``), the homes' area
    (``units_area``) and the area used (``area_used``: the heated area when given,
    else the homes' area)."""
    units = Unit.objects.filter(building=OuterRef("pk")).order_by().values("building")
    count = units.annotate(n=Count("pk")).values("n")
    area = units.annotate(a=Sum("area_m2")).values("a")
    return (
        Building.objects.filter(estate=estate)
        .annotate(
            unit_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
            units_area=Subquery(area, output_field=DecimalField(max_digits=12, decimal_places=2)),
        )
        .order_by("address")
    )


@dataclass
class BuildingLabels:
    building: Building
    labels: list[EnergyLabel]
    current: EnergyLabel | None


def is_current(label: EnergyLabel, today: dt.date) -> bool:
    return label.issued_on <= today <= label.expires_on


def current_label(labels: Iterable[EnergyLabel], today: dt.date) -> EnergyLabel | None:
    """The latest issued label that has not expired (valid through its expiry day)."""
    valid = [label for label in labels if is_current(label, today)]
    return max(valid, key=lambda label: label.issued_on) if valid else None


def estate_labels(estate: Estate, today: dt.date | None = None) -> list[BuildingLabels]:
    """Each building of the estate with its labels (newest first) and the current
    one: two queries."""
    today = today or timezone.localdate()
    buildings = list(buildings_with_area(estate))
    by_building: dict[int, list[EnergyLabel]] = {b.pk: [] for b in buildings}
    for label in EnergyLabel.objects.filter(building__estate=estate).order_by("-issued_on"):
        by_building[label.building_id].append(label)
    return [
        BuildingLabels(b, by_building[b.pk], current_label(by_building[b.pk], today))
        for b in buildings
    ]


def _current_label_subquery(today: dt.date) -> Subquery:
    return Subquery(
        EnergyLabel.objects.filter(
            building=OuterRef("building"), issued_on__lte=today, expires_on__gte=today
        )
        .order_by("-issued_on")
        .values("label")[:1]
    )


def _share_counts(qs: QuerySet[Unit], today: dt.date) -> QuerySet[Unit]:
    return qs.annotate(current=_current_label_subquery(today))


def label_share(estate_ids: Iterable[int], today: dt.date | None = None) -> tuple[int, int, int]:
    """(homes with a current label C or better, homes with a current label, homes in
    a building) of the estates ``estate_ids``: one query.

    A home counts with its building's current label: the latest issued that has not
    expired. Homes not in any building are left out of all three numbers; homes in a
    building without a current label count in the total only."""
    today = today or timezone.localdate()
    qs = _share_counts(
        Unit.objects.filter(estate_id__in=list(estate_ids), building__isnull=False), today
    )
    row = qs.aggregate(
        good=Count("pk", filter=Q(current__in=sorted(C_OR_BETTER))),
        labelled=Count("pk", filter=Q(current__isnull=False)),
        total=Count("pk"),
    )
    return int(row["good"]), int(row["labelled"]), int(row["total"])


def label_share_by_estate(
    estate_ids: Iterable[int], today: dt.date | None = None
) -> dict[int, tuple[int, int, int]]:
    """``label_share`` per estate (estates without homes in a building are missing):
    one query."""
    today = today or timezone.localdate()
    ids = list(estate_ids)
    rows = (
        _share_counts(Unit.objects.filter(estate_id__in=ids, building__isnull=False), today)
        .order_by()
        .values("estate_id")
        .annotate(
            good=Count("pk", filter=Q(current__in=sorted(C_OR_BETTER))),
            labelled=Count("pk", filter=Q(current__isnull=False)),
            total=Count("pk"),
        )
    )
    return {r["estate_id"]: (r["good"], r["labelled"], r["total"]) for r in rows}


def share_percent(good: int, total: int) -> Decimal | None:
    if not total:
        return None
    return (Decimal(100) * good / total).quantize(Decimal("0.1"))
