"""Report jobs: packs too big to render inside a request go to the worker."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from almen.access.policy import principal_for
from almen.audit.services import audit_record, audited_update
from almen.notify.services import notify
from almen.register.models import Estate, Municipality, Organisation
from almen.reports import formats, packs
from almen.reports.models import JobStatus, Recommendation, ReportJob, ReportKind

logger = logging.getLogger(__name__)


def needs_background(goal_count: int) -> bool:
    return goal_count > settings.REPORT_BACKGROUND_GOALS


@transaction.atomic
def report_job_create(
    *,
    actor: Any,
    organisation: Organisation,
    kind: str,
    fmt: str,
    municipality_code: str = "",
    year: int | None = None,
) -> ReportJob:
    """Queue a pack for the worker; the task starts when the transaction commits.
    The same pack asked for again while it is still being made is that job, not a new one
    (a double click, a second tab)."""
    busy = (
        ReportJob.objects.select_for_update()
        .filter(
            organisation=organisation,
            kind=kind,
            fmt=fmt,
            municipality_code=municipality_code,
            year=year,
            requested_by=actor,
            status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
        )
        .first()
    )
    if busy is not None:
        return busy
    job = ReportJob.objects.create(
        organisation=organisation,
        kind=kind,
        fmt=fmt,
        municipality_code=municipality_code,
        year=year,
        requested_by=actor,
    )
    audit_record(
        actor=actor,
        action="report",
        obj=job,
        organisation_id=organisation.pk,
        after={"kind": kind, "fmt": fmt, "municipality": municipality_code, "year": year},
    )
    from almen.reports.tasks import report_job_render as task

    job_id = str(job.public_id)
    transaction.on_commit(lambda: task.enqueue(job_id))
    return job


@transaction.atomic
def recommendation_save(
    *,
    actor: Any,
    organisation: Organisation,
    kind: str,
    text: str,
    estate: Estate | None = None,
) -> Recommendation | None:
    """Write, change or (with an empty text) remove the pack's "indstilling". One per
    organisation (or estate) and pack; every change is audited with the old text."""
    text = text.strip()
    current = (
        Recommendation.objects.select_for_update()
        .filter(organisation=organisation, estate=estate, kind=kind)
        .first()
    )
    if current is None:
        if not text:
            return None
        recommendation = Recommendation(
            organisation=organisation, estate=estate, kind=kind, text=text, author=actor
        )
        recommendation.full_clean()
        recommendation.save()
        audit_record(
            actor=actor,
            action="create",
            obj=recommendation,
            organisation_id=organisation.pk,
            after={"kind": kind, "text": text},
        )
        return recommendation
    if not text:
        audit_record(
            actor=actor,
            action="delete",
            obj=current,
            organisation_id=organisation.pk,
            before={"kind": kind, "text": current.text},
        )
        current.delete()
        return None
    return audited_update(
        actor=actor,
        obj=current,
        changes={"text": text, "author": actor},
        allowed={"text", "author"},
        organisation_id=organisation.pk,
        validate=lambda fresh: fresh.full_clean(),
    )


def _progress(job: ReportJob, percent: int) -> None:
    ReportJob.objects.filter(pk=job.pk).update(progress=min(percent, 100))


def report_job_render(*, job_id: str) -> ReportJob:
    """Render a queued pack. Access is asked again with the requester's current
    roles, so a pack never shows what its reader may no longer see.

    Not one transaction on purpose: the progress must be visible to the page that
    polls it."""
    job = ReportJob.objects.select_related("organisation__municipality", "requested_by").get(
        public_id=job_id
    )
    if not job.is_busy:
        return job
    job.status = JobStatus.RUNNING
    job.save(update_fields=["status"])
    try:
        p = principal_for(job.requested_by)

        def progress(percent: int) -> None:
            _progress(job, percent)

        if job.kind == ReportKind.MUNICIPALITY:
            municipality = Municipality.objects.get(code=job.municipality_code)
            pack = packs.municipality_pack(
                p,
                job.organisation,
                municipality,
                job.year or timezone.localdate().year,
                progress=progress,
            )
        else:
            pack = packs.board_pack(p, job.organisation, progress=progress)
        _progress(job, 65)
        rendered = formats.render(pack, job.fmt)
        job.file.save(
            f"{job.public_id}-{rendered.filename}", ContentFile(rendered.content), save=False
        )
        job.status = JobStatus.DONE
        job.progress = 100
    except Exception:
        logger.exception("Report job %s failed", job.public_id)
        job.status = JobStatus.FAILED
        job.error = "render failed"
    job.finished_at = timezone.now()
    with transaction.atomic():  # the requester hears of it only if the job is saved done
        job.save(update_fields=["file", "status", "progress", "error", "finished_at"])
        if job.status == JobStatus.DONE:
            notify(
                kind="reports.pack_ready",
                key=f"job:{job.public_id}",
                user=job.requested_by,
                context={
                    "title": str(job.get_kind_display()),
                    "format": job.fmt.upper(),
                    "path": reverse("reports:job", args=[job.organisation.cvr, job.public_id]),
                },
            )
    return job
