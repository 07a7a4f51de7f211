"""Reads of proposals and petitions. Each is a fixed number of queries, whatever the
number of rows; who may see a proposal is ``access.can_read_proposal``, applied to the
rows of one query (never a query per row)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from almen.access.policy import Principal, Scope
from almen.democracy import access
from almen.democracy.models import (
    Meeting,
    Petition,
    PetitionSignature,
    PetitionStatus,
    Proposal,
    ProposalStatus,
    ProposalSupport,
)
from almen.register.models import Estate, Household, Organisation

AT_RISK_DAYS = 7
PETITIONS_PER_PAGE = 25


def _with_supports(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    return qs.select_related("estate", "meeting").annotate(support_count=Count("supports"))


def meeting_proposals(p: Principal, meeting: Meeting, user_id: int | None) -> list[Proposal]:
    """The proposals of ``meeting`` this principal may read (board and staff: all;
    residents: their own and the accepted ones once noticed), oldest first; for those
    who manage the meeting also the estate's proposals kept from earlier meetings
    (DEFERRED), which the board may put on this agenda. One query."""
    qs = Proposal.objects.filter(meeting=meeting)
    if meeting.estate is not None and p.can_manage(Scope.of_estate(meeting.estate)):
        qs = Proposal.objects.filter(
            Q(meeting=meeting)
            | Q(
                estate_id=meeting.estate_id,
                status=ProposalStatus.DEFERRED,
                submitted_at__lt=meeting.starts_at,
            )
        )
    elif not p.is_board_of_organisation(meeting.organisation_id):
        # Residents: narrow in the database, then decide row by row with the policy.
        qs = qs.filter(Q(author_id=user_id) | Q(status=ProposalStatus.ACCEPTED))
    rows = list(_with_supports(qs).order_by("submitted_at", "id"))
    return [row for row in rows if access.can_read_proposal(p, row, user_id)]


def supports_count(proposal: Proposal) -> int:
    return ProposalSupport.objects.filter(proposal=proposal).count()


def household_supports(proposal: Proposal, household: Household | None) -> bool:
    if household is None:
        return False
    return ProposalSupport.objects.filter(proposal=proposal, household=household).exists()


def _active_count() -> Count:
    return Count("signatures", filter=Q(signatures__withdrawn_at__isnull=True))


def estate_petitions(estate: Estate) -> QuerySet[Petition]:
    """The estate's petitions, newest first, each with its count of signatures."""
    return (
        Petition.objects.filter(estate=estate)
        .annotate(signature_count=_active_count())
        .order_by("-created_at", "-id")
    )


def petition_signatures(petition: Petition) -> int:
    return PetitionSignature.objects.filter(petition=petition, withdrawn_at__isnull=True).count()


def household_signed(petition: Petition, household: Household | None) -> bool:
    if household is None:
        return False
    return PetitionSignature.objects.filter(
        petition=petition, household=household, withdrawn_at__isnull=True
    ).exists()


@dataclass(frozen=True)
class Progress:
    signatures: int
    threshold: int

    @property
    def percent(self) -> int:
        """Share of the threshold reached, 0–100 (for the progress bar)."""
        return min(100, round(100 * self.signatures / self.threshold)) if self.threshold else 100

    @property
    def missing(self) -> int:
        return max(0, self.threshold - self.signatures)


def progress(petition: Petition, signatures: int) -> Progress:
    return Progress(signatures=signatures, threshold=petition.threshold)


def call_deadline(petition: Petition, today: dt.date | None = None) -> dict[str, Any] | None:
    """The 2-week deadline to call the meeting, for the petition page: the day, days
    left (negative: passed) and whether it is at risk (7 days or less)."""
    if petition.call_by is None:
        return None
    today = today or timezone.localdate()
    days = (petition.call_by - today).days
    return {
        "day": petition.call_by,
        "days": days,
        "passed": days < 0,
        "at_risk": days <= AT_RISK_DAYS,
    }


def petitions_at_risk(organisation: Organisation, today: dt.date | None = None) -> list[Petition]:
    """Petitions of the organisation's estates that reached 25 % and whose meeting is
    not called yet, with the call deadline within 7 days or passed; soonest first. One
    query (for the organisation's deadline overview)."""
    today = today or timezone.localdate()
    called = Meeting.objects.filter(petition=OuterRef("pk"))
    return list(
        Petition.objects.filter(
            estate__organisation=organisation,
            status=PetitionStatus.REACHED,
            call_by__lte=today + dt.timedelta(days=AT_RISK_DAYS),
        )
        .exclude(Exists(called))
        .select_related("estate")
        .order_by("call_by", "id")
    )
