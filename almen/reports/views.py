from __future__ import annotations

import uuid

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from almen.reports import access, formats, packs, services
from almen.reports.models import JobStatus, ReportKind

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _download(rendered: formats.Rendered) -> HttpResponse:
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    return response


@require_GET
def organisation_reports(request: HttpRequest, cvr: str) -> HttpResponse:
    """The packs the person may read for an organisation, with links."""
    pack_access = access.organisation_for_reports(request, cvr)
    p, organisation = pack_access.principal, pack_access.organisation
    return render(
        request,
        "reports/organisation.html",
        {
            "organisation": organisation,
            "board": access.may_read_board_report(p, organisation),
            "estates": access.handout_estates(p, organisation),
            "municipalities": access.officer_municipalities(p, organisation),
            "year": timezone.localdate().year,
            "formats": ["pdf", "docx", "xlsx"],
        },
    )


@require_GET
def board_report(request: HttpRequest, cvr: str, fmt: str) -> HttpResponse:
    pack_access = access.organisation_for_board_report(request, cvr)
    p, organisation = pack_access.principal, pack_access.organisation
    if services.needs_background(packs.board_goal_count(p, organisation)):
        job = services.report_job_create(
            actor=request.user, organisation=organisation, kind=ReportKind.BOARD, fmt=fmt
        )
        return redirect("reports:job", cvr=cvr, job_id=job.public_id)
    return _download(formats.render(packs.board_pack(p, organisation), fmt))


@require_GET
def handout(request: HttpRequest, cvr: str, number: int, fmt: str) -> HttpResponse:
    pack_access = access.estate_for_handout(request, cvr, number)
    assert pack_access.estate is not None
    return _download(
        formats.render(packs.handout_pack(pack_access.principal, pack_access.estate), fmt)
    )


@require_GET
def municipality_pack(
    request: HttpRequest, cvr: str, municipality_code: str, year: int, fmt: str
) -> HttpResponse:
    pack_access = access.organisation_for_municipality_pack(request, cvr, municipality_code)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    p, organisation, municipality = (
        pack_access.principal,
        pack_access.organisation,
        pack_access.municipality,
    )
    assert municipality is not None
    if services.needs_background(packs.board_goal_count(p, organisation)):
        job = services.report_job_create(
            actor=request.user,
            organisation=organisation,
            kind=ReportKind.MUNICIPALITY,
            fmt=fmt,
            municipality_code=municipality.code,
            year=year,
        )
        return redirect("reports:job", cvr=cvr, job_id=job.public_id)
    return _download(
        formats.render(packs.municipality_pack(p, organisation, municipality, year), fmt)
    )


@require_GET
def job_detail(request: HttpRequest, cvr: str, job_id: uuid.UUID) -> HttpResponse:
    """A pack being made: a progress bar (polled), then the download link."""
    job = access.job_for_requester(request, cvr, job_id)
    context = {"job": job, "organisation": job.organisation}
    if getattr(request, "htmx", False):
        return render(request, "reports/job.html#progress", context)
    return render(request, "reports/job.html", context)


@require_GET
def job_download(request: HttpRequest, cvr: str, job_id: uuid.UUID) -> FileResponse:
    job = access.job_for_requester(request, cvr, job_id)
    if job.status != JobStatus.DONE or not job.file:
        raise Http404
    name = "-".join(filter(None, [job.kind, job.organisation.cvr, job.municipality_code]))
    name += f"-{job.year}.{job.fmt}" if job.year else f".{job.fmt}"
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=name)
