"""Fetch-and-authorise for the resident democracy. 404 to outsiders, 403 to readers
(members of the organisation who may not see this), login for anonymous visitors.

Who sees what (decision 0029):

- An **afdelingsmøde** (ordinary or extraordinary) is the estate's: once its notice is
  out, the estate's residents read it (agenda, material, accepted proposals, minutes
  when published). The estate's board and the organisation's staff plan and run it
  (drafts included); the organisation board reads it.
- An **estate board meeting**: the estate board and staff manage; the organisation
  board reads. Residents read its published decisions in the decision register.
- **Organisation board** and **representative council** meetings: staff manage, the
  organisation board reads.
- A **decision** is read by those who may read its meeting, or by everyone once
  public (an afdelingsmøde's decisions with the published minutes).
- Residents' personal data (addresses of households) is shown to the check-in desk one
  search at a time, never as a full list (GDPR: the task needs no more).
"""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from almen.access.policy import Principal, Scope, deny, deny_unless, principal
from almen.democracy.models import (
    ESTATE_KINDS,
    RESIDENTS_MEETINGS,
    Decision,
    Meeting,
    MeetingStatus,
    Petition,
    Proposal,
    ProposalStatus,
)
from almen.lib.visibility import Visibility
from almen.register import access as register_access
from almen.register.models import Estate, Organisation


def _scope(meeting: Meeting) -> Scope:
    if meeting.estate is not None:
        return Scope.of_estate(meeting.estate)
    return Scope.of_organisation(meeting.organisation)


def can_manage_meeting(p: Principal, meeting: Meeting) -> bool:
    if meeting.kind in ESTATE_KINDS:
        return p.can_manage(_scope(meeting))
    return p.is_staff_of(meeting.organisation_id)


def can_read_meeting(p: Principal, meeting: Meeting) -> bool:
    if can_manage_meeting(p, meeting) or p.is_board_of_organisation(meeting.organisation_id):
        return True
    if meeting.kind in RESIDENTS_MEETINGS:
        # A draft that was cancelled was never noticed: residents never see it.
        noticed = meeting.status != MeetingStatus.DRAFT and meeting.notice_published_at is not None
        return noticed and p.is_resident_of(meeting.estate_id)
    return False


def can_read_estate_meetings(p: Principal, estate: Estate) -> bool:
    return (
        p.is_resident_of(estate.pk)
        or p.can_manage(Scope.of_estate(estate))
        or p.is_board_of_organisation(estate.organisation_id)
    )


def can_manage_estate_meetings(p: Principal, estate: Estate) -> bool:
    return p.can_manage(Scope.of_estate(estate))


def estate_for_reader(request: HttpRequest, cvr: str, number: int) -> Estate:
    estate = register_access.estate_for_view(request, cvr, number)
    p = principal(request)
    deny_unless(p, can_read_estate_meetings(p, estate), estate.organisation_id)
    return estate


def estate_for_manager(request: HttpRequest, cvr: str, number: int) -> Estate:
    estate = register_access.estate_for_view(request, cvr, number)
    p = principal(request)
    deny_unless(p, can_manage_estate_meetings(p, estate), estate.organisation_id)
    return estate


def can_read_organisation_meetings(p: Principal, organisation: Organisation) -> bool:
    return p.is_staff_of(organisation.pk) or p.is_board_of_organisation(organisation.pk)


def organisation_for_reader(request: HttpRequest, cvr: str) -> Organisation:
    """The organisation's meetings calendar and deadlines: its staff and board."""
    organisation = register_access.organisation_for_view(request, cvr)
    p = principal(request)
    deny_unless(p, can_read_organisation_meetings(p, organisation), organisation.pk)
    return organisation


def can_manage_organisation_meetings(p: Principal, organisation_id: int) -> bool:
    """The organisation's own meetings, decisions and the estates' rules: its staff."""
    return p.is_staff_of(organisation_id)


def organisation_for_manager(request: HttpRequest, cvr: str) -> Organisation:
    organisation = register_access.organisation_for_view(request, cvr)
    p = principal(request)
    deny_unless(p, can_manage_organisation_meetings(p, organisation.pk), organisation.pk)
    return organisation


def _meeting(public_id: uuid.UUID) -> Meeting:
    try:
        return Meeting.objects.select_related(
            "organisation", "organisation__municipality", "estate", "estate__organisation"
        ).get(public_id=public_id)
    except Meeting.DoesNotExist:
        raise Http404 from None


