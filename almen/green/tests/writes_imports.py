"""The write-matrix rows of grøn drift's imports (merged into
``almen/access/tests/test_writes.py``): uploading a readings file for the matrix meter
(the run is stored and checked) and committing a checked run (its reading written).
The readings API is token-authenticated (``API_WRITES``); its callers are walked in
test_imports_api.py."""

from __future__ import annotations

from typing import Any

from almen.access.tests import test_writes as w
from almen.green.tests.matrix_imports import BASE, STAFF_ONLY

CVR_A = "29190909"
# The matrix meter's readings run to 1 January 2026 (1,120 MWh).
READINGS_CSV = "målernummer;dato;aflæsning\nMATRIX-FV-1;01-02-2026;1130\n".encode()


def _commit_path() -> str:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from almen.green import imports_services as services
    from almen.imports.models import ImportStatus
    from almen.register.models import Organisation

    run = services.green_run_create(
        actor=None,
        organisation=Organisation.objects.get(cvr=CVR_A),
        uploaded_file=SimpleUploadedFile("matrix.csv", READINGS_CSV, content_type="text/csv"),
        kind=services.READINGS,
    )
    run = services.green_run_start(actor=None, run=run, commit=False)
    assert run.status == ImportStatus.VALIDATED, run.findings
    return f"/organisationer/{CVR_A}/groen-drift/import/{run.public_id}/godkend/"


WRITES: dict[str, Any] = {
    BASE: w.Write(files=lambda: {"file": READINGS_CSV}),
    f"{BASE}<uuid:import_id>/godkend/": w.Write(
        form=False, path=_commit_path, outcomes=w._post_only(STAFF_ONLY)
    ),
}

API_WRITES = {"api/v1/green/readings"}
