"""API tokens: creation, revocation and authentication for the REST API.

A token is ``almen_`` followed by 43 URL-safe characters (32 random bytes). Only its
SHA-256 digest is stored, so a copy of the database gives nobody a working token; the
plaintext is returned once, by ``api_token_create``. A random 256-bit token needs no
slow password hash: guessing is hopeless, and a fast digest keeps each request cheap.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer

from almen.access.policy import ANONYMOUS, Principal, principal_for_token
from almen.audit.context import act_via_token
from almen.audit.services import audit_record, snapshot
from almen.register.access import organisation_for_staff
from almen.register.models import ApiScope, ApiToken, Organisation

TOKEN_PREFIX = "almen_"  # noqa: S105 (a format marker, not a secret)
# Shown in lists so people can tell tokens apart: "almen_" plus two random characters.
DISPLAY_PREFIX_LENGTH = 8
# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)

# The fields an audit entry may show: never the digest.
_AUDIT_FIELDS = ("name", "prefix", "scopes", "organisation_id", "expires_at", "revoked_at")

__all__ = [
    "NO_TOKEN",
    "ApiScope",
    "api_principal",
    "api_token_auth",
    "api_token_create",
    "api_token_for_staff",
    "api_token_optional",
    "api_token_revoke",
    "digest_of",
    "require_scope",
    "token_principal",
]


def digest_of(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def _clean_scopes(scopes: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(scopes))  # unique, in the given order
    unknown = [s for s in wanted if s not in ApiScope.values]
    if unknown:
        raise ValidationError(
            _("Ukendte rettigheder: %(scopes)s.") % {"scopes": ", ".join(unknown)},
            code="unknown_scope",
        )
    if not wanted:
        raise ValidationError(_("Vælg mindst én rettighed."), code="no_scope")
    return sorted(wanted)


@transaction.atomic
def api_token_create(
    *,
    actor: Any,
    organisation: Organisation,
    name: str,
    scopes: Iterable[str],
    expires_at: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for ``organisation``; return it with its plaintext.

    The plaintext is not stored anywhere: the caller must show it now or lose it.
    """
    name = name.strip()
    if not name:
        raise ValidationError(_("Giv tokenet et navn."), code="no_name")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(_("Udløbstidspunktet skal ligge i fremtiden."), code="expired")
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        organisation=organisation,
        name=name,
        prefix=plaintext[:DISPLAY_PREFIX_LENGTH],
        digest=digest_of(plaintext),
        scopes=_clean_scopes(scopes),
        created_by=actor if actor is not None and actor.is_authenticated else None,
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=actor,
        action="api_token.create",
        obj=token,
        organisation_id=organisation.pk,
        after=snapshot(token, _AUDIT_FIELDS),
    )
    return token, plaintext


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke ``token`` at once. Revoking a revoked token changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    before = snapshot(token, _AUDIT_FIELDS)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="api_token.revoke",
        obj=token,
        organisation_id=token.organisation_id,
        before=before,
        after=snapshot(token, _AUDIT_FIELDS),
    )
    return token


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer almen_…``; ``request.auth`` becomes the ApiToken."""

    def __call__(self, request: HttpRequest) -> ApiToken | None:
        header = request.headers.get(self.header, "")
        scheme, _sep, value = header.partition(" ")
        if not header or scheme.lower() != self.openapi_scheme or not value.strip():
            raise AuthenticationError(
                message=_("Mangler API-token. Send headeren 'Authorization: Bearer <token>'.")
            )
        return self.authenticate(request, value.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        # Anything but our format cannot match: skip the query.
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            raise AuthenticationError(message=_("Ugyldigt API-token."))
        found = (
            ApiToken.objects.select_related("organisation__municipality", "created_by")
            .filter(digest=digest_of(token))
            .first()
        )
        if found is None:
            raise AuthenticationError(message=_("Ugyldigt API-token."))
        if found.is_revoked:
            raise AuthenticationError(message=_("API-tokenet er tilbagekaldt."))
        if found.is_expired:
            raise AuthenticationError(message=_("API-tokenet er udløbet."))
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_RESOLUTION:
            # A plain UPDATE, not save(): concurrent requests must not overwrite other
            # fields (a revocation racing this request, for one).
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
            found.last_used_at = now
        # Audit entries written during this request name the token and its creator
        # (stored as data, in Danish like the rest of the log: not translated).
        creator = found.created_by
        label = f"API-token »{found.name}« ({found.prefix}…)"
        act_via_token(
            token_id=found.pk,
            label=f"{label}, oprettet af {creator}" if creator is not None else label,
            creator=creator,
        )
        return found


api_token_auth = ApiTokenAuth()


class _NoToken:
    """``request.auth`` of a call that sent no token (django-ninja needs a true value
    to let the call through)."""

    def __repr__(self) -> str:
        return "NO_TOKEN"


NO_TOKEN = _NoToken()


class OptionalApiTokenAuth(ApiTokenAuth):
    """For endpoints anyone may call: no ``Authorization`` header reads as anonymous
    (``request.auth`` is ``NO_TOKEN``), but a header that is sent must carry a valid
    token. An invalid, revoked or expired token, or another scheme, answers 401 on
    every endpoint, never a silent anonymous answer (docs/api.md, the token rule)."""

    def __call__(self, request: HttpRequest) -> ApiToken | _NoToken | None:  # type: ignore[override]
        if not request.headers.get(self.header):
            return NO_TOKEN
        return super().__call__(request)


api_token_optional = OptionalApiTokenAuth()


def token_principal(token: ApiToken) -> Principal:
    """The token as a principal of the access policy: with ``goals:read`` or
    ``goals:write`` it acts as its organisation's staff (sees all of the
    organisation's goals, drafts and private ones included); otherwise it reads like an
    anonymous visitor."""
    return principal_for_token(
        token_id=token.pk,
        organisation_id=token.organisation_id,
        scopes=token.scopes,
        acts_as_staff=token.has_scope(ApiScope.GOALS_READ) or token.has_scope(ApiScope.GOALS_WRITE),
    )


def api_principal(request: HttpRequest) -> Principal:
    """Who an API call is: its token, or anonymous. A logged-in session is not a token:
    the API answers a browser as it answers anyone without one."""
    token = getattr(request, "auth", None)
    return token_principal(token) if isinstance(token, ApiToken) else ANONYMOUS


def require_scope(request: HttpRequest, scope: str) -> ApiToken:
    """The request's token, if it carries ``scope``; otherwise 403."""
    token = getattr(request, "auth", None)
    if not isinstance(token, ApiToken):
        raise AuthenticationError(message=_("Mangler API-token."))
    if not token.has_scope(scope):
        raise HttpError(
            403,
            _("API-tokenet har ikke rettigheden '%(scope)s'.") % {"scope": scope},
        )
    return token


def api_token_for_staff(request: HttpRequest, cvr: str, token_id: uuid.UUID) -> ApiToken:
    """One of the organisation's tokens, for its own administration; 404 otherwise."""
    organisation = organisation_for_staff(request, cvr)
    token = ApiToken.objects.filter(organisation=organisation, public_id=token_id).first()
    if token is None:
        raise Http404
    token.organisation = organisation
    return token
