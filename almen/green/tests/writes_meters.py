"""The write-matrix rows for the meters part (merged into
``almen/access/tests/test_writes.py``'s WRITES): each form sent with real data as
every persona; organisation A's staff write (an audit entry at least), everyone else
is refused as in the GET matrix and nothing changes."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from almen.access.tests import test_writes as w
from almen.green.tests.matrix_meters import LABELS, METER, METERS

GREEN = "organisationer/<str:cvr>/afdelinger/<int:number>/groen-drift/"


def _today() -> str:
    return timezone.localdate().isoformat()


def _fresh_meter_delete_path() -> str:
    import uuid

    from almen.green import meters_services
    from almen.register.models import Estate

    estate = Estate.objects.get(organisation__cvr="29190909", number=1)
    meter = meters_services.meter_create(
        actor=None, estate=estate, number=f"SLET-{uuid.uuid4().hex[:8]}", kind="water", unit="m3"
    )
    return f"/organisationer/29190909/afdelinger/1/groen-drift/maalere/{meter.public_id}/slet/"


WRITES: dict[str, Any] = {
    METERS + "ny/": w.Write(
        data=lambda: {"number": "SKRIVETEST-1", "kind": "water", "unit": "m3", "name": "Vand"}
    ),
    METER + "rediger/": w.Write(data=lambda: {"name": "Fjernvarme, skrivetest"}),
    # A meter of its own to delete (the matrix meter has a sub-meter, which refuses it).
    METER + "slet/": w.Write(path=lambda: _fresh_meter_delete_path()),
    # The matrix meter's last reading is 1,120 MWh on 1 January 2026.
    METER + "aflaesninger/ny/": w.Write(data=lambda: {"date": _today(), "value": "1200,5"}),
    METER + "udskiftning/": w.Write(
        data=lambda: {
            "date": _today(),
            "old_end": "1200",
            "new_start": "0",
            "new_number": "SKRIVETEST-NY",
        }
    ),
    METERS + "aflaesninger/<int:reading_id>/slet/": w.Write(),
    GREEN + "bygninger/<int:building_id>/rediger/": w.Write(
        data=lambda: {"built_year": "1968", "heated_area_m2": "1234,5"}
    ),
    LABELS + "ny/": w.Write(
        data=lambda: {"label": "B", "issued_on": "2024-05-01", "expires_on": "2034-05-01"}
    ),
    LABELS + "<uuid:label_id>/rediger/": w.Write(data=lambda: {"label": "D"}),
    LABELS + "<uuid:label_id>/slet/": w.Write(),
}
