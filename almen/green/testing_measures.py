"""Matrix data for the measures part: a green measure on estate A (organisation A,
estate 1) shared with the municipality, and an involvement entry shared with the
organisation (run after the core's ``matrix_green_create``)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from almen.green.models import GreenMeasure, Involvement, InvolvementKind, MeasureKind
from almen.lib.visibility import Visibility
from almen.register.models import Estate

MEASURE_ID = uuid.UUID("00000000-0000-4000-8000-000000000250")
INVOLVEMENT_ID = uuid.UUID("00000000-0000-4000-8000-000000000251")


def matrix_create() -> None:
    estate = Estate.objects.get(organisation__cvr="29190909", number=1)
    measure, _ = GreenMeasure.objects.get_or_create(
        public_id=MEASURE_ID,
        defaults={
            "estate": estate,
            "kind": MeasureKind.WILDFLOWER_MEADOW,
            "title": "Matrixens blomstereng",
            "quantity": Decimal("120"),
            "quantity_unit": "m²",
            "area_m2": Decimal("120"),
            "done_on": dt.date(2025, 5, 15),
            "visibility": Visibility.MUNICIPALITY,
        },
    )
    Involvement.objects.get_or_create(
        public_id=INVOLVEMENT_ID,
        defaults={
            "estate": estate,
            "measure": measure,
            "kind": InvolvementKind.WORKDAY,
            "title": "Matrixens arbejdsdag",
            "held_on": dt.date(2025, 5, 15),
            "participants": 14,
            "visibility": Visibility.ORGANISATION,
        },
    )
