"""Matrix data of grøn drift's imports: one checked readings run of organisation A
(``RUN_ID``), whose preview the matrix opens as every persona."""

from __future__ import annotations

import uuid

RUN_ID = uuid.UUID("00000000-0000-4000-8000-000000000210")


def matrix_create() -> None:
    from almen.green.imports_services import READINGS
    from almen.imports.models import ImportFormat, ImportRun, ImportStatus
    from almen.register.models import Organisation

    ImportRun.objects.get_or_create(
        public_id=RUN_ID,
        defaults={
            "organisation": Organisation.objects.get(cvr="29190909"),
            "kind": READINGS,
            "original_name": "matrix-aflaesninger.csv",
            "format": ImportFormat.CSV,
            "status": ImportStatus.VALIDATED,
            "total_rows": 1,
            "processed_rows": 1,
            "summary": {"rows_read": 1, "readings_new": 1, "meters": 1, "options": {}},
        },
    )
