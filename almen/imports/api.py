"""Register import over the API: upload a file, then poll its run."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from almen.imports import services
from almen.imports.models import ImportRun, ImportStatus
from almen.lib.api import ErrorOut
from almen.register.models import ApiScope
from almen.register.tokens import api_token_auth, require_scope

router = Router(tags=["import"], auth=api_token_auth)


class FindingOut(Schema):
    level: str
    row: int | None
    column: str
    message: str


class EstateScopeOut(Schema):
    number: int
    name: str
    exists: bool
    units_now: int
    units_in_file: int
    households_now: int
    households_in_file: int
    moving_in: int
    moving_out: int
    remaining: int
    partial: bool
    needs_confirmation: bool


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
    scope: list[EstateScopeOut]
    move_out_confirmation_required: bool
    move_outs_confirmed: int | None


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
        "scope": run.scope,
        "move_out_confirmation_required": run.needs_move_out_confirmation,
        "move_outs_confirmed": run.move_outs_confirmed,
    }


@router.post(
    "",
    response={201: ImportRunOut, 400: ErrorOut},
    summary="Upload lejemålsregistret (CSV eller XLSX)",
    description="Filen kontrolleres og, uden dry_run, indlæses den, hvis den er uden fejl. "
    "Store filer behandles i baggrunden: følg status på GET /imports/{id}. Flytter "
    "importen mere end den fastsatte andel (10 %) af en afdelings husstande ud, eller "
    "tømmer den en afdeling, indlæses den kun med confirm_move_outs lig med antallet af "
    "husstande, der flytter ud (se det med dry_run først); ellers svares 400, og "
    "importen bliver stående som kontrolleret.",
)
def import_upload(
    request,
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
    confirm_move_outs: Form[int | None] = None,
):
    token = require_scope(request, ApiScope.REGISTER_IMPORT)
    try:
        run = services.import_run_create(
            actor=None, organisation=token.organisation, uploaded_file=file, dry_run=dry_run
        )
        run = services.import_run_start(
            actor=None, run=run, commit=not dry_run, confirm_move_outs=confirm_move_outs
        )
    except ValidationError as exc:
        raise HttpError(400, " ".join(exc.messages)) from None
    if not dry_run and run.status == ImportStatus.VALIDATED and run.needs_move_out_confirmation:
        raise HttpError(
            400,
            _("Importen %(id)s er kontrolleret, men ikke indlæst. %(warning)s")
            % {"id": run.public_id, "warning": services.move_out_warning(run)},
        )
    return 201, _out(run)


@router.get(
    "/{run_id}",
    response={200: ImportRunOut, 404: ErrorOut},
    summary="Status for en registerimport",
)
def import_status(request, run_id: uuid.UUID):
    token = require_scope(request, ApiScope.REGISTER_IMPORT)
    run = (
        ImportRun.objects.register()
        .filter(organisation=token.organisation, public_id=run_id)
        .first()
    )
    if run is None:
        raise HttpError(404, "Importen findes ikke.")
    return _out(run)
