from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the organisation (register import, staff invitation),
    never by open sign-up: a housing platform must know who is a resident."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """OpenID Connect (an organisation's MitID broker) may log in existing users only:
    the e-mail the provider vouches for must belong to a known account."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        return False
