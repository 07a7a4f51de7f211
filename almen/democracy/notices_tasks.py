"""Background work for the notices (Django's Tasks API): the paper letters' PDF."""

from __future__ import annotations

from django.tasks import task

from almen.democracy import notices_services


@task
def notice_job_render(job_id: str) -> str:
    return notices_services.notice_job_render(job_id=job_id).status