def meeting_for_reader(request: HttpRequest, public_id: uuid.UUID) -> Meeting:
    meeting = _meeting(public_id)
    p = principal(request)
    deny_unless(p, can_read_meeting(p, meeting), meeting.organisation_id)
    return meeting


def meeting_for_manager(request: HttpRequest, public_id: uuid.UUID) -> Meeting:
    meeting = _meeting(public_id)
    p = principal(request)
    if not can_manage_meeting(p, meeting):
        deny(p, can_read=can_read_meeting(p, meeting) or p.is_member_of(meeting.organisation_id))
    return meeting


# --- proposals ---------------------------------------------------------------------


def can_read_proposal(p: Principal, proposal: Proposal, user_id: int | None) -> bool:
    """The board and staff read every proposal of their estate; a resident reads their
    own and, once the meeting's notice is out, those accepted onto its agenda."""
    estate = proposal.estate
    if p.can_manage(Scope.of_estate(estate)) or p.is_board_of_organisation(estate.organisation_id):
        return True
    if not p.is_resident_of(estate.pk):
        return False
    if user_id is not None and proposal.author_id == user_id:
        return True
    meeting = proposal.meeting
    return (
        proposal.status == ProposalStatus.ACCEPTED
        and meeting is not None
        and meeting.status != MeetingStatus.DRAFT
    )


def proposal_for_reader(request: HttpRequest, public_id: uuid.UUID) -> Proposal:
    try:
        proposal = Proposal.objects.select_related("estate", "estate__organisation", "meeting").get(
            public_id=public_id
        )
    except Proposal.DoesNotExist:
        raise Http404 from None
    p = principal(request)
    user_id = request.user.pk if request.user.is_authenticated else None
    deny_unless(p, can_read_proposal(p, proposal, user_id), proposal.estate.organisation_id)
    return proposal


def proposal_for_manager(request: HttpRequest, public_id: uuid.UUID) -> Proposal:
    proposal = proposal_for_reader(request, public_id)
    p = principal(request)
    if not p.can_manage(Scope.of_estate(proposal.estate)):
        deny(p, can_read=True)
    return proposal


# --- petitions ---------------------------------------------------------------------


def petition_for_reader(request: HttpRequest, public_id: uuid.UUID) -> Petition:
    """A petition is read (and signed) by the estate's residents, and read by its board,
    the organisation's staff and board."""
    try:
        petition = Petition.objects.select_related("estate", "estate__organisation").get(
            public_id=public_id
        )
    except Petition.DoesNotExist:
        raise Http404 from None
    p = principal(request)
    deny_unless(p, can_read_estate_meetings(p, petition.estate), petition.estate.organisation_id)
    return petition


# --- decisions ---------------------------------------------------------------------


def can_read_decision(p: Principal, decision: Decision) -> bool:
    if decision.visibility == Visibility.PUBLIC and decision.published_at is not None:
        return True
    if decision.estate is not None:
        scope = Scope.of_estate(decision.estate)
        if p.can_manage(scope) or p.is_board_of_organisation(decision.organisation_id):
            return True
        return decision.published_at is not None and p.is_resident_of(decision.estate_id)
    return p.is_staff_of(decision.organisation_id) or p.is_board_of_organisation(
        decision.organisation_id
    )


def decision_for_reader(request: HttpRequest, public_id: uuid.UUID) -> Decision:
    try:
        decision = Decision.objects.select_related(
            "organisation", "estate", "estate__organisation", "meeting"
        ).get(public_id=public_id)
    except Decision.DoesNotExist:
        raise Http404 from None
    p = principal(request)
    deny_unless(p, can_read_decision(p, decision), decision.organisation_id)
    return decision


def can_manage_decisions(p: Principal, organisation_id: int, estate_id: int | None) -> bool:
    return p.is_staff_of(organisation_id) or p.is_board_of_estate(estate_id)


# --- hall --------------------------------------------------------------------------

# (imported here, not at the top, so that the parts' additions to this file merge apart)
from almen.democracy.models import AgendaItem, Amendment, Attendance  # noqa: E402


