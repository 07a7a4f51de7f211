"""Background work for big register files (Django's Tasks API; the database queue
in production, the immediate backend in tests)."""

from __future__ import annotations

from django.tasks import task

from almen.imports import services


@task
def import_run_process(run_id: str, commit: bool) -> str:
    """Validate the run, and commit it when ``commit`` and it may be committed."""
    run = services.import_run_process(run_id=run_id, commit=commit, in_worker=True)
    return run.status
