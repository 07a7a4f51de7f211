"""A real OpenID Connect provider for the tests: django-oauth-toolkit, mounted under
/test-oidc/ only in the OIDC test (see oidc_urls.py), standing in for an
organisation's MitID broker. It issues the e-mail claim a broker would vouch for."""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

# The provider's own directory: the e-mail it vouches for, per provider login. By
# default a user's own e-mail; a test may make it vouch for an address Almen does not
# know (a broker knows people Almen has never heard of).
VOUCHED_EMAILS: dict[int, str] = {}


class BrokerValidator(OAuth2Validator):
    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        return {
            "email": VOUCHED_EMAILS.get(request.user.pk, request.user.email),
            "email_verified": True,
            "name": request.user.get_full_name(),
        }
