"""Test data for grøn drift: the authorisation matrix's meter on estate A (organisation
A, estate 1) with a year of monthly readings and a national factor, built once per test
session (``matrix_green_create``, from ``almen/conftest.py``). Each part may add its
own in ``almen/green/testing_<part>.py`` with a ``matrix_create()``: they run after the
core's, in name order, so parts never edit one shared function."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import uuid
from decimal import Decimal

from django.utils import timezone

from almen.green import footprint
from almen.green.models import (
    EmissionFactor,
    EnergyKind,
    Meter,
    MeterMode,
    MeterUnit,
    Reading,
    ReadingSource,
    Supplier,
)
from almen.register.models import Estate

METER_ID = uuid.UUID("00000000-0000-4000-8000-000000000201")
SUPPLIER_ID = uuid.UUID("00000000-0000-4000-8000-000000000202")
MATRIX_YEAR = 2025


def aware(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=timezone.get_current_timezone())


def monthly_readings(
    meter: Meter, year: int, start: Decimal, per_month: list[Decimal] | Decimal
) -> None:
    """Register readings on the first of each month of ``year`` and 1 January after."""
    amounts = per_month if isinstance(per_month, list) else [per_month] * 12
    value = start
    rows = []
    for month in range(13):
        day = dt.date(year + month // 12, month % 12 + 1, 1)
        rows.append(Reading(meter=meter, at=aware(day), value=value, source=ReadingSource.DEMO))
        if month < 12:
            value += amounts[month]
    Reading.objects.bulk_create(rows)


def matrix_green_create() -> None:
    estate = Estate.objects.select_related("organisation").get(
        organisation__cvr="29190909", number=1
    )
    plant, _ = Supplier.objects.get_or_create(
        public_id=SUPPLIER_ID,
        defaults={"name": "Matrix Fjernvarme", "kind": EnergyKind.DISTRICT_HEATING},
    )
    EmissionFactor.objects.get_or_create(
        year=MATRIX_YEAR,
        kind=EnergyKind.DISTRICT_HEATING,
        supplier=plant,
        defaults={
            "kg_co2e_per_unit": Decimal("0.05695"),
            "source": "Matrix: Fjernvarme Fyn, deklaration 2023 (56,95 kg CO2e/MWh)",
        },
    )
    meter, created = Meter.objects.get_or_create(
        public_id=METER_ID,
        defaults={
            "estate": estate,
            "number": "MATRIX-FV-1",
            "name": "Fjernvarme, hovedmåler",
            "kind": EnergyKind.DISTRICT_HEATING,
            "unit": MeterUnit.MWH,
            "mode": MeterMode.CUMULATIVE,
            "supplier": plant,
        },
    )
    if created:
        monthly_readings(meter, MATRIX_YEAR, Decimal("1000"), Decimal("10"))
        footprint.meter_refresh([meter.pk])
    import almen.green as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("testing_"):
            importlib.import_module(f"almen.green.{info.name}").matrix_create()
