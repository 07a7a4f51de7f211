"""Matrix data for the factors part: organisation A's own district-heating plant with
a declaration, and a national factor with a fixed id (the URLs name factors by id).
Run after the core's ``matrix_green_create`` (almen/green/testing.py)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from almen.green.models import EmissionFactor, EnergyKind, Supplier
from almen.green.testing import SUPPLIER_ID
from almen.register.models import Organisation

ORG_SUPPLIER_ID = uuid.UUID("00000000-0000-4000-8000-000000000220")
OTHER_ORG_SUPPLIER_ID = uuid.UUID("00000000-0000-4000-8000-000000000221")
# Fixed ids, far above what the sequence hands out in a test run.
NATIONAL_FACTOR_PK = 900_020
ORG_FACTOR_PK = 900_021
OTHER_ORG_FACTOR_PK = 900_022
CVR_A = "29190909"
CVR_OTHER = "31415926"


def matrix_create() -> None:
    org_a = Organisation.objects.get(cvr=CVR_A)
    other = Organisation.objects.get(cvr=CVR_OTHER)
    national_plant = Supplier.objects.get(public_id=SUPPLIER_ID)
    plant_a, _ = Supplier.objects.get_or_create(
        public_id=ORG_SUPPLIER_ID,
        defaults={
            "name": "Matrix Varmeværk A",
            "kind": EnergyKind.DISTRICT_HEATING,
            "organisation": org_a,
        },
    )
    plant_other, _ = Supplier.objects.get_or_create(
        public_id=OTHER_ORG_SUPPLIER_ID,
        defaults={
            "name": "Matrix Varmeværk Anden",
            "kind": EnergyKind.DISTRICT_HEATING,
            "organisation": other,
        },
    )
    rows = [
        # A national plant's factor for a year the matrix meter has no readings in.
        (NATIONAL_FACTOR_PK, 2024, national_plant, None, "0.06", "Matrix: national testværdi"),
        (ORG_FACTOR_PK, 2025, plant_a, org_a, "0.05", "Matrix: organisation A's deklaration"),
        (
            OTHER_ORG_FACTOR_PK,
            2025,
            plant_other,
            other,
            "0.07",
            "Matrix: den anden organisations deklaration",
        ),
    ]
    for pk, year, supplier, organisation, value, source in rows:
        if not EmissionFactor.objects.filter(pk=pk).exists():
            EmissionFactor.objects.create(
                pk=pk,
                year=year,
                kind=EnergyKind.DISTRICT_HEATING,
                supplier=supplier,
                organisation=organisation,
                kg_co2e_per_unit=Decimal(value),
                source=source,
            )
