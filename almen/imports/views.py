from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from almen.imports import services
from almen.imports.access import import_run_for_staff
from almen.imports.forms import UploadForm
from almen.imports.models import ImportRun, ImportStatus
from almen.register.access import organisation_for_staff


@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest, cvr: str) -> HttpResponse:
    """Upload a register file, and the organisation's earlier imports."""
    organisation = organisation_for_staff(request, cvr)
    form = UploadForm()
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                run = services.import_run_create(
                    actor=request.user,
                    organisation=organisation,
                    uploaded_file=form.cleaned_data["file"],
                    dry_run=form.cleaned_data["dry_run"],
                )
                services.import_run_start(actor=request.user, run=run, commit=False)
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                return redirect("imports:detail", cvr=organisation.cvr, run_id=run.public_id)
        status = 400
    runs = ImportRun.objects.register().for_organisation(organisation.pk)
    page = Paginator(runs, 25).get_page(request.GET.get("side"))
    return render(
        request,
        "imports/list.html",
        {"organisation": organisation, "form": form, "page": page},
        status=status,
    )


@require_http_methods(["GET"])
def import_detail(request: HttpRequest, cvr: str, run_id: uuid.UUID) -> HttpResponse:
    """A run: status, progress (polled while busy), findings and the diff."""
    run = import_run_for_staff(request, cvr, run_id)
    context = {"organisation": run.organisation, "run": run}
    if getattr(request, "htmx", False):
        response = render(request, "imports/detail.html#progress", context)
        if not run.is_busy and run.status != "uploaded":
            response["HX-Refresh"] = "true"  # done: load the findings and the diff
        return response
    return render(request, "imports/detail.html", context)


def _confirmed_number(request: HttpRequest) -> int | None:
    """The number of move-outs typed to confirm them (None: nothing usable typed)."""
    text = request.POST.get("confirm_move_outs", "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


@require_POST
def import_commit(request: HttpRequest, cvr: str, run_id: uuid.UUID) -> HttpResponse:
    run = import_run_for_staff(request, cvr, run_id)
    try:
        run = services.import_run_start(
            actor=request.user,
            run=run,
            commit=True,
            confirm_move_outs=_confirmed_number(request),
        )
    except services.MoveOutsNotConfirmed as exc:
        context = {
            "organisation": run.organisation,
            "run": run,
            "confirm_error": " ".join(exc.messages),
        }
        return render(request, "imports/detail.html", context, status=400)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        context = {"organisation": run.organisation, "run": run}
        return render(request, "imports/detail.html", context, status=409)
    if run.status == ImportStatus.VALIDATED:
        # Checked again at commit: the register changed, and with it the numbers.
        messages.error(
            request,
            _("Antallet af fraflytninger er ændret siden kontrollen. Se tallene og bekræft igen."),
        )
    else:
        messages.success(request, _("Importen er sat i gang."))
    return redirect("imports:detail", cvr=cvr, run_id=run.public_id)
