"""The democracy part of the REST API at /api/v1: meetings with their agenda, the
proposals of a meeting, and the decision register. Read only.

Who sees what is ``democracy/access.py``'s, asked with the caller as a principal:

- Without a token the call is anonymous: no meetings (a meeting is the estate's and
  the organisation's, not public), and the decisions that are public and published.
- A token with ``democracy:read`` acts for its organisation like its staff: its
  organisation's meetings, their proposals, and its published decisions. A token
  without that scope reads like an anonymous caller.

The API never shows a draft meeting (nor a cancelled one) or an unpublished decision,
whoever asks: those belong to the pages where the board prepares them. Anything not
visible answers 404, as if it did not exist.
"""

import datetime as dt
import uuid
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from almen.access.policy import ANONYMOUS, Principal, principal_for_token
from almen.democracy.access import can_read_decision, can_read_meeting, can_read_proposal
from almen.democracy.models import (
    ESTATE_KINDS,
    RESIDENTS_MEETINGS,
    Decision,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Proposal,
    ProposalStatus,
)
from almen.lib.api import ErrorOut, Pagination
from almen.lib.visibility import Visibility
from almen.register.models import ApiScope, ApiToken

router = Router(tags=["beboerdemokrati"])

PUBLISHED_STATUSES = (MeetingStatus.NOTICED, MeetingStatus.HELD)
KIND_PATTERN = "^(" + "|".join(MeetingKind.values) + ")$"


def democracy_principal(request: HttpRequest) -> Principal:
    """The caller as a principal of the access policy: a token with ``democracy:read``
    acts as its organisation's staff; any other caller is anonymous (a logged-in
    session is not a token, as everywhere in the API)."""
    token = getattr(request, "auth", None)
    if not isinstance(token, ApiToken):
        return ANONYMOUS
    return principal_for_token(
        token_id=token.pk,
        organisation_id=token.organisation_id,
        scopes=token.scopes,
        acts_as_staff=token.has_scope(ApiScope.DEMOCRACY_READ),
    )


# --- who may see what, as querysets (the same answers as access.can_read_*) ----------


def visible_meetings(p: Principal) -> QuerySet[Meeting]:
    """Meetings ``p`` may read (``access.can_read_meeting``), published ones only."""
    queryset = Meeting.objects.filter(status__in=PUBLISHED_STATUSES)
    if p.superuser:
        return queryset
    estate_kinds = [k.value for k in ESTATE_KINDS]
    where = Q(organisation_id__in=p.staff_organisations | p.board_organisations)
    where |= Q(kind__in=estate_kinds, estate_id__in=p.board_estates)
    where |= Q(kind__in=[k.value for k in RESIDENTS_MEETINGS], estate_id__in=p.resident_estates)
    return queryset.filter(where)


def visible_decisions(p: Principal) -> QuerySet[Decision]:
    """Published decisions ``p`` may read (``access.can_read_decision``)."""
    queryset = Decision.objects.filter(published_at__isnull=False)
    if p.superuser:
        return queryset
    where = Q(visibility=Visibility.PUBLIC)
    where |= Q(organisation_id__in=p.staff_organisations | p.board_organisations)
    where |= Q(estate_id__in=p.board_estates | p.resident_estates)
    return queryset.filter(where)


# --- schemas ----------------------------------------------------------------------------


class TimelineOut(Schema):
    notice_by: dt.date | None = Field(description="Sidste dag for indkaldelsen.")
    proposals_by: dt.date | None = Field(description="Sidste dag for beboernes forslag.")
    material_by: dt.date | None = Field(description="Sidste dag for det fulde materiale.")
    minutes_by: dt.date = Field(description="Sidste dag for referatet.")


class MeetingOut(Schema):
    id: uuid.UUID = Field(description="Mødets offentlige id.")
    organisation_cvr: str
    estate_id: uuid.UUID | None = Field(
        description="Afdelingens id; tomt for et organisationsmøde."
    )
    estate_number: int | None
    kind: str = Field(
        description="ordinaert, ekstraordinaert, afdelingsbestyrelse, "
        "organisationsbestyrelse eller repraesentantskab."
    )
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    place: str
    online_url: str
    status: str = Field(description="indkaldt eller afholdt.")
    notice_published_at: dt.datetime | None
    timeline: TimelineOut


class AgendaItemOut(Schema):
    position: int
    kind: str
    title: str
    description: str
    outcome: str = Field(description="vedtaget, forkastet, noteret, valgt eller tom.")
    votes_for: int | None
    votes_against: int | None
    votes_blank: int | None


class MeetingDetailOut(MeetingOut):
    agenda: list[AgendaItemOut]
    minutes_published_at: dt.datetime | None = Field(
        description="Hvornår referatet blev offentliggjort; tomt før."
    )


