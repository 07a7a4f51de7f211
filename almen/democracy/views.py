"""Thin views of the resident democracy: fetch-and-authorise in ``access.py``, state
changes in ``services.py``, reads in ``selectors.py``."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from almen.access.policy import principal
from almen.democracy import access, minutes_selectors
from almen.lib import decisions


@require_http_methods(["GET", "HEAD"])
def decision_detail(request: HttpRequest, decision_id: uuid.UUID) -> HttpResponse:
    """One decision of the register: forum, date, text, votes, and what serves it
    (goals adopted by it, actions it created: ``lib.decisions`` uses)."""
    decision = access.decision_for_reader(request, decision_id)
    p = principal(request)
    return render(
        request,
        "democracy/decision_detail.html",
        {
            "decision": decision,
            "uses": decisions.uses(decision.public_id, p),
            # --- minutes: the meeting and item it came from, for the meeting's readers
            **minutes_selectors.decision_context(decision, p),
        },
    )
