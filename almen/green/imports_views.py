"""Grøn drift's import pages: upload, the run's preview (findings, what a commit
would write, progress while the worker reads) and the commit. The organisation's
staff only (``access.organisation_for_manager``)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from almen.green import access
from almen.green import imports_readings as readings
from almen.green import imports_services as services
from almen.green.imports_forms import GreenUploadForm
from almen.imports.models import ImportRun
from almen.lib.forms import add_service_errors


def _run(request: HttpRequest, cvr: str, import_id: uuid.UUID) -> ImportRun:
    organisation = access.organisation_for_manager(request, cvr)
    run = (
        ImportRun.objects.filter(
            organisation=organisation, public_id=import_id, kind__in=list(services.KINDS)
        )
        .select_related("uploaded_by", "committed_by")
        .first()
    )
    if run is None:
        raise Http404
    run.organisation = organisation
    return run


def _context(run: ImportRun) -> dict[str, object]:
    return {
        "organisation": run.organisation,
        "run": run,
        "kind_label": services.KINDS.get(run.kind, ""),
        "spike_k": readings.SPIKE_K,
        "mad_scale": readings.MAD_SCALE,
        "gap_factor": readings.GAP_FACTOR,
        "min_periods": readings.MIN_PERIODS_FOR_SPIKES,
    }


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, cvr: str) -> HttpResponse:
    """Upload readings, energy labels or degree days; the organisation's earlier runs."""
    organisation = access.organisation_for_manager(request, cvr)
    form = GreenUploadForm(organisation=organisation)
    status = 200
    if request.method == "POST":
        form = GreenUploadForm(request.POST, request.FILES, organisation=organisation)
        if form.is_valid():
            try:
                run = services.green_run_create(
                    actor=request.user,
                    organisation=organisation,
                    uploaded_file=form.cleaned_data["file"],
                    kind=form.cleaned_data["kind"],
                    options=form.options(),
                )
                services.green_run_start(actor=request.user, run=run, commit=False)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect(
                    "green:import_detail", cvr=organisation.cvr, import_id=run.public_id
                )
        status = 400
    runs = ImportRun.objects.filter(
        organisation=organisation, kind__in=list(services.KINDS)
    ).select_related("uploaded_by")
    page = Paginator(runs, 25).get_page(request.GET.get("side"))
    for run in page.object_list:
        run.kind_label = services.KINDS.get(run.kind, "")  # type: ignore[attr-defined]
    return render(
        request,
        "green/imports/upload.html",
        {"organisation": organisation, "form": form, "page": page},
        status=status,
    )


@require_http_methods(["GET"])
def import_detail(request: HttpRequest, cvr: str, import_id: uuid.UUID) -> HttpResponse:
    run = _run(request, cvr, import_id)
    context = _context(run)
    if getattr(request, "htmx", False):
        response = render(request, "green/imports/detail.html#progress", context)
        if not run.is_busy and run.status != "uploaded":
            response["HX-Refresh"] = "true"
        return response
    return render(request, "green/imports/detail.html", context)


@require_POST
def import_commit(request: HttpRequest, cvr: str, import_id: uuid.UUID) -> HttpResponse:
    run = _run(request, cvr, import_id)
    try:
        run = services.green_run_start(actor=request.user, run=run, commit=True)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return render(request, "green/imports/detail.html", _context(run), status=409)
    if run.status == "committed":
        messages.success(request, _("Importen er gemt."))
    elif run.status == "rejected":
        messages.error(request, _("Filen har fået fejl siden kontrollen; intet er gemt."))
    else:
        messages.success(request, _("Importen er sat i gang."))
    return redirect("green:import_detail", cvr=cvr, import_id=run.public_id)
