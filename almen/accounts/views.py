"""Account views that are ours rather than allauth's: the Django admin's login door
(there is one login door, allauth's) and the CSRF failure page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


def admin_login(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """Replaces ``admin.site.login``: the admin has no password form of its own.

    Anonymous visitors go to allauth's login (password, then TOTP, with allauth's rate
    limits) and come back to the admin afterwards. A logged-in person who is not admin
    staff gets a 403 (sending them to the login page would loop: allauth sends a
    logged-in person straight back to ``next``)."""
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    next_url = next_url or reverse("admin:index")
    if not request.user.is_authenticated:
        query = urlencode({REDIRECT_FIELD_NAME: next_url})
        return HttpResponseRedirect(f"{reverse('account_login')}?{query}")
    if request.user.is_active and request.user.is_staff:
        # Already logged in (the MFA middleware has checked the second factor).
        return HttpResponseRedirect(next_url)
    message = _("Du er logget ind, men har ikke adgang til administrationen.")
    return render(request, "403.html", {"message": message}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the project's 403 page with a sentence a resident understands
    (usually an old tab or blocked cookies), instead of Django's English debug page."""
    return render(request, "403_csrf.html", {"reason": reason}, status=403)
