"""People and roles: thin views over ``people.services``; access in ``people.access``."""

from __future__ import annotations

import uuid
from typing import Any

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from almen.access.policy import LoginRequired, principal
from almen.accounts.models import User
from almen.audit.services import audit_record
from almen.lib.forms import add_service_errors, form_status
from almen.lib.http import no_store
from almen.people import access, letters, selectors, services
from almen.people.forms import (
    AcceptForm,
    ActivateForm,
    CodeForm,
    EndForm,
    InviteForm,
    RoleGiveForm,
    SeatAddForm,
)
from almen.register.models import BodyKind, Household, Organisation, Resident

LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """``people:index``: the people page of the requester's organisation."""
    p = principal(request)
    if p.is_anonymous:
        raise LoginRequired
    organisation = (
        Organisation.objects.filter(pk__in=p.staff_organisations).order_by("name").first()
    )
    if organisation is None:
        raise Http404
    return redirect("people:organisation", cvr=organisation.cvr)


def _oidc() -> dict[str, Any]:
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])  # type: ignore[attr-defined]
    app = apps[0] if apps else None
    return {
        "configured": app is not None,
        "name": app["name"] if app else "MitID",
        "server_url": app["settings"]["server_url"] if app else "",
        "callback": settings.SITE_URL + f"/konto/oidc/{settings.OIDC_PROVIDER_ID}/login/callback/",
    }


