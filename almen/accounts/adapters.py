from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from almen.accounts.models import User
from almen.lib import affiliation


@dataclass(frozen=True)
class AlmenSite:
    """What allauth's templates call ``current_site``. Without django.contrib.sites
    allauth names the site after the request's host ("Hej fra 127.0.0.1:18801!"); the
    site is Almen, wherever it is served from."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the organisation (register import, staff invitation),
    never by open sign-up: a housing platform must know who is a resident."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's e-mails (login code, password reset …) in the person's language,
        with their organisation's name and how long a code is valid
        (almen/templates/account/email/)."""
        request = allauth_context.request
        user = context.get("user") or User.objects.filter(email__iexact=email).first()
        language = (user.language if user is not None else "") or translation.get_language()
        site_url = settings.SITE_URL
        if request is not None:
            site_url = request.build_absolute_uri("/").rstrip("/")
        with translation.override(language):
            ctx = {
                "request": request,
                "email": email,
                "current_site": AlmenSite("Almen", urlsplit(site_url).netloc),
                "site_url": site_url,
                "user_name": user.name if user is not None else "",
                "organisation_name": affiliation.organisation_name(user),
                "code_minutes": settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT // 60,
                "reset_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
                **context,
            }
            self.render_mail(template_prefix, email, ctx).send()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """OpenID Connect (an organisation's MitID broker) may log in existing users only:
    the e-mail the provider vouches for must belong to a known account."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        return False
