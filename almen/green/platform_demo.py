"""Grøn drift's demo (``manage.py seed_demo``, after the goals' demo).

Every demo estate gets a district-heating meter (the municipality's plant), an
electricity and a water meter, each with three years (2023–2025) of monthly register
readings on the first of the month, and the faults real series have:

- the first estate's heat meter is **replaced** on 15 June 2024 (a ``MeterExchange``:
  the new meter starts at 0);
- the second estate's electricity meter has a **gap**: no readings on 1 March and
  1 April 2024 (the time between is spread over the months by the footprint);
- the third estate's water meter has a **10× spike** in February 2025 (a leak);

footprints are computed with ``footprint.meter_refresh``. Buildings get a built year
and an energy label (a mix of B, C, D and E), each estate a wildflower meadow of 200 m²
(public) and ten nest boxes, and one estate goal of the personas' organisation an
indicator bound to ``green.co2e_per_m2`` with measurements computed from the readings.

The factors: the national ones in the database (the default table) where they exist;
otherwise the few the demo needs are created with a source that says "Demo", so that
no invented number passes for an official one. Deterministic (a seeded generator),
idempotent (an estate that has its demo meters is left alone), readings in bulk.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Count

from almen.goals import services as goal_services
from almen.goals.models import Goal, Indicator, IndicatorSource
from almen.goals.progress import Direction
from almen.green import footprint
from almen.green.models import (
    EmissionFactor,
    EnergyKind,
    EnergyLabel,
    GreenMeasure,
    MeasureKind,
    Meter,
    MeterExchange,
    MeterMode,
    MeterUnit,
    Reading,
    ReadingSource,
    Supplier,
)
from almen.green.testing import aware
from almen.lib import metrics
from almen.lib.visibility import Visibility
from almen.register.models import Building, Estate, Municipality

DEMO_CVR = "29190909"  # the personas' organisation
YEARS = (2023, 2024, 2025)
NUMBER: dict[str, str] = {
    EnergyKind.DISTRICT_HEATING: "DEMO-FV",
    EnergyKind.ELECTRICITY: "DEMO-EL",
    EnergyKind.WATER: "DEMO-V",
}
# Share of a year's heat in each month (Danish district heating: winter-heavy).
HEAT_PROFILE = [0.15, 0.13, 0.12, 0.09, 0.05, 0.03, 0.03, 0.03, 0.05, 0.08, 0.11, 0.13]
HEAT_MWH_PER_HOME = 8.0  # a year, about 110 kWh/m² for a 70 m² home
ELECTRICITY_KWH_PER_HOME = 300.0  # common areas, laundries, outdoor light: a year
WATER_M3_PER_HOME = 70.0  # a year
SAVING_PER_YEAR = 0.03  # the estates use a little less each year
EXCHANGE_ON = dt.date(2024, 6, 15)
GAP = (dt.date(2024, 3, 1), dt.date(2024, 4, 1))
SPIKE_MONTH = dt.date(2025, 2, 1)
LABELS = ["B", "C", "D", "E", "C", "D"]
DEMO_SOURCE = "Demo: anslået værdi til demoen, ikke en officiel faktor eller deklaration"
# The few factors the demo needs when the default table is not loaded (kg CO2e/kWh).
ELECTRICITY = {
    2023: (Decimal("0.096"), "Demo: ca. 96 g CO2e/kWh for 2023 (Green Power Denmark, foreløbigt)"),
    2024: (Decimal("0.060"), "Demo: ca. 60 g CO2e/kWh for 2024 (Green Power Denmark)"),
}
PLANT = {2023: Decimal("0.072"), 2024: Decimal("0.066"), 2025: Decimal("0.061")}


def _months() -> list[dt.date]:
    """The first of every month from January 2023 to January 2026."""
    return [dt.date(y, m, 1) for y in YEARS for m in range(1, 13)] + [dt.date(YEARS[-1] + 1, 1, 1)]


def _plant(municipality: Municipality) -> Supplier:
    """The municipality's district-heating plant: one of the default table's if it names
    the municipality, otherwise a demo plant with demo factors."""
    plant = Supplier.objects.filter(
        kind=EnergyKind.DISTRICT_HEATING, organisation__isnull=True, municipalities=municipality
    ).first()
    if plant is None:
        plant, _created = Supplier.objects.get_or_create(
            kind=EnergyKind.DISTRICT_HEATING,
            organisation=None,
            name=f"Demo-fjernvarmeværk {municipality.name}",
        )
        plant.municipalities.add(municipality)
    for year, value in PLANT.items():
        if not EmissionFactor.objects.filter(
            supplier=plant, year=year, superseded_at__isnull=True
        ).exists():
            EmissionFactor.objects.create(
                year=year,
                kind=EnergyKind.DISTRICT_HEATING,
                supplier=plant,
                kg_co2e_per_unit=value,
                source=DEMO_SOURCE,
            )
    return plant


def _national_factors() -> None:
    """Electricity 2023 and 2024, only where the database has no national factor."""
    for year, (value, source) in ELECTRICITY.items():
        exists = EmissionFactor.objects.filter(
            year=year,
            kind=EnergyKind.ELECTRICITY,
            supplier__isnull=True,
            organisation__isnull=True,
            superseded_at__isnull=True,
        ).exists()
        if not exists:
            EmissionFactor.objects.create(
                year=year, kind=EnergyKind.ELECTRICITY, kg_co2e_per_unit=value, source=source
            )


def _monthly(kind: str, homes: int, month: dt.date, rng: random.Random) -> float:
    years = month.year - YEARS[0] + (month.month - 1) / 12
    trend = (1 - SAVING_PER_YEAR) ** years
    noise = rng.uniform(0.94, 1.06)
    if kind == EnergyKind.DISTRICT_HEATING:
        return homes * HEAT_MWH_PER_HOME * HEAT_PROFILE[month.month - 1] * trend * noise
    if kind == EnergyKind.ELECTRICITY:
        return homes * ELECTRICITY_KWH_PER_HOME / 12 * trend * noise
    return homes * WATER_M3_PER_HOME / 12 * trend * noise


def _series(
    meter: Meter, homes: int, rng: random.Random, *, gap: bool, spike: bool, exchange: bool
) -> tuple[list[Reading], MeterExchange | None]:
    months = _months()
    places = Decimal("0.001") if meter.unit == MeterUnit.MWH else Decimal("0.1")
    value = Decimal(rng.randint(1000, 9000))
    readings: list[Reading] = []
    swap: MeterExchange | None = None
    for n, month in enumerate(months):
        if not (gap and month in GAP):
            readings.append(
                Reading(meter=meter, at=aware(month), value=value, source=ReadingSource.DEMO)
            )
        if n == len(months) - 1:
            break
        amount = _monthly(meter.kind, homes, month, rng) * (
            10 if spike and month == SPIKE_MONTH else 1
        )
        used = Decimal(str(amount)).quantize(places)
        if exchange and month == EXCHANGE_ON.replace(day=1):
            # The old meter ran until the 15th (14 of June's 30 days), the new one from 0.
            before = (used * 14 / 30).quantize(places)
            swap = MeterExchange(
                meter=meter,
                on=aware(EXCHANGE_ON),
                old_number=f"{meter.number}-GL",
                new_number=meter.number,
                old_end=value + before,
                new_start=Decimal(0),
            )
            value = used - before
        else:
            value += used
    return readings, swap


def _estate_meters(estate: Estate, index: int, homes: int, rng: random.Random) -> list[int]:
    plant = _plant(estate.municipality)
    made: list[int] = []
    readings: list[Reading] = []
    for kind, unit, name in (
        (EnergyKind.DISTRICT_HEATING, MeterUnit.MWH, "Fjernvarme, hovedmåler"),
        (EnergyKind.ELECTRICITY, MeterUnit.KWH, "El, fællesarealer"),
        (EnergyKind.WATER, MeterUnit.M3, "Koldt vand, hovedmåler"),
    ):
        meter = Meter.objects.create(
            estate=estate,
            number=NUMBER[kind],
            name=name,
            kind=kind,
            unit=unit,
            mode=MeterMode.CUMULATIVE,
            supplier=plant if kind == EnergyKind.DISTRICT_HEATING else None,
            installed_on=dt.date(2015, 1, 1),
        )
        rows, swap = _series(
            meter,
            homes,
            rng,
            exchange=index == 0 and kind == EnergyKind.DISTRICT_HEATING,
            gap=index == 1 and kind == EnergyKind.ELECTRICITY,
            spike=index == 2 and kind == EnergyKind.WATER,
        )
        readings += rows
        if swap is not None:
            swap.save()
        made.append(meter.pk)
    Reading.objects.bulk_create(readings, batch_size=2000)
    return made


def _buildings(estate: Estate, index: int, rng: random.Random) -> None:
    built = rng.choice([1952, 1961, 1968, 1972, 1975, 1984, 1992])
    for n, building in enumerate(Building.objects.filter(estate=estate).order_by("address")):
        if building.built_year is None:
            Building.objects.filter(pk=building.pk).update(built_year=built)
        issued = dt.date(2021, 3, 1) + dt.timedelta(days=37 * ((index + n) % 9))
        EnergyLabel.objects.get_or_create(
            building=building,
            issued_on=issued,
            defaults={
                "label": LABELS[(index + n) % len(LABELS)],
                "number": f"DEMO-{estate.number:03d}-{n + 1:02d}",
                "expires_on": issued.replace(year=issued.year + 10),
            },
        )


def _measures(estate: Estate) -> None:
    GreenMeasure.objects.get_or_create(
        estate=estate,
        kind=MeasureKind.WILDFLOWER_MEADOW,
        title="Vild blomstereng på den store græsplæne",
        defaults={
            "area_m2": Decimal(200),
            "quantity": Decimal(200),
            "quantity_unit": "m²",
            "done_on": dt.date(2024, 5, 15),
            "place": "Græsplænen mod syd",
            "visibility": Visibility.PUBLIC,
        },
    )
    GreenMeasure.objects.get_or_create(
        estate=estate,
        kind=MeasureKind.NEST_BOXES,
        title="Redekasser til mejser og stære",
        defaults={
            "quantity": Decimal(10),
            "quantity_unit": "stk.",
            "done_on": dt.date(2025, 2, 20),
            "place": "Træerne ved legepladsen",
            "visibility": Visibility.ORGANISATION,
        },
    )


def _bind_goal_indicator() -> int:
    """An estate goal of the personas' organisation gets "CO2e pr. m²", computed."""
    if Indicator.objects.filter(metric_key="green.co2e_per_m2").exists():
        return 0
    # A green estate goal (cornerstone 2: consumption 2.4 or building 2.1 first), else
    # any of the organisation's estate goals.
    goals = list(
        Goal.objects.filter(organisation__cvr=DEMO_CVR, estate__isnull=False)
        .prefetch_related("commitments")
        .order_by("estate__number", "pk")
    )
    if not goals:
        return 0

    def rank(goal: Goal) -> int:
        codes = {c.code for c in goal.commitments.all()}
        if codes & {"2.4", "2.1"}:
            return 0
        return 1 if any(code.startswith("2.") for code in codes) else 2

    goal = min(goals, key=rank)
    if goal.estate_id is None:
        return 0
    metric = metrics.get("green.co2e_per_m2")
    baseline = metric.value(
        "estate", goal.estate_id, metrics.Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    )
    if baseline is None:
        return 0
    indicator = goal_services.indicator_create(
        actor=None,
        goal=goal,
        title="CO2e pr. m² fra varme og el",
        unit="kg CO2e/m²",
        direction=Direction.DECREASE,
        baseline_value=baseline,
        baseline_date=dt.date(2023, 12, 31),
        target_value=(baseline * Decimal("0.7")).quantize(Decimal("0.01")),
        target_date=dt.date(2028, 12, 31),
        source=IndicatorSource.METRIC,
        metric_key="green.co2e_per_m2",
    )
    for year in (2024, 2025):
        goal_services.indicator_refresh_from_metric(
            actor=None, indicator=indicator, on=dt.date(year, 12, 31)
        )
    return 1


@transaction.atomic
def green_demo_create(*, seed: int = 2026) -> int:
    """Idempotent. Returns the number of meters made."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not a secret
    _national_factors()
    estates = list(
        Estate.objects.select_related("organisation", "municipality")
        .annotate(homes=Count("units"))
        .order_by("organisation__cvr", "number")
    )
    done = set(
        Meter.objects.filter(number=NUMBER[EnergyKind.DISTRICT_HEATING]).values_list(
            "estate_id", flat=True
        )
    )
    meters: list[int] = []
    for index, estate in enumerate(estates):
        _buildings(estate, index, rng)
        _measures(estate)
        if estate.pk in done:
            continue
        meters += _estate_meters(estate, index, max(estate.homes, 1), rng)
    if meters:
        footprint.meter_refresh(meters)
    _bind_goal_indicator()
    return len(meters)
