"""Deploy checks for logging in (``manage.py check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

# Cache backends whose contents one process cannot see in another (file: not across
# machines, and its ``add`` is not atomic, so a TOTP code could still be used twice).
PER_PROCESS_CACHES = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
        "django.core.cache.backends.filebased.FileBasedCache",
    }
)


@register(Tags.security, Tags.caches, deploy=True)
def check_shared_cache(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """allauth keeps login rate limits, used TOTP codes and login codes in the default
    cache. A per-process cache in production means each gunicorn worker counts for
    itself: N workers allow N times the failed logins, and a TOTP code works once per
    worker."""
    if settings.DEBUG or getattr(settings, "ALMEN_SINGLE_PROCESS", False):
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        Error(
            f"The default cache ({backend}) is not shared between processes, so login rate "
            "limits and TOTP replay protection hold per worker only.",
            hint="Set REDIS_URL (a shared cache). Only if Almen runs as a single process, "
            "set ALMEN_SINGLE_PROCESS=true.",
            id="almen.E001",
        )
    ]