def hall_meeting_for_manager(request: HttpRequest, public_id: uuid.UUID) -> Meeting:
    """The hall of an afdelingsmøde (check-in, proxies, votes): the meeting's managers
    (the estate's board, the organisation's staff). Other meetings have no hall (404)."""
    meeting = meeting_for_manager(request, public_id)
    if meeting.kind not in RESIDENTS_MEETINGS:
        raise Http404
    return meeting


def hall_item_for_manager(
    request: HttpRequest, public_id: uuid.UUID, item_id: int
) -> tuple[Meeting, AgendaItem]:
    meeting = hall_meeting_for_manager(request, public_id)
    try:
        item = AgendaItem.objects.get(pk=item_id, meeting=meeting)
    except AgendaItem.DoesNotExist:
        raise Http404 from None
    item.meeting = meeting
    return meeting, item


def hall_amendment_for_manager(
    request: HttpRequest, public_id: uuid.UUID, amendment_id: int
) -> tuple[Meeting, Amendment]:
    meeting = hall_meeting_for_manager(request, public_id)
    try:
        amendment = Amendment.objects.select_related("item").get(
            pk=amendment_id, item__meeting=meeting
        )
    except Amendment.DoesNotExist:
        raise Http404 from None
    amendment.item.meeting = meeting
    return meeting, amendment


def hall_attendance_for_manager(
    request: HttpRequest, public_id: uuid.UUID, attendance_id: int
) -> tuple[Meeting, Attendance]:
    meeting = hall_meeting_for_manager(request, public_id)
    try:
        attendance = Attendance.objects.select_related("household__unit").get(
            pk=attendance_id, meeting=meeting
        )
    except Attendance.DoesNotExist:
        raise Http404 from None
    attendance.meeting = meeting
    return meeting, attendance


def estate_for_staff(request: HttpRequest, cvr: str, number: int) -> Estate:
    """An estate's democracy rules (proxies, two ordinary meetings): the organisation's
    staff record what the estate's meeting decided."""
    estate = register_access.estate_for_view(request, cvr, number)
    p = principal(request)
    deny_unless(p, p.is_staff_of(estate.organisation_id), estate.organisation_id)
    return estate


# --- notices -----------------------------------------------------------------------


def can_read_notice_addresses(p: Principal, meeting: Meeting) -> bool:
    """Who was notified at which address, and the printed letters (names and
    addresses of every household on paper): the organisation's staff, the data
    controller who prints and posts them. The estate board, which also sends the
    notices, sees counts and unit numbers only (no resident list with addresses)."""
    return p.is_staff_of(meeting.organisation_id)


def meeting_for_letters(request: HttpRequest, public_id: uuid.UUID) -> Meeting:
    """A residents' meeting whose paper letters the requester may make and download."""
    meeting = _meeting(public_id)
    p = principal(request)
    if not can_read_notice_addresses(p, meeting):
        deny(p, can_read=can_read_meeting(p, meeting) or p.is_member_of(meeting.organisation_id))
    if meeting.kind not in RESIDENTS_MEETINGS:
        raise Http404
    return meeting


# --- proposals (the proposals part: handing in, co-signing, petitions) -------------


def meeting_for_proposer(request: HttpRequest, public_id: uuid.UUID) -> Meeting:
    """A residents' meeting, for a resident of its estate who hands in a proposal
    (the meeting's readers who are not its residents get 403)."""
    meeting = meeting_for_reader(request, public_id)
    p = principal(request)
    if meeting.kind not in RESIDENTS_MEETINGS or not p.is_resident_of(meeting.estate_id):
        deny(p, can_read=True)
    return meeting


def proposal_for_supporter(request: HttpRequest, public_id: uuid.UUID) -> Proposal:
    """A proposal, for a resident of its estate who may read it (to co-sign)."""
    proposal = proposal_for_reader(request, public_id)
    p = principal(request)
    if not p.is_resident_of(proposal.estate_id):
        deny(p, can_read=True)
    return proposal


def estate_for_petitioner(request: HttpRequest, cvr: str, number: int) -> Estate:
    """The estate, for one of its residents starting a petition."""
    estate = estate_for_reader(request, cvr, number)
    p = principal(request)
    if not p.is_resident_of(estate.pk):
        deny(p, can_read=True)
    return estate


def petition_for_signer(request: HttpRequest, public_id: uuid.UUID) -> Petition:
    """A petition, for a resident of its estate (signing and withdrawing); readers who
    are not residents there get 403, other estates' residents too."""
    petition = petition_for_reader(request, public_id)
    p = principal(request)
    if not p.is_resident_of(petition.estate_id):
        deny(p, can_read=True)
    return petition


