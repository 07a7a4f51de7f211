"""HTTP helpers shared by the apps' views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control


def no_store(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For pages that show personal data: ``Cache-Control: no-store, private`` (and
    Django's never-cache headers), so neither a shared proxy nor the browser's
    cache or back button keeps a copy (docs/privacy.md)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        patch_cache_control(response, no_store=True, private=True)
        return response

    return wrapped
