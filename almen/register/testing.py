"""A resident at a fixed id, for the authorisation matrix and other tests that need
one: persona resident_a's own record in organisation A's estate 1."""

from __future__ import annotations

import uuid

from almen.register.models import Resident

RESIDENT_ID = uuid.UUID("00000000-0000-4000-8000-0000000000a7")


def matrix_resident_create() -> Resident:
    resident = Resident.objects.get(email="beboer.a@almen.demo")
    if resident.public_id != RESIDENT_ID:
        Resident.objects.filter(pk=resident.pk).update(public_id=RESIDENT_ID)
        resident.refresh_from_db()
    return resident
