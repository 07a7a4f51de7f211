from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from almen.access.policy import LoginRequired, principal
from almen.accounts.mfa import has_totp, session_passed_mfa


class LoginRequiredMiddleware:
    """Turns ``LoginRequired`` from an access function into a redirect to the login page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, LoginRequired):
            return redirect_to_login(request.get_full_path())
        return None


# Staff roles, superusers and Django-admin staff must use two-factor login (TOTP), and
# must have passed it in this session: an authenticator on file is not enough (a
# session logged in some other way never showed the code). A user who has no
# authenticator is sent to the TOTP set-up page; one who has but did not use it in this
# session is asked for a code (allauth's MFA re-authentication) before anything else.
# Only the account pages, static files, the API (token auth) and the health check stay
# open.
_OPEN_PREFIXES = ("/konto/", "/static/", "/i18n/", "/healthz", "/api/")


def _needs_mfa(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_staff or user.is_superuser or principal(request).needs_mfa)


class RequireStaffMfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or request.path.startswith(_OPEN_PREFIXES)
            or not _needs_mfa(request)
        ):
            return self.get_response(request)
        # The session's own record first: it needs no query, and it is what counts.
        if session_passed_mfa(request):
            return self.get_response(request)
        if not has_totp(user):
            messages.info(
                request,
                _("Din rolle kræver to-faktor-login. Opsæt en godkendelses-app for at fortsætte."),
            )
            return redirect(reverse("mfa_activate_totp"))
        messages.info(
            request,
            _("Din rolle kræver to-faktor-login. Indtast koden fra din godkendelses-app."),
        )
        target = reverse("mfa_reauthenticate")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
