from __future__ import annotations

import uuid

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from almen.register.models import Organisation
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


def _ask(request: HttpRequest, organisation: Organisation, title: str, fmt: str) -> HttpResponse:
    """GET of a pack: a button that asks for it (a POST makes it, so a reload, a link
    preview or a crawler never queues a job)."""
    return render(
        request,
        "reports/make.html",
        {"organisation": organisation, "title": title, "fmt": fmt, "action": request.path},
    )


@require_http_methods(["GET", "POST"])
def board_report(request: HttpRequest, cvr: str, fmt: str) -> HttpResponse:
    pack_access = access.organisation_for_board_report(request, cvr)
    p, organisation = pack_access.principal, pack_access.organisation
    if request.method == "GET":
        return _ask(request, organisation, _("Rapport til bestyrelsen"), fmt)
    if services.needs_background(packs.board_goal_count(p, organisation)):
        job = services.report_job_create(
            actor=request.user, organisation=organisation, kind=ReportKind.BOARD, fmt=fmt
        )
        return redirect("reports:job", cvr=cvr, job_id=job.public_id)
    return _download(formats.render(packs.board_pack(p, organisation), fmt))


@require_http_methods(["GET", "POST"])
def handout(request: HttpRequest, cvr: str, number: int, fmt: str) -> HttpResponse:
    pack_access = access.estate_for_handout(request, cvr, number)
    assert pack_access.estate is not None
    if request.method == "GET":
        title = _("Til afdelingsmødet – afdeling %(number)d %(name)s") % {
            "number": pack_access.estate.number,
            "name": pack_access.estate.name,
        }
        return _ask(request, pack_access.organisation, title, fmt)
    return _download(
        formats.render(packs.handout_pack(pack_access.principal, pack_access.estate), fmt)
    )


@require_http_methods(["GET", "POST"])
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
    if request.method == "GET":
        title = _("Styringsdialog med %(municipality)s %(year)d") % {
            "municipality": municipality.name,
            "year": year,
        }
        return _ask(request, organisation, title, fmt)
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
