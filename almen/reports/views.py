from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from almen.lib.forms import add_service_errors, form_status
from almen.register.models import Municipality, Organisation
from almen.reports import access, formats, packs, services
from almen.reports.forms import RecommendationForm
from almen.reports.models import JobStatus, Recommendation, ReportKind

# The packs an "indstilling" is written for, by their URL word.
RECOMMENDATION_PACKS = {"bestyrelse": ReportKind.BOARD, "kommune": ReportKind.MUNICIPALITY}

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _download(rendered: formats.Rendered) -> HttpResponse:
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = rendered.content_disposition
    return response


@require_GET
def organisation_reports(request: HttpRequest, cvr: str) -> HttpResponse:
    """The packs the person may read for an organisation, with links."""
    pack_access = access.organisation_for_reports(request, cvr)
    p, organisation = pack_access.principal, pack_access.organisation
    staff = p.is_staff_of(organisation.pk)
    written = (
        set(
            Recommendation.objects.filter(
                organisation=organisation, estate__isnull=True
            ).values_list("kind", flat=True)
        )
        if staff
        else set()
    )
    estates = access.handout_estates(p, organisation)
    recommendable = {e.pk for e in estates if access.may_recommend_handout(p, e)}
    return render(
        request,
        "reports/organisation.html",
        {
            "organisation": organisation,
            "may_recommend": staff,
            "board_recommendation": ReportKind.BOARD in written,
            "municipality_recommendation": ReportKind.MUNICIPALITY in written,
            "board": access.may_read_board_report(p, organisation),
            "estates": estates,
            "handout_recommendable": recommendable,
            "handout_recommended": set(
                Recommendation.objects.filter(
                    organisation=organisation, kind=ReportKind.HANDOUT, estate_id__in=recommendable
                ).values_list("estate_id", flat=True)
            )
            if recommendable
            else set(),
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


@require_http_methods(["GET", "POST"])
def recommendation(request: HttpRequest, cvr: str, pack: str) -> HttpResponse:
    """The administration's "indstilling" for a pack: a form; the pack prints it."""
    pack_access = access.organisation_for_recommendation(request, cvr)
    organisation = pack_access.organisation
    kind = RECOMMENDATION_PACKS.get(pack)
    if kind is None:
        raise Http404
    current = packs.recommendation_for(organisation, kind)
    form = RecommendationForm(
        request.POST or None, initial={"text": current.text if current else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.recommendation_save(
                actor=request.user,
                organisation=organisation,
                kind=kind,
                text=form.cleaned_data["text"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if saved is None:
                messages.success(request, _("Indstillingen er fjernet."))
            else:
                messages.success(request, _("Indstillingen er gemt. Den står i rapporten."))
            return redirect("reports:organisation", cvr=organisation.cvr)
    return render(
        request,
        "reports/recommendation.html",
        {
            "organisation": organisation,
            "form": form,
            "kind": kind,
            "pack_title": ReportKind(kind).label,
            "current": current,
        },
        status=form_status(request, form),
    )


@require_http_methods(["GET", "POST"])
def estate_recommendation(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    """The handout's "indstilling": what the staff or the estate board recommend the
    residents' meeting to decide. The handout prints it first, in PDF and Word."""
    pack_access = access.estate_for_recommendation(request, cvr, number)
    organisation, estate = pack_access.organisation, pack_access.estate
    assert estate is not None
    current = packs.recommendation_for(organisation, ReportKind.HANDOUT, estate)
    form = RecommendationForm(
        request.POST or None, initial={"text": current.text if current else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.recommendation_save(
                actor=request.user,
                organisation=organisation,
                estate=estate,
                kind=ReportKind.HANDOUT,
                text=form.cleaned_data["text"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if saved is None:
                messages.success(request, _("Indstillingen er fjernet."))
            else:
                messages.success(request, _("Indstillingen er gemt. Den står i rapporten."))
            return redirect("reports:organisation", cvr=organisation.cvr)
    return render(
        request,
        "reports/recommendation.html",
        {
            "organisation": organisation,
            "estate": estate,
            "form": form,
            "kind": ReportKind.HANDOUT,
            "pack_title": _("Til afdelingsmødet – afdeling %(number)d %(name)s")
            % {"number": estate.number, "name": estate.name},
            "current": current,
        },
        status=form_status(request, form),
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
    municipality = (
        Municipality.objects.filter(code=job.municipality_code).first()
        if job.municipality_code
        else None
    )
    day = timezone.localdate(job.finished_at) if job.finished_at else timezone.localdate()
    name = packs.pack_filename(
        job.kind, job.organisation, municipality=municipality, year=job.year, day=day
    )
    response = FileResponse(job.file.open("rb"), as_attachment=True)
    response["Content-Disposition"] = formats.attachment_header(f"{name}.{job.fmt}")
    return response
