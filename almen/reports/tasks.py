"""Background work for big report packs (Django's Tasks API)."""

from __future__ import annotations

from django.tasks import task

from almen.reports import services


@task
def report_job_render(job_id: str) -> str:
    return services.report_job_render(job_id=job_id).status