@no_store
@require_GET
def organisation(request: HttpRequest, cvr: str) -> HttpResponse:
    org = access.organisation_for_staff(request, cvr)
    return render(
        request,
        "people/organisation.html",
        {
            "organisation": org,
            "staff": selectors.staff(org),
            "invitations": selectors.pending_invitations(org),
            "bodies": selectors.bodies(org),
            "oidc": _oidc(),
            "me": request.user.pk,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, cvr: str) -> HttpResponse:
    org = access.organisation_for_staff(request, cvr)
    form = InviteForm(request.POST if request.method == "POST" else None)
    account_exists = False
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request.user,
                organisation=org,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            account_exists = any(
                getattr(e, "code", "") == "account_exists"
                for errors in getattr(error, "error_dict", {}).values()
                for e in errors
            )
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                gettext("Invitationen er sendt til %(email)s.") % {"email": invitation.email},
            )
            return redirect("people:organisation", cvr=org.cvr)
    return render(
        request,
        "people/invite.html",
        {
            "organisation": org,
            "form": form,
            "account_exists": account_exists,
            "email": form.data.get("email", ""),
            "role": form.data.get("role", ""),
        },
        status=form_status(request, form),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def role_give(request: HttpRequest, cvr: str) -> HttpResponse:
    org = access.organisation_for_staff(request, cvr)
    initial = {k: request.GET[k] for k in ("email", "role") if k in request.GET}
    form = RoleGiveForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(email__iexact=form.cleaned_data["email"].strip()).first()
        if user is None:
            form.add_error(
                "email",
                gettext("Der er ingen konto med den adresse. Invitér personen i stedet."),
            )
        else:
            try:
                services.role_give(
                    actor=request.user,
                    organisation=org,
                    user=user,
                    role=form.cleaned_data["role"],
                    starts=form.cleaned_data["starts"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, gettext("%(person)s har fået rollen.") % {"person": user})
                return redirect("people:organisation", cvr=org.cvr)
    return render(
        request,
        "people/role_give.html",
        {"organisation": org, "form": form},
        status=form_status(request, form),
    )


def _end_form(request: HttpRequest) -> EndForm:
    if request.POST.get("confirm") == "yes":
        return EndForm(request.POST)
    return EndForm(initial={"on": timezone.localdate()})


@require_POST
def role_end(request: HttpRequest, cvr: str, id: int) -> HttpResponse:
    """The first POST asks for the last day; the second (``confirm=yes``) ends."""
    membership = access.membership_for_staff(request, cvr, id)
    form = _end_form(request)
    if form.is_bound and form.is_valid():
        try:
            services.role_end(actor=request.user, membership=membership, on=form.cleaned_data["on"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                gettext("Rollen %(role)s for %(person)s slutter %(day)s.")
                % {
                    "role": membership.get_role_display(),
                    "person": membership.user,
                    "day": form.cleaned_data["on"].strftime("%d-%m-%Y"),
                },
            )
            return redirect("people:organisation", cvr=cvr)
    return render(
        request,
        "people/end.html",
        {
            "organisation": membership.organisation,
            "form": form,
            "what": gettext("rollen %(role)s for %(person)s")
            % {"role": membership.get_role_display(), "person": membership.user},
            "action": reverse("people:role_end", args=[cvr, membership.pk]),
            "last_member": False,
        },
        status=400 if form.is_bound else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def seat_add(request: HttpRequest, cvr: str, body: str) -> HttpResponse:
    the_body = access.body_for_staff(request, cvr, body)
    residents = None
    if the_body.kind == BodyKind.ESTATE_BOARD:
        residents = (
            Resident.objects.filter(
                household__in=Household.objects.active().filter(unit__estate=the_body.estate),
                anonymised_at__isnull=True,
            )
            .select_related("household__unit")
            .order_by("name")
        )
    form = SeatAddForm(request.POST if request.method == "POST" else None, residents=residents)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                person = services.person_for_seat(
                    actor=request.user,
                    organisation=the_body.organisation,
                    email=data["email"],
                    name=data["name"],
                    resident=data.get("resident"),
                )
                services.body_member_add(
                    actor=request.user,
                    body=the_body,
                    user=person.user,
                    role=data["role"],
                    term_start=data["term_start"],
                    term_end=data["term_end"],
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            text = gettext("%(person)s er tilføjet til %(body)s.") % {
                "person": person.user,
                "body": the_body.get_kind_display().lower(),
            }
            if person.invitation is not None:
                text += " " + gettext("Der er sendt en invitation til %(email)s.") % {
                    "email": person.user.email
                }
            messages.success(request, text)
            return redirect("people:organisation", cvr=cvr)
    return render(
        request,
        "people/seat_add.html",
        {
            "organisation": the_body.organisation,
            "body": the_body,
            "title": selectors.BodyView(the_body, body).title,
            "form": form,
        },
        status=form_status(request, form),
    )


@require_POST
def seat_end(request: HttpRequest, cvr: str, id: int) -> HttpResponse:
    seat = access.seat_for_staff(request, cvr, id)
    form = _end_form(request)
    last_member = False
    if form.is_bound and form.is_valid():
        try:
            services.body_member_end(
                actor=request.user,
                seat=seat,
                on=form.cleaned_data["on"],
                allow_empty=form.cleaned_data["allow_empty"],
            )
        except ValidationError as error:
            last_member = error.code == "last_member"
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                gettext("%(person)s sidder i %(body)s til og med %(day)s.")
                % {
                    "person": seat.user,
                    "body": seat.body.get_kind_display().lower(),
                    "day": form.cleaned_data["on"].strftime("%d-%m-%Y"),
                },
            )
            return redirect("people:organisation", cvr=cvr)
    elif not form.is_bound:
        last_member = (
            seat.role != "substitute" and services.others_remaining(seat, timezone.localdate()) == 0
        )
    return render(
        request,
        "people/end.html",
        {
            "organisation": seat.body.organisation,
            "form": form,
            "what": gettext("%(person)s som %(role)s i %(body)s")
            % {
                "person": seat.user,
                "role": seat.get_role_display().lower(),
                "body": selectors.BodyView(seat.body, "").title.lower(),
            },
            "action": reverse("people:seat_end", args=[cvr, seat.pk]),
            "last_member": last_member,
        },
        status=400 if form.is_bound else 200,
    )


@require_POST
def invitation_revoke(request: HttpRequest, cvr: str, id: int) -> HttpResponse:
    invitation = access.invitation_for_staff(request, cvr, id)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("people:organisation", cvr=cvr)
    messages.success(
        request,
        gettext("Invitationen til %(email)s er tilbagekaldt.") % {"email": invitation.email},
    )
    return redirect("people:organisation", cvr=cvr)


def _account_change(
    request: HttpRequest, cvr: str, public_id: uuid.UUID, active: bool
) -> HttpResponse:
    org, user = access.account_for_staff(request, cvr, public_id)
    if request.POST.get("confirm") != "yes":
        return render(
            request,
            "people/account_confirm.html",
            {"organisation": org, "person": user, "active": active},
        )
    change = services.account_reactivate if active else services.account_deactivate
    try:
        change(actor=request.user, organisation=org, user=user)
    except ValidationError as error:
        return render(
            request,
            "people/account_confirm.html",
            {"organisation": org, "person": user, "active": active, "errors": error.messages},
            status=400,
        )
    text = (
        gettext("%(person)s kan logge ind igen.")
        if active
        else gettext("%(person)s kan ikke længere logge ind.")
    )
    messages.success(request, text % {"person": user})
    return redirect("people:organisation", cvr=cvr)


@require_POST
def account_deactivate(request: HttpRequest, cvr: str, public_id: uuid.UUID) -> HttpResponse:
    return _account_change(request, cvr, public_id, active=False)


@require_POST
def account_reactivate(request: HttpRequest, cvr: str, public_id: uuid.UUID) -> HttpResponse:
    return _account_change(request, cvr, public_id, active=True)


# --- the estate board's own page -----------------------------------------------------


@no_store
@require_GET
def estate_board(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    """The estate's board: names, posts and terms, current and past. No e-mails or
    phones: the board page is for knowing who sits, not a contact list."""
    estate = access.estate_for_board_page(request, cvr, number)
    views = selectors.bodies(estate.organisation, estate=estate)
    p = principal(request)
    return render(
        request,
        "people/estate_board.html",
        {
            "estate": estate,
            "board": views[0] if views else None,
            "is_staff": p.is_staff_of(estate.organisation_id),
        },
    )


# --- activation letters ----------------------------------------------------------------


@no_store
@require_http_methods(["GET", "POST"])
def estate_letters(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    """GET: how many letters; POST: new codes and the printable PDF."""
    estate = access.estate_for_letters(request, cvr, number)
    if request.method == "POST":
        made = services.activation_letters_create(actor=request.user, estate=estate)
        if not made:
            messages.info(request, gettext("Ingen husstande mangler et aktiveringsbrev."))
            return redirect("people:estate_letters", cvr=cvr, number=number)
        pdf = letters.render_pdf(estate, made)
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = f"aktiveringsbreve-afdeling-{estate.number}-{timezone.localdate():%Y-%m-%d}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    households = services.households_for_letters(estate)
    audit_record(
        actor=request.user,
        action="read",
        obj=estate,
        organisation_id=estate.organisation_id,
        after={"list": "activation_letters", "households": len(households)},
    )
    return render(
        request,
        "people/letters.html",
        {"estate": estate, "count": len(households), "valid_days": services.ACTIVATION_VALID.days},
    )


# --- for the invited and the activated ----------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, key: str) -> HttpResponse:
    invitation = services.invitation_for_token(key)
    if invitation is None:
        raise Http404
    form = AcceptForm(
        request.POST if request.method == "POST" else None,
        email=invitation.email,
        initial={"name": invitation.name or (invitation.user.name if invitation.user else "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=key,
                password=form.cleaned_data["password1"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _log_in(request, user, method="password")
            messages.success(
                request,
                gettext("Velkommen til Almen. Du er logget ind.")
                + (
                    " " + gettext("Din rolle kræver to-faktor-login: opsæt en godkendelses-app nu.")
                    if principal_needs_mfa(user)
                    else ""
                ),
            )
            return redirect("web:home")
    return render(
        request,
        "people/accept.html",
        {"invitation": invitation, "form": form},
        status=form_status(request, form),
    )


def principal_needs_mfa(user: User) -> bool:
    from almen.access.policy import principal_for

    return principal_for(user).needs_mfa


def _log_in(request: HttpRequest, user: User, *, method: str) -> None:
    """Log the person in and record the step as allauth's own login does. A password
    typed on the invitation page a moment ago counts as a fresh re-authentication, so
    the TOTP set-up that follows does not ask for it again (decision 0022)."""
    from allauth.account.internal.flows.login import record_authentication

    if request.user.is_authenticated:
        logout(request)
    login(request, user, backend=LOGIN_BACKEND)
    extra = {"reauthenticated": True} if method == "password" else {}
    record_authentication(request, user, method, email=user.email, **extra)


BAD_CODE = gettext_lazy(
    "Koden er forkert, brugt eller udløbet. Tjek brevet, eller bed organisationen om et nyt."
)


def _residents_of(activation: Any) -> Any:
    ids = [r.pk for r in services.activation_residents(activation)] if activation else []
    return Resident.objects.filter(pk__in=ids).order_by("name")


@never_cache
@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest) -> HttpResponse:
    """A resident with a letter: first the code (typed, or from the QR code's link),
    then who they are and the e-mail address they will log in with. Attempts are
    rate-limited per address like allauth's logins (``activate_code``): 429."""
    if request.method == "POST":
        limited = ratelimit.consume_or_429(request, action="activate_code")
        if limited is not None:
            return limited
    if request.method == "POST" and request.POST.get("step") == "person":
        return _activate_person(request)
    code_form = CodeForm(
        request.POST if request.method == "POST" else None,
        initial={"code": request.GET.get("kode", "")[:40]},
    )
    if request.method == "POST" and code_form.is_valid():
        activation = services.activation_code_for(code_form.cleaned_data["code"])
        if activation is not None:
            form = ActivateForm(
                initial={"code": services.normalise_code(code_form.cleaned_data["code"])},
                residents=_residents_of(activation),
            )
            return render(request, "people/activate.html", {"form": form})
        code_form.add_error("code", BAD_CODE)
    return render(
        request,
        "people/activate.html",
        {"code_form": code_form},
        status=form_status(request, code_form),
    )


def _activate_person(request: HttpRequest) -> HttpResponse:
    activation = services.activation_code_for(request.POST.get("code", "")[:40])
    if activation is None:
        code_form = CodeForm(request.POST)
        code_form.is_valid()
        code_form.add_error("code", BAD_CODE)
        return render(request, "people/activate.html", {"code_form": code_form}, status=400)
    form = ActivateForm(request.POST, residents=_residents_of(activation))
    if form.is_valid():
        try:
            user = services.activation_redeem(
                code=form.cleaned_data["code"],
                resident=form.cleaned_data["resident"],
                email=form.cleaned_data["email"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _log_in(request, user, method="code")
            messages.success(
                request,
                gettext(
                    "Velkommen til Almen. Næste gang logger du ind med en kode, som vi sender "
                    "til %(email)s."
                )
                % {"email": user.email},
            )
            return redirect("web:home")
    return render(request, "people/activate.html", {"form": form}, status=400)
