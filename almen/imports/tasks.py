"""Background work for big import files (Django's Tasks API; the database queue in
production, the immediate backend in tests). The run's ``kind`` says whose processor
reads it (``almen.imports.kinds``): the register's, or a module's registered one."""

from __future__ import annotations

from django.tasks import task

from almen.imports import kinds
from almen.imports.models import ImportRun


@task
def import_run_process(run_id: str, commit: bool) -> str:
    """Validate the run, and commit it when ``commit`` and it may be committed."""
    kind = ImportRun.objects.filter(public_id=run_id).values_list("kind", flat=True).first()
    if kind is None:
        return "missing"
    run = kinds.processor_for(kind)(run_id=run_id, commit=commit, in_worker=True)
    return str(run.status)