class ProposalOut(Schema):
    id: uuid.UUID
    title: str
    text: str
    status: str = Field(description="indsendt, optaget, afvist, udskudt eller trukket.")
    late: bool = Field(description="Indsendt efter fristen.")
    submitted_at: dt.datetime
    proposer_name: str = Field(
        description="Forslagsstilleren, når forslaget er optaget på dagsordenen (navnet "
        "står så i materialet); ellers tom."
    )
    supporting_households: int = Field(description="Husstande, der har skrevet under.")


class DecisionOut(Schema):
    id: uuid.UUID
    organisation_cvr: str
    estate_id: uuid.UUID | None
    estate_number: int | None
    forum: str = Field(
        description="afdelingsmoede, afdelingsbestyrelse, organisationsbestyrelse, "
        "repraesentantskab eller urafstemning."
    )
    meeting_id: uuid.UUID | None = Field(description="Mødet, hvis du kan se det.")
    decided_on: dt.date
    title: str
    text: str
    outcome: str
    votes_for: int | None
    votes_against: int | None
    votes_blank: int | None
    published_at: dt.datetime


class MeetingFilter(Schema):
    organisation: str | None = Field(None, pattern=r"^\d{8}$", description="CVR-nummer.")
    estate: uuid.UUID | None = Field(None, description="Afdelingens id.")
    kind: str | None = Field(None, pattern=KIND_PATTERN)
    status: str | None = Field(None, pattern=r"^(indkaldt|afholdt)$")


class DecisionFilter(Schema):
    organisation: str | None = Field(None, pattern=r"^\d{8}$", description="CVR-nummer.")
    estate: uuid.UUID | None = Field(None, description="Afdelingens id.")
    forum: str | None = Field(
        None,
        pattern=r"^(afdelingsmoede|afdelingsbestyrelse|organisationsbestyrelse|"
        r"repraesentantskab|urafstemning)$",
    )


# --- shaping ----------------------------------------------------------------------------


def _meeting_out(meeting: Meeting) -> dict[str, Any]:
    estate = meeting.estate
    timeline = meeting.timeline
    return {
        "id": meeting.public_id,
        "organisation_cvr": meeting.organisation.cvr,
        "estate_id": estate.public_id if estate else None,
        "estate_number": estate.number if estate else None,
        "kind": meeting.kind,
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "place": meeting.place,
        "online_url": meeting.online_url,
        "status": meeting.status,
        "notice_published_at": meeting.notice_published_at,
        "timeline": {
            "notice_by": timeline.notice_by,
            "proposals_by": timeline.proposals_by,
            "material_by": timeline.material_by,
            "minutes_by": timeline.minutes_by,
        },
    }


def _meetings() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("organisation", "estate")


class _Shaped:
    """A queryset the paginator slices and counts; shapes only the page it returns."""

    def __init__(self, queryset: QuerySet[Any], shape: Any) -> None:
        self.queryset = queryset
        self.shape = shape

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return [self.shape(row) for row in self.queryset[index]]


def _meeting_or_404(request: HttpRequest, meeting_id: uuid.UUID) -> tuple[Meeting, Principal]:
    p = democracy_principal(request)
    meeting = (
        _meetings()
        .filter(public_id=meeting_id, status__in=PUBLISHED_STATUSES)
        .select_related("estate__organisation")
        .first()
    )
    if meeting is None or not can_read_meeting(p, meeting):
        raise HttpError(404, _("Intet møde med id %(id)s.") % {"id": meeting_id})
    return meeting, p


# --- endpoints --------------------------------------------------------------------------


@router.get(
    "/meetings",
    response=list[MeetingOut],
    summary="Møder i beboerdemokratiet",
    description="Indkaldte og afholdte møder, som du kan se: med et API-token med "
    "democracy:read alle organisationens møder; uden token ingen. Sideinddelt "
    "(limit/offset). Filtrér med organisation (CVR), estate (afdelingens id), kind og "
    "status. Nyeste først.",
)
@paginate(Pagination)
def meetings(request: HttpRequest, filters: Query[MeetingFilter]) -> Any:
    queryset = visible_meetings(democracy_principal(request))
    if filters.organisation:
        queryset = queryset.filter(organisation__cvr=filters.organisation)
    if filters.estate:
        queryset = queryset.filter(estate__public_id=filters.estate)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    ordered = queryset.select_related("organisation", "estate").order_by("-starts_at", "-id")
    return _Shaped(ordered, _meeting_out)


