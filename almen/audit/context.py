"""Who acts when no person is at the keyboard: the API token of the current request.

The API authenticates a token in one place (``register.tokens.ApiTokenAuth``), which
calls ``act_via_token``; ``audit_record`` then names the token (and the person who
created it) in every entry written during that request, without each endpoint passing
it along. ``AuditContextMiddleware`` opens a fresh context per request and closes it
afterwards, so nothing carries over to the next request served by the same thread;
outside a request (commands, tasks, direct calls in tests) nothing is recorded here.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class Via:
    """An API token acting: its id, how entries name it, and who created it."""

    token_id: int
    label: str
    creator: Any  # the User who created the token, or None if they are gone


@dataclass
class _RequestContext:
    via: Via | None = None


_current: ContextVar[_RequestContext | None] = ContextVar("almen_audit_request", default=None)


def act_via_token(*, token_id: int, label: str, creator: Any) -> None:
    """Record that the current request acts through an API token."""
    context = _current.get()
    if context is not None:
        context.via = Via(token_id=token_id, label=label, creator=creator)


def current_via() -> Via | None:
    context = _current.get()
    return context.via if context is not None else None


class AuditContextMiddleware:
    """One audit context per request (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(_RequestContext())
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
