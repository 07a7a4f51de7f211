"""Reads for the minutes and the decision register: what a meeting's record holds
(presence, agenda with proposals, amendments, results and elections), and the
decisions a principal may see, filtered in the query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from almen.access.policy import Principal
from almen.democracy import access, rules, services
from almen.democracy.models import (
    AgendaItem,
    Amendment,
    Attendance,
    Candidate,
    CandidatePost,
    Decision,
    Meeting,
    Minutes,
)

POST_ORDER: dict[str, int] = {
    CandidatePost.CHAIR: 0,
    CandidatePost.MEMBER: 1,
    CandidatePost.SUBSTITUTE: 2,
    CandidatePost.OTHER: 3,
}


@dataclass(frozen=True)
class Presence:
    """Households present (each with 2 votes), proxies among them, and the roll."""

    households: int
    proxies: int
    on_roll: int | None

    @property
    def votes(self) -> int:
        return self.households * rules.VOTES_PER_HOUSEHOLD


def presence(meeting: Meeting) -> Presence:
    """Two queries: the attendance (proxy rows count as households present: their
    holder votes for them) and, for a residents' meeting, the roll."""
    counts = Attendance.objects.filter(meeting=meeting).aggregate(
        total=Count("id"), proxies=Count("id", filter=Q(holder__isnull=False))
    )
    on_roll = services.roll(meeting).count() if meeting.is_residents_meeting else None
    return Presence(counts["total"] or 0, counts["proxies"] or 0, on_roll)


def agenda(meeting: Meeting) -> list[AgendaItem]:
    """The items in order, each with its proposal, decision, amendments and candidates
    (three queries)."""
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("proposal", "decision")
        .prefetch_related(
            Prefetch("amendments", queryset=Amendment.objects.order_by("recorded_at", "id")),
            Prefetch("candidates", queryset=Candidate.objects.order_by("name", "id")),
        )
        .order_by("position", "id")
    )
    return items


def candidates_in_order(item: AgendaItem) -> list[Candidate]:
    return sorted(
        item.candidates.all(),
        key=lambda c: (POST_ORDER.get(c.post, 9), -(c.votes or 0), c.name),
    )


def minutes_of(meeting: Meeting) -> Minutes | None:
    return Minutes.objects.filter(meeting=meeting).first()


# --- the decision register ---------------------------------------------------------


def decision_context(decision: Decision, p: Principal) -> dict[str, Any]:
    """What the decision page adds about the meeting it came from: a link to the
    meeting's minutes (at the item) for those who may read the meeting."""
    meeting = decision.meeting
    if meeting is None or not access.can_read_meeting(p, meeting):
        return {"meeting": None, "item": None}
    item = AgendaItem.objects.filter(pk=decision.item_id).first() if decision.item_id else None
    return {"meeting": meeting, "item": item}


def register_rows(decisions: QuerySet[Decision]) -> QuerySet[Decision]:
    return decisions.select_related("estate", "meeting").order_by("-decided_on", "-id")
