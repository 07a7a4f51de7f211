"""Matrix data of the meters part (run after the core's ``matrix_green_create``): on
organisation A's estate 1 a building of its own (no homes, so the estate's share of
labelled homes is as before), a district-heating sub-meter of the core's matrix meter
in it with one reading (one reading gives no month, so no total changes), and an
energy label for the building. Fixed ids, so the matrix's URLs can name them."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from almen.green.models import (
    EnergyKind,
    EnergyLabel,
    EnergyLabelClass,
    Meter,
    MeterMode,
    MeterUnit,
    Reading,
    ReadingSource,
)
from almen.green.testing import METER_ID, aware
from almen.register.models import Building, Estate

SUB_METER_ID = uuid.UUID("00000000-0000-4000-8000-000000000230")
LABEL_ID = uuid.UUID("00000000-0000-4000-8000-000000000231")
# Buildings and readings have no public id: these rows get fixed primary keys far
# above what the test database's sequences reach.
BUILDING_PK = 900230
READING_PK = 900231


def matrix_create() -> None:
    estate = Estate.objects.get(organisation__cvr="29190909", number=1)
    building, _ = Building.objects.get_or_create(
        pk=BUILDING_PK,
        defaults={"estate": estate, "address": "Målervej 1 (matrix)", "built_year": 1972},
    )
    meter, _ = Meter.objects.get_or_create(
        public_id=SUB_METER_ID,
        defaults={
            "estate": estate,
            "building": building,
            "number": "MATRIX-FV-1.1",
            "name": "Fjernvarme, bimåler",
            "kind": EnergyKind.DISTRICT_HEATING,
            "unit": MeterUnit.KWH,
            "mode": MeterMode.CUMULATIVE,
            "parent": Meter.objects.get(public_id=METER_ID),
        },
    )
    Reading.objects.get_or_create(
        pk=READING_PK,
        defaults={
            "meter": meter,
            "at": aware(dt.date(2025, 6, 1)),
            "value": Decimal("500"),
            "source": ReadingSource.DEMO,
        },
    )
    EnergyLabel.objects.get_or_create(
        public_id=LABEL_ID,
        defaults={
            "building": building,
            "label": EnergyLabelClass.C,
            "number": "MATRIX-311000001",
            "issued_on": dt.date(2020, 3, 1),
            "expires_on": dt.date(2030, 3, 1),
        },
    )