def agenda_item_for_manager(
    request: HttpRequest, public_id: uuid.UUID, position: int
) -> AgendaItem:
    """An agenda item of a meeting by its position on the agenda (as the meetings
    part addresses them), for those who run the meeting."""
    meeting = meeting_for_manager(request, public_id)
    item = (
        AgendaItem.objects.filter(meeting=meeting, position=position).order_by("id").first()
        if 0 < position <= 32767  # a PositiveSmallIntegerField: larger is no item
        else None
    )
    if item is None:
        raise Http404
    item.meeting = meeting
    return item


# --- minutes -----------------------------------------------------------------------


def visible_decisions(p: Principal) -> QuerySet[Decision]:
    """Every decision ``p`` may read, as one queryset: ``can_read_decision`` in the
    query, for the register's lists (the tests hold the two to agree per persona)."""
    if p.superuser:
        return Decision.objects.all()
    condition = Q(visibility=Visibility.PUBLIC, published_at__isnull=False)
    if p.staff_organisations or p.board_organisations:
        condition |= Q(organisation_id__in=p.staff_organisations | p.board_organisations)
    if p.board_estates:
        condition |= Q(estate_id__in=p.board_estates)
    if p.resident_estates:
        condition |= Q(estate_id__in=p.resident_estates, published_at__isnull=False)
    return Decision.objects.filter(condition)


# --- secret ballots (decision 0030) --------------------------------------------------

from almen.democracy.models import Ballot, BallotState  # noqa: E402

RESULT_STATES = frozenset({BallotState.COUNTED, BallotState.PUBLISHED})


def can_manage_ballot(p: Principal, ballot: Ballot) -> bool:
    """Prepare, open, close, count by hand and publish: the estate's board and the
    organisation's staff."""
    return p.can_manage(Scope.of_estate(ballot.estate))


def can_read_ballot(p: Principal, ballot: Ballot) -> bool:
    """The question, the options and the state: the managers and the organisation board
    always; the estate's residents once it is no longer a draft; everyone once the
    result of a public ballot is published."""
    if can_manage_ballot(p, ballot) or p.is_board_of_organisation(ballot.organisation_id):
        return True
    if ballot.state == BallotState.DRAFT:
        return False
    if p.is_resident_of(ballot.estate_id):
        return True
    return ballot.state == BallotState.PUBLISHED and ballot.visibility == Visibility.PUBLIC


def can_read_bulletin(p: Principal, ballot: Ballot) -> bool:
    """The bulletin (every tracker code with its choice) and the result: the ballot's
    readers once it is counted; no one while votes can still be cast."""
    return ballot.state in RESULT_STATES and can_read_ballot(p, ballot)


def can_vote(p: Principal, ballot: Ballot) -> bool:
    """Residents of the estate cast their household's votes (whether their household is
    on the roll is the box's question: ``ballots_box.not_eligible_reason``)."""
    return p.is_resident_of(ballot.estate_id)


def _ballot(public_id: uuid.UUID) -> Ballot:
    try:
        return Ballot.objects.select_related(
            "organisation", "estate", "estate__organisation", "meeting", "decision"
        ).get(public_id=public_id)
    except Ballot.DoesNotExist:
        raise Http404 from None


def is_former_voter(p: Principal, ballot: Ballot) -> bool:
    """A person whose household lived in the estate on the cut-off day and has moved
    out since, in a ballot where the estate decided that such households keep their
    vote (``moved_out_keeps_vote``). The principal knows current tenancies only, so
    this asks the register (one query, only on this rare path)."""
    if p.user_id is None or not ballot.moved_out_keeps_vote or ballot.state == BallotState.DRAFT:
        return False
    from almen.register.models import Resident

    return Resident.objects.filter(
        user_id=p.user_id,
        household__unit__estate_id=ballot.estate_id,
        household__moved_in__lte=ballot.roll_on,
        household__moved_out__gte=ballot.roll_on,
    ).exists()


def ballot_for_reader(request: HttpRequest, public_id: uuid.UUID) -> Ballot:
    ballot = _ballot(public_id)
    p = principal(request)
    if not can_read_ballot(p, ballot) and not is_former_voter(p, ballot):
        deny(p, can_read=p.is_member_of(ballot.organisation_id))
    return ballot


