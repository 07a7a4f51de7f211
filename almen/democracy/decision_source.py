"""The democracy's side of ``lib.decisions``: decisions by UUID for whoever may see
them, and the recent decisions of an organisation or estate to choose from."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.urls import reverse

from almen.democracy.access import can_read_decision
from almen.democracy.models import Decision
from almen.lib.decisions import DecisionRef, DecisionSource

CHOICES_LIMIT = 50


def _ref(decision: Decision) -> DecisionRef:
    return DecisionRef(
        public_id=decision.public_id,
        title=decision.title,
        decided_on=decision.decided_on,
        forum=str(decision.get_forum_display()),
        url=reverse("democracy:decision_detail", args=[decision.public_id]),
    )


def resolve(ids: Iterable[uuid.UUID], principal: Any) -> dict[uuid.UUID, DecisionRef]:
    rows = Decision.objects.select_related("estate").filter(public_id__in=list(ids))
    return {d.public_id: _ref(d) for d in rows if can_read_decision(principal, d)}


def choices(principal: Any, organisation_id: int, estate_id: int | None) -> list[DecisionRef]:
    rows = Decision.objects.select_related("estate").filter(organisation_id=organisation_id)
    if estate_id is not None:
        rows = rows.filter(Q(estate_id=estate_id) | Q(estate__isnull=True))
    return [_ref(d) for d in rows[:CHOICES_LIMIT] if can_read_decision(principal, d)]


SOURCE = DecisionSource("democracy.decisions", resolve=resolve, choices=choices)