@router.get(
    "/meetings/{meeting_id}",
    response={200: MeetingDetailOut, 404: ErrorOut},
    summary="Ét møde med dagsorden",
    description="Dagsordenen med resultaterne af afstemninger i salen, når de er "
    "registreret. 404, hvis mødet ikke findes, er en kladde eller ikke er synligt for dig.",
)
def meeting_detail(request: HttpRequest, meeting_id: uuid.UUID) -> dict[str, Any]:
    meeting, _p = _meeting_or_404(request, meeting_id)
    minutes = getattr(meeting, "minutes", None)
    return {
        **_meeting_out(meeting),
        "agenda": [
            {
                "position": item.position,
                "kind": item.kind,
                "title": item.title,
                "description": item.description,
                "outcome": item.outcome,
                "votes_for": item.votes_for,
                "votes_against": item.votes_against,
                "votes_blank": item.votes_blank,
            }
            for item in meeting.items.order_by("position", "id")
        ],
        "minutes_published_at": minutes.published_at if minutes else None,
    }


@router.get(
    "/meetings/{meeting_id}/proposals",
    response={200: list[ProposalOut], 404: ErrorOut},
    summary="Et mødes forslag",
    description="De forslag til mødet, du kan se (organisationens token: alle). "
    "Sideinddelt (limit/offset).",
)
@paginate(Pagination)
def meeting_proposals(request: HttpRequest, meeting_id: uuid.UUID) -> Any:
    meeting, p = _meeting_or_404(request, meeting_id)
    proposals = (
        Proposal.objects.filter(meeting=meeting)
        .select_related("estate", "meeting")
        .annotate(supporting=Count("supports"))
        .order_by("submitted_at", "id")
    )
    readable = [row for row in proposals if can_read_proposal(p, row, None)]
    return [
        {
            "id": row.public_id,
            "title": row.title,
            "text": row.text,
            "status": row.status,
            "late": row.late,
            "submitted_at": row.submitted_at,
            "proposer_name": row.proposer_name if row.status == ProposalStatus.ACCEPTED else "",
            "supporting_households": row.supporting,
        }
        for row in readable
    ]


def _decision_out(decision: Decision, p: Principal) -> dict[str, Any]:
    estate = decision.estate
    meeting = decision.meeting
    meeting_visible = (
        meeting is not None
        and meeting.status in PUBLISHED_STATUSES
        and can_read_meeting(p, meeting)
    )
    return {
        "id": decision.public_id,
        "organisation_cvr": decision.organisation.cvr,
        "estate_id": estate.public_id if estate else None,
        "estate_number": estate.number if estate else None,
        "forum": decision.forum,
        "meeting_id": meeting.public_id if meeting_visible and meeting else None,
        "decided_on": decision.decided_on,
        "title": decision.title,
        "text": decision.text,
        "outcome": decision.outcome,
        "votes_for": decision.votes_for,
        "votes_against": decision.votes_against,
        "votes_blank": decision.votes_blank,
        "published_at": decision.published_at,
    }


def _decisions() -> QuerySet[Decision]:
    return Decision.objects.select_related("organisation", "estate", "meeting")


@router.get(
    "/decisions",
    response=list[DecisionOut],
    summary="Beslutningsprotokollen",
    description="Offentliggjorte beslutninger: uden token de offentlige; med et "
    "API-token med democracy:read også organisationens egne. Sideinddelt "
    "(limit/offset). Filtrér med organisation (CVR), estate (afdelingens id) og forum. "
    "Nyeste først.",
)
@paginate(Pagination)
def decisions(request: HttpRequest, filters: Query[DecisionFilter]) -> Any:
    p = democracy_principal(request)
    queryset = visible_decisions(p)
    if filters.organisation:
        queryset = queryset.filter(organisation__cvr=filters.organisation)
    if filters.estate:
        queryset = queryset.filter(estate__public_id=filters.estate)
    if filters.forum:
        queryset = queryset.filter(forum=filters.forum)
    ordered = queryset.select_related("organisation", "estate", "meeting").order_by(
        "-decided_on", "-id"
    )
    return _Shaped(ordered, lambda d: _decision_out(d, p))


@router.get(
    "/decisions/{decision_id}",
    response={200: DecisionOut, 404: ErrorOut},
    summary="Én beslutning",
    description="404, hvis beslutningen ikke findes, ikke er offentliggjort eller ikke er "
    "synlig for dig.",
)
def decision_detail(request: HttpRequest, decision_id: uuid.UUID) -> dict[str, Any]:
    p = democracy_principal(request)
    decision = (
        _decisions()
        .select_related("estate__organisation")
        .filter(public_id=decision_id, published_at__isnull=False)
        .first()
    )
    if decision is None or not can_read_decision(p, decision):
        raise HttpError(404, _("Ingen beslutning med id %(id)s.") % {"id": decision_id})
    return _decision_out(decision, p)