def ballot_for_manager(request: HttpRequest, public_id: uuid.UUID) -> Ballot:
    ballot = _ballot(public_id)
    p = principal(request)
    if not can_manage_ballot(p, ballot):
        deny(p, can_read=can_read_ballot(p, ballot) or p.is_member_of(ballot.organisation_id))
    return ballot


def ballot_for_voter(request: HttpRequest, public_id: uuid.UUID) -> Ballot:
    """A ballot, for a resident of its estate; its other readers get 403."""
    ballot = ballot_for_reader(request, public_id)
    p = principal(request)
    if not can_vote(p, ballot) and not is_former_voter(p, ballot):
        deny(p, can_read=True)
    return ballot


def ballot_for_bulletin(request: HttpRequest, public_id: uuid.UUID) -> Ballot:
    """The bulletin of a counted ballot. Before the count its readers get 404 (there is
    no bulletin yet), outsiders 404 as always."""
    ballot = ballot_for_reader(request, public_id)
    if ballot.state not in RESULT_STATES:
        raise Http404
    return ballot


# --- secret ballots: running a ballot (the admin part) -------------------------------

from almen.democracy.models import PaperCount  # noqa: E402


def can_read_estate_ballots(p: Principal, estate: Estate) -> bool:
    """An estate's list of ballots: its residents (not the drafts), its board, the
    organisation's staff and board (everything)."""
    return can_read_estate_meetings(p, estate)


def can_manage_estate_ballots(p: Principal, estate: Estate) -> bool:
    """Prepare a new ballot for the estate: its board and the organisation's staff
    (``can_manage_ballot`` for one that exists)."""
    return p.can_manage(Scope.of_estate(estate))


def estate_for_ballot_reader(request: HttpRequest, cvr: str, number: int) -> Estate:
    estate = register_access.estate_for_view(request, cvr, number)
    p = principal(request)
    deny_unless(p, can_read_estate_ballots(p, estate), estate.organisation_id)
    return estate


def estate_for_ballot_manager(request: HttpRequest, cvr: str, number: int) -> Estate:
    estate = register_access.estate_for_view(request, cvr, number)
    p = principal(request)
    deny_unless(p, can_manage_estate_ballots(p, estate), estate.organisation_id)
    return estate


def organisation_for_ballots(request: HttpRequest, cvr: str) -> Organisation:
    """The organisation's overview of every estate's ballots: its staff and board."""
    organisation = register_access.organisation_for_view(request, cvr)
    p = principal(request)
    deny_unless(p, can_read_organisation_meetings(p, organisation), organisation.pk)
    return organisation


def visible_estate_ballots(p: Principal, estate: Estate) -> QuerySet[Ballot]:
    """The estate's ballots ``p`` may read (``can_read_ballot`` in the query): every one
    for its managers and the organisation board, all but the drafts for its residents,
    the published public ones for everyone else."""
    qs = Ballot.objects.filter(estate=estate)
    if can_manage_estate_ballots(p, estate) or p.is_board_of_organisation(estate.organisation_id):
        return qs
    if p.is_resident_of(estate.pk):
        return qs.exclude(state=BallotState.DRAFT)
    return qs.filter(state=BallotState.PUBLISHED, visibility=Visibility.PUBLIC)


def ballot_count_for_manager(
    request: HttpRequest, public_id: uuid.UUID, count_id: int
) -> tuple[Ballot, PaperCount]:
    """A hand count of a ballot, for the ballot's managers (404 for a count of another
    ballot, after the ballot's own decision)."""
    ballot = ballot_for_manager(request, public_id)
    if not 0 < count_id < 2**63:  # a bigger number is no row (and overflows the column)
        raise Http404
    try:
        count = PaperCount.objects.select_related("entered_by", "checked_by").get(
            pk=count_id, ballot=ballot
        )
    except PaperCount.DoesNotExist:
        raise Http404 from None
    count.ballot = ballot
    return ballot, count


# --- secret ballots: elections (the elections part) --------------------------------
#
# An election's candidates page is read by the ballot's readers, and also by the
# estate's residents while nomination is open: then the election is still a draft,
# which residents cannot otherwise read, and they must see it to stand. The estate's
# board and the organisation's staff nominate anyone on the roll, withdraw any
# candidate and draw lots; a resident of the estate stands themself and withdraws
# their own candidacy. Personal data (addresses in the search) is the managers'.

