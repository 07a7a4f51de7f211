from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from almen.access.policy import Scope, principal
from almen.audit.models import AuditEntry
from almen.audit.services import audit_record
from almen.lib import panels
from almen.lib.http import no_store
from almen.register import access as register_access
from almen.register import tokens as register_tokens
from almen.register.models import (
    ApiScope,
    ApiToken,
    Household,
    Municipality,
    Organisation,
    Resident,
)
from almen.web import selectors


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Whatever home panels the modules registered, those this principal sees."""
    return render(request, "web/home.html", {"panels": panels.home(principal(request))})


@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    organisations = Organisation.objects.select_related("municipality").order_by("name")
    if query:
        organisations = organisations.filter(name__icontains=query) | organisations.filter(
            cvr=query
        )
    municipality = request.GET.get("kommune", "").strip()[:4]
    if municipality:
        organisations = selectors.organisations_in(
            frozenset(Municipality.objects.filter(code=municipality).values_list("pk", flat=True))
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
            # Large organisations have hundreds of estates: 50 a page.
            "page": Paginator(selectors.organisation_estates(organisation), 50).get_page(
                request.GET.get("side")
            ),
            "figures": selectors.organisation_figures(organisation),
            "is_staff": p.is_staff_of(organisation.pk),
            # The modules' sections (the organisation's goals …), as registered.
            "sections": panels.shown(panels.ORGANISATION, p, organisation),
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
            "sections": panels.shown(panels.ESTATE, p, estate),
        },
    )


@no_store
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
    # Reading personal data is recorded: one entry per page viewed.
    audit_record(
        actor=request.user,
        action="read",
        obj=estate,
        organisation_id=estate.organisation_id,
        after={"list": "residents", "page": page.number},
    )
    return render(
        request,
        "web/estate_residents.html",
        {
            "estate": estate,
            "page": page,
            "can_open": register_access.can_administer_personal_data(
                principal(request), Scope.of_estate(estate)
            ),
        },
    )


@no_store
@require_GET
def audit_log(request: HttpRequest, cvr: str) -> HttpResponse:
    organisation = register_access.organisation_for_staff(request, cvr)
    entries = AuditEntry.objects.filter(organisation=organisation).select_related("actor")
    page = Paginator(entries, 50).get_page(request.GET.get("side"))
    return render(request, "web/audit_log.html", {"organisation": organisation, "page": page})


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers; 503 otherwise (for load balancers, which often
    ask with HEAD)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@no_store
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


# --- API tokens --------------------------------------------------------------------


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Navn"),
        max_length=100,
        help_text=_("Hvad tokenet bruges til, fx navnet på jeres lejesystem."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Rettigheder"),
        # The label names the scope as the API documentation does (register:read).
        choices=[(v, format_lazy("{} ({})", label, v)) for v, label in ApiScope.choices],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Vælg mindst én rettighed.")},
    )
    expires_on = forms.DateField(
        label=_("Udløber (valgfrit)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Tokenet virker til og med denne dag. Tomt: indtil det tilbagekaldes."),
    )

    def expires_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        # Valid through the chosen day, local time.
        return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


@never_cache
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest, cvr: str) -> HttpResponse:
    """The organisation's API tokens; creating one shows its plaintext this once."""
    organisation = register_access.organisation_for_staff(request, cvr)
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    plaintext = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _token, plaintext = register_tokens.api_token_create(
                    actor=request.user,
                    organisation=organisation,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    expires_at=form.expires_at(),
                )
            except ValidationError as error:
                form.add_error(None, error)
        if plaintext is None:
            status = 400
        else:
            form = ApiTokenForm()
    tokens = ApiToken.objects.filter(organisation=organisation).select_related("created_by")
    page = Paginator(tokens, 50).get_page(request.GET.get("side"))
    return render(
        request,
        "web/tokens.html",
        {
            "organisation": organisation,
            "form": form,
            "page": page,
            "plaintext": plaintext,
            "scope_labels": dict(ApiScope.choices),
        },
        status=status,
    )


@require_POST
def api_token_revoke(request: HttpRequest, cvr: str, token_id: uuid.UUID) -> HttpResponse:
    """Revoke a token: the first POST asks for confirmation, the second revokes."""
    token = register_tokens.api_token_for_staff(request, cvr, token_id)
    if request.POST.get("confirm") != "yes":
        return render(
            request,
            "web/tokens_revoke.html",
            {"organisation": token.organisation, "token": token},
        )
    register_tokens.api_token_revoke(actor=request.user, token=token)
    messages.success(
        request, gettext("API-nøglen »%(name)s« er tilbagekaldt.") % {"name": token.name}
    )
    return redirect("web:api_tokens", cvr=token.organisation.cvr)
