"""Register import over the API: upload a file, then poll its run."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from ninja import File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from almen.imports import services
from almen.imports.models import ImportRun
from almen.lib.api import ErrorOut
from almen.register.models import ApiScope
from almen.register.tokens import api_token_auth, require_scope

router = Router(tags=["import"], auth=api_token_auth)


class FindingOut(Schema):
    level: str
    row: int | None
    column: str
    message: str


class ImportRunOut(Schema):
    id: str
    file: str
    status: str
    dry_run: bool
    total_rows: int
    processed_rows: int
    error_count: int
    warning_count: int
    findings: list[FindingOut]
    findings_omitted: int
    summary: dict[str, int]


def _out(run: ImportRun) -> dict[str, Any]:
    return {
        "id": str(run.public_id),
        "file": run.original_name,
        "status": run.status,
        "dry_run": run.dry_run,
        "total_rows": run.total_rows,
        "processed_rows": run.processed_rows,
        "error_count": run.error_count,
        "warning_count": run.warning_count,
        "findings": run.findings,
        "findings_omitted": run.findings_omitted,
        "summary": run.summary,
    }


@router.post(
    "",
    response={201: ImportRunOut, 400: ErrorOut},
    summary="Upload lejemålsregistret (CSV eller XLSX)",
    description="Filen kontrolleres og, uden dry_run, indlæses den, hvis den er uden fejl. "
    "Store filer behandles i baggrunden: følg status på GET /imports/{id}.",
)
def import_upload(request, file: File[UploadedFile], dry_run: Form[bool] = False):
    token = require_scope(request, ApiScope.REGISTER_IMPORT)
    try:
        run = services.import_run_create(
            actor=None, organisation=token.organisation, uploaded_file=file, dry_run=dry_run
        )
        run = services.import_run_start(actor=None, run=run, commit=not dry_run)
    except ValidationError as exc:
        raise HttpError(400, " ".join(exc.messages)) from None
    return 201, _out(run)


@router.get(
    "/{run_id}",
    response={200: ImportRunOut, 404: ErrorOut},
    summary="Status for en registerimport",
)
def import_status(request, run_id: uuid.UUID):
    token = require_scope(request, ApiScope.REGISTER_IMPORT)
    run = ImportRun.objects.filter(organisation=token.organisation, public_id=run_id).first()
    if run is None:
        raise HttpError(404, "Importen findes ikke.")
    return _out(run)
