"""Uploaded import files are deleted after a retention period (docs/privacy.md).

A tenancy register file holds every resident's name and contact details; grøn drift's
readings, energy-label and degree-day files hold none, but a year of hourly readings
is hundreds of megabytes and nothing reads it again once imported. So for every kind:
once a run has ended — committed, rejected, failed, or a dry run — Almen keeps the run
(findings, summary, who and when) but deletes the file itself after
``IMPORT_FILE_RETENTION_DAYS`` days. The one state change here is kept apart from
``services.py`` (the import machinery) on purpose: it touches no row but the run.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from almen.audit.services import audit_record
from almen.imports.models import ImportRun, ImportStatus

# A run being validated or committed right now keeps its file.
_BUSY = (ImportStatus.VALIDATING, ImportStatus.COMMITTING)


def import_files_due(*, now: dt.datetime | None = None) -> list[ImportRun]:
    """Runs whose file is past its retention: ended (or never started) more than
    ``IMPORT_FILE_RETENTION_DAYS`` days ago and not busy."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS)
    return list(
        ImportRun.objects.exclude(file="")
        .exclude(status__in=_BUSY)
        .filter(Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff))
        .order_by("pk")
    )


def import_files_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the files of every run past its retention; returns how many.

    A validated run that was never committed can no longer be committed without its
    file: it is marked rejected with a finding saying so. Each deletion is audited.
    """
    days = settings.IMPORT_FILE_RETENTION_DAYS
    purged = 0
    for run in import_files_due(now=now):
        with transaction.atomic():
            run = ImportRun.objects.select_for_update().get(pk=run.pk)
            if not run.file or run.status in _BUSY:
                continue
            name = run.file.name
            fields = ["file"]
            if run.status in (ImportStatus.VALIDATED, ImportStatus.UPLOADED):
                run.status = ImportStatus.REJECTED
                run.findings = [
                    *run.findings,
                    {
                        "level": "error",
                        "row": None,
                        "column": "",
                        "message": _(
                            "Filen er slettet efter opbevaringsperioden (%(days)d dage), så "
                            "importen kan ikke længere indlæses. Upload filen igen."
                        )
                        % {"days": days},
                    },
                ]
                run.error_count += 1
                run.finished_at = run.finished_at or timezone.now()
                fields += ["status", "findings", "error_count", "finished_at"]
            run.file = ""
            run.save(update_fields=fields)
            audit_record(
                actor=None,
                action="purge_file",
                obj=run,
                organisation_id=run.organisation_id,
                after={"file": run.original_name, "retention_days": days},
            )
            # The stored file goes once the row no longer points at it.
            transaction.on_commit(partial(run.file.storage.delete, name))
        purged += 1
    return purged
