from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from almen.access.policy import Scope, principal
from almen.audit.models import AuditEntry
from almen.register import access as register_access
from almen.register.models import Household, Organisation, Resident
from almen.web import selectors


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    p = principal(request)
    return render(request, "web/home.html", selectors.home_context(p))


@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    organisations = Organisation.objects.select_related("municipality").order_by("name")
    if query:
        organisations = organisations.filter(name__icontains=query) | organisations.filter(
            cvr=query
        )
    page = Paginator(organisations, 50).get_page(request.GET.get("side"))
    return render(request, "web/organisation_list.html", {"page": page, "query": query})


@require_GET
def organisation_detail(request: HttpRequest, cvr: str) -> HttpResponse:
    organisation = register_access.organisation_for_view(request, cvr)
    p = principal(request)
    return render(
        request,
        "web/organisation_detail.html",
        {
            "organisation": organisation,
            "estates": selectors.organisation_estates(organisation),
            "figures": selectors.organisation_figures(organisation),
            "is_staff": p.is_staff_of(organisation.pk),
        },
    )


@require_GET
def estate_detail(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    estate = register_access.estate_for_view(request, cvr, number)
    p = principal(request)
    members_view = register_access.can_see_members_view(p, estate)
    return render(
        request,
        "web/estate_detail.html",
        {
            "estate": estate,
            "figures": selectors.estate_figures(estate),
            "board": selectors.estate_board(estate) if members_view else None,
            "is_resident": p.is_resident_of(estate.pk),
            "can_see_residents": p.can_read_personal_data(Scope.of_estate(estate)),
        },
    )


@require_GET
def estate_residents(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    estate = register_access.estate_for_residents_list(request, cvr, number)
    residents = (
        Resident.objects.filter(
            household__in=Household.objects.active().filter(unit__estate=estate)
        )
        .select_related("household__unit")
        .order_by("household__unit__number", "name")
    )
    page = Paginator(residents, 100).get_page(request.GET.get("side"))
    return render(request, "web/estate_residents.html", {"estate": estate, "page": page})


@require_GET
def audit_log(request: HttpRequest, cvr: str) -> HttpResponse:
    organisation = register_access.organisation_for_staff(request, cvr)
    entries = AuditEntry.objects.filter(organisation=organisation).select_related("actor")
    page = Paginator(entries, 50).get_page(request.GET.get("side"))
    return render(request, "web/audit_log.html", {"organisation": organisation, "page": page})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers; 503 otherwise (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    """Your account: who you are in Almen and where you belong."""
    p = principal(request)
    return render(
        request,
        "web/profile.html",
        {"estates": selectors.estate_cards(p.resident_estates | p.board_estates)},
    )
