from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from almen.access.policy import LoginRequired, principal


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


# Staff roles must use two-factor login (TOTP). A user who holds a staff role but has
# not set up an authenticator is sent to the TOTP set-up page until they do; only the
# account pages, static files, the API (token auth) and the health check stay open.
_OPEN_PREFIXES = ("/konto/", "/static/", "/i18n/", "/healthz", "/api/")


class RequireStaffMfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and principal(request).needs_mfa
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            messages.info(
                request,
                _("Din rolle kræver to-faktor-login. Opsæt en godkendelses-app for at fortsætte."),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
