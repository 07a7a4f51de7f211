"""Residents' data for the organisation's staff: find, read, export, erase.

Every page here shows personal data: it is never cached (``no_store``) and every
read is recorded in the organisation's audit log (action ``read``).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from almen.audit.services import audit_record
from almen.lib.http import no_store
from almen.register import access, privacy
from almen.register.models import Resident

SEARCH_MIN_LENGTH = 2
SEARCH_LIMIT = 50


@no_store
@require_GET
def resident_search(request: HttpRequest, cvr: str) -> HttpResponse:
    """Find a current or former resident by name or e-mail (for a data request)."""
    organisation = access.organisation_for_personal_data(request, cvr)
    query = request.GET.get("q", "").strip()[:200]
    results: list[Resident] | None = None
    status = 200
    error = ""
    if query and len(query) < SEARCH_MIN_LENGTH:
        error = gettext("Skriv mindst %(n)d tegn.") % {"n": SEARCH_MIN_LENGTH}
        status = 400
    elif query:
        results = list(
            Resident.objects.filter(household__unit__estate__organisation=organisation)
            .filter(Q(name__icontains=query) | Q(email__iexact=query))
            .select_related("household__unit__estate")
            .order_by("name", "household__moved_in")[:SEARCH_LIMIT]
        )
        audit_record(
            actor=request.user,
            action="read",
            obj=Resident,
            organisation_id=organisation.pk,
            after={"list": "search", "shown": len(results)},
        )
    return render(
        request,
        "register/resident_search.html",
        {
            "organisation": organisation,
            "query": query,
            "results": results,
            "error": error,
            "limit": SEARCH_LIMIT,
        },
        status=status,
    )


@no_store
@require_GET
def resident_detail(request: HttpRequest, cvr: str, resident_id: uuid.UUID) -> HttpResponse:
    resident = access.resident_for_staff(request, cvr, resident_id)
    estate = resident.household.unit.estate
    audit_record(
        actor=request.user,
        action="read",
        obj=resident,
        organisation_id=estate.organisation_id,
    )
    return render(
        request,
        "register/resident_detail.html",
        {"organisation": estate.organisation, "resident": resident, "estate": estate},
    )


@no_store
@require_GET
def resident_export(
    request: HttpRequest, cvr: str, resident_id: uuid.UUID, fmt: str
) -> HttpResponse:
    """Everything held about the resident, as JSON or CSV (a data-access request)."""
    resident = access.resident_for_staff(request, cvr, resident_id)
    data = privacy.resident_export(resident)
    audit_record(
        actor=request.user,
        action="export",
        obj=resident,
        organisation_id=resident.household.unit.estate.organisation_id,
        after={"format": fmt},
    )
    if fmt == "csv":
        body, content_type = privacy.export_csv(data), "text/csv; charset=utf-8"
    else:
        body, content_type = privacy.export_json(data), "application/json; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="beboer-{resident.public_id}.{fmt}"'
    return response


@no_store
@require_http_methods(["GET", "POST"])
def resident_anonymise(request: HttpRequest, cvr: str, resident_id: uuid.UUID) -> HttpResponse:
    """Erase a resident's personal data: GET shows what will be erased; a POST with
    the confirmation erases it."""
    resident = access.resident_for_staff(request, cvr, resident_id)
    estate = resident.household.unit.estate
    context: dict[str, Any] = {
        "organisation": estate.organisation,
        "resident": resident,
        "estate": estate,
    }
    if request.method == "GET" or resident.anonymised_at is not None:
        return render(request, "register/resident_anonymise.html", context)
    if request.POST.get("confirm") != "yes":
        context["error"] = gettext("Sæt kryds for at bekræfte, at oplysningerne skal slettes.")
        return render(request, "register/resident_anonymise.html", context, status=400)
    privacy.resident_anonymise(actor=request.user, resident=resident)
    messages.success(request, gettext("Beboerens personoplysninger er slettet."))
    return redirect(
        "register:resident_detail", cvr=estate.organisation.cvr, resident_id=resident.public_id
    )
