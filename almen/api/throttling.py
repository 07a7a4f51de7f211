"""Rate limits for the API: per API token, and per address for calls without one.

The rates are read from ``settings.API_THROTTLE_RATES`` on every call (so a test or an
operator can change them without a restart of the throttle objects); ``None`` or a
missing entry means no limit. The counters live in the default cache (Redis in
production), as django-ninja's own throttles do.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle

DEFAULT_RATES: dict[str, str | None] = {"anonymous": "600/min", "token": "3000/min"}


class _SettingsRateThrottle(SimpleRateThrottle):
    cache_format = "api-throttle:%(scope)s:%(ident)s"

    def get_ident(self, request: HttpRequest) -> str | None:
        """The client's address. ``X-Forwarded-For`` is believed only as far as
        ``settings.API_NUM_PROXIES`` proxies of ours put it there (the entry the
        outermost of them added); otherwise anyone could pick a fresh count per call."""
        proxies = getattr(settings, "API_NUM_PROXIES", 0)
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
        if proxies and forwarded:
            addresses = [a.strip() for a in forwarded.split(",")]
            return addresses[-min(proxies, len(addresses))]
        return request.META.get("REMOTE_ADDR")

    def __init__(self) -> None:  # the rate is read per call, not at start-up
        self.rate = None
        self.num_requests, self.duration = None, None

    def allow_request(self, request: HttpRequest) -> bool:
        rates = getattr(settings, "API_THROTTLE_RATES", DEFAULT_RATES)
        rate = rates.get(self.scope or "")
        if not rate:
            return True
        self.rate = rate
        self.num_requests, self.duration = self.parse_rate(rate)
        return super().allow_request(request)


def _token_id(request: HttpRequest) -> object:
    """The id of the token the call authenticated with (``request.auth`` is the token
    model), or None for a call without one (the register's ``NO_TOKEN`` has no id)."""
    return getattr(getattr(request, "auth", None), "pk", None)


class AnonymousThrottle(_SettingsRateThrottle):
    """Calls without a token, counted per client address."""

    scope = "anonymous"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        if _token_id(request) is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenThrottle(_SettingsRateThrottle):
    """Calls with a token, counted per token (wherever they come from)."""

    scope = "token"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token_id = _token_id(request)
        if token_id is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token_id}
