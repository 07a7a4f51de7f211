"""The authorisation matrix's rows for grøn drift's imports (merged into
``almen/access/tests/test_matrix.py``): the upload page and a run's preview are the
organisation's staff's; the commit is POST-only; the readings API needs a token."""

from __future__ import annotations

from almen.access.tests import test_matrix as m
from almen.green.testing_imports import RUN_ID

BASE = "organisationer/<str:cvr>/groen-drift/import/"

ARGS = {"import_id": str(RUN_ID)}

STAFF_ONLY = {
    **m.everyone(403),
    "org_staff": 200,
    "other_org_staff": 404,
    "municipality_officer": 404,
    "sector_staff": 404,
    m.ANON: 302,
}

EXPECTED: dict[str, dict[str, int]] = {
    BASE: STAFF_ONLY,
    f"{BASE}<uuid:import_id>/": STAFF_ONLY,
    f"{BASE}<uuid:import_id>/godkend/": m.everyone(405),  # POST only
    "api/v1/green/readings": m.everyone(405),  # POST only, with an API token
}
