"""Which language a page is in: Danish, unless the person chose English.

As on borger.dk, the browser's Accept-Language does not decide (decision 0026): a
Danish public service speaks Danish to everyone until they pick the other language
with the switch in the header. The pick is remembered

- for the browser session: Django's language cookie (set by ``set_language``; no
  lifetime, so it ends with the browser session), and
- on the account, when logged in: ``User.language``, saved when a logged-in person
  switches, and carried over from the cookie at login if the account has none yet.

While logged in, the account's choice wins (on any device); the response then also
sets the cookie, so the page stays in that language after logging out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from almen.accounts.models import User
from almen.accounts.services import user_language_set


def supported(code: str | None) -> str | None:
    """``code`` if it is one of the site's languages, else None."""
    return code if code and code in dict(settings.LANGUAGES) else None


def cookie_language(request: HttpRequest) -> str | None:
    return supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))


def _account_language(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return supported(user.language)


def _activate(request: HttpRequest, language: str) -> None:
    translation.activate(language)
    request.LANGUAGE_CODE = translation.get_language()


class LanguageMiddleware:
    """Takes the place of Django's LocaleMiddleware (same position: error pages
    raised before the view get the cookie's language); the account's choice is applied
    once the user is known (``process_view``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _activate(request, cookie_language(request) or settings.LANGUAGE_CODE)
        response = self.get_response(request)
        self._remember(request, response)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response

    def process_view(self, request: HttpRequest, *args: Any) -> None:
        account = _account_language(request)
        if account:
            _activate(request, account)

    def _remember(self, request: HttpRequest, response: HttpResponse) -> None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        if request.method == "POST" and request.path == reverse("set_language"):
            morsel = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
            chosen = supported(morsel.value if morsel else None)
            if chosen and chosen != user.language:
                account = User.objects.get(pk=user.pk)  # request.user is a lazy wrapper
                user_language_set(actor=account, user=account, language=chosen)
            return
        chosen_before = supported(user.language)
        if chosen_before and chosen_before != cookie_language(request):
            _set_cookie(response, chosen_before)


def _set_cookie(response: HttpResponse, language: str) -> None:
    # The same cookie, with the same attributes, as Django's set_language view.
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
    )


@receiver(user_logged_in, dispatch_uid="almen.accounts.language.carry_over")
def _carry_over(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A person who picked a language before logging in keeps it on the account, if the
    account has no choice of its own yet; the account's choice applies from now on."""
    if request is None:
        return
    picked = cookie_language(request)
    if picked and not supported(user.language):
        user_language_set(actor=user, user=user, language=picked)
    account = supported(user.language)
    if account:
        _activate(request, account)