from almen.democracy import ballots_elections  # noqa: E402
from almen.democracy.models import BallotKind, BallotOption  # noqa: E402


def can_read_candidates(p: Principal, ballot: Ballot) -> bool:
    if can_read_ballot(p, ballot):
        return True
    return p.is_resident_of(ballot.estate_id) and ballots_elections.nomination_open(ballot)


def can_nominate_candidates(p: Principal, ballot: Ballot) -> bool:
    """Nominating any resident on the roll (found by search), withdrawing any
    candidate and drawing lots: the ballot's managers."""
    return can_manage_ballot(p, ballot)


def can_stand(p: Principal, ballot: Ballot) -> bool:
    """Standing oneself ("Jeg stiller op"): a resident of the estate who may read the
    candidates (whether their household is on the roll is the service's question)."""
    return p.is_resident_of(ballot.estate_id) and can_read_candidates(p, ballot)


def can_withdraw_candidate(p: Principal, ballot: Ballot, option: BallotOption) -> bool:
    """The managers withdraw any candidate; a candidate withdraws themself."""
    if can_nominate_candidates(p, ballot):
        return True
    resident = option.resident
    return (
        can_stand(p, ballot)
        and resident is not None
        and p.user_id is not None
        and resident.user_id == p.user_id
    )


def election_for_candidates(request: HttpRequest, public_id: uuid.UUID) -> Ballot:
    """An election, for those who may read its candidates (other ballots: 404)."""
    ballot = _ballot(public_id)
    p = principal(request)
    deny_unless(p, can_read_candidates(p, ballot), ballot.organisation_id)
    if ballot.kind != BallotKind.ELECTION:
        raise Http404
    return ballot


def election_for_nominator(request: HttpRequest, public_id: uuid.UUID) -> Ballot:
    """An election, for its managers; its other readers get 403."""
    ballot = election_for_candidates(request, public_id)
    p = principal(request)
    if not can_nominate_candidates(p, ballot):
        deny(p, can_read=True)
    return ballot


def election_for_candidate(request: HttpRequest, public_id: uuid.UUID) -> Ballot:
    """An election, for a resident of its estate who stands themself; its other
    readers get 403."""
    ballot = election_for_candidates(request, public_id)
    p = principal(request)
    if not can_stand(p, ballot):
        deny(p, can_read=True)
    return ballot


def candidate_withdrawal(request: HttpRequest, ballot: Ballot, option: BallotOption) -> None:
    """403 unless the requester may withdraw this candidate (``ballot`` is already
    authorised by ``election_for_candidates``)."""
    p = principal(request)
    if not can_withdraw_candidate(p, ballot, option):
        deny(p, can_read=True)


def election_for_draw(request: HttpRequest, public_id: uuid.UUID) -> Ballot:
    """Drawing lots in an election: its managers."""
    ballot = ballot_for_manager(request, public_id)
    if ballot.kind != BallotKind.ELECTION:
        raise Http404
    return ballot


# --- secret ballots: the API, open data and statistics (platform part) ---------------


def readable_ballots(p: Principal) -> QuerySet[Ballot]:
    """Every ballot ``p`` may read (``can_read_ballot``) as one queryset, drafts left
    out (the API and the statistics never show a draft, whoever asks; the tests hold
    the two to agree per persona)."""
    queryset = Ballot.objects.exclude(state=BallotState.DRAFT)
    if p.superuser:
        return queryset
    condition = Q(state=BallotState.PUBLISHED, visibility=Visibility.PUBLIC)
    if p.staff_organisations:
        condition |= Q(estate__organisation_id__in=p.staff_organisations)
    if p.board_organisations:
        condition |= Q(organisation_id__in=p.board_organisations)
    if p.board_estates or p.resident_estates:
        condition |= Q(estate_id__in=p.board_estates | p.resident_estates)
    return queryset.filter(condition)


def can_read_published_result(p: Principal, ballot: Ballot) -> bool:
    """The result and the bulletin outside the ballot's own pages (the API, open data):
    only once published (a counted result waits for the board's publishing), and only
    for those who may read the bulletin."""
    return ballot.state == BallotState.PUBLISHED and can_read_bulletin(p, ballot)
