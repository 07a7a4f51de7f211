"""Proposals and petitions: every state change, keyword-only, atomic and audited.

Proposals (forslag) are handed in by a household for an ordinary afdelingsmøde of its
own estate, at the latest 14 days before (``rules.PROPOSALS_BEFORE``). One handed in
later is still taken, flagged ``late`` and kept for the next meeting (status
DEFERRED). An extraordinary meeting has a fixed agenda and takes no proposals. The
board accepts a proposal onto the agenda (under "Indkomne forslag"), rejects it with a
comment, or keeps it for the next meeting. A late proposal is accepted onto the meeting
it came too late for only with a reason, which is kept as the board's comment and in
the audit entry (the law sets a minimum; an estate's meeting may be more generous).

Petitions (underskriftsindsamlinger) ask for an extraordinary meeting: one signature
per household current in the estate, withdrawable until 25 % of the households at the
start have signed. Then the petition is REACHED, the 2-week deadline to call the
meeting starts (``call_by``), and the estate's board and the organisation's staff are
told. Signing takes a row lock on the petition (``select_for_update``), so two
households signing the last missing signature at once make one REACHED transition and
one notification.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from almen.access.roles import Role
from almen.audit.services import audit_record, snapshot
from almen.democracy import rules
from almen.democracy.models import (
    AgendaItem,
    AgendaKind,
    Amendment,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Petition,
    PetitionSignature,
    PetitionStatus,
    Proposal,
    ProposalStatus,
    ProposalSupport,
)
from almen.lib.bounds import LONG_TEXT, SHORT_TEXT, TITLE
from almen.notify.services import notify, notify_many
from almen.register.models import BodyKind, BodyMembership, BodyRole, Estate, Household

PROPOSAL_FIELDS = ("title", "text", "proposer_name", "status", "late", "board_comment")
PETITION_FIELDS = ("topic", "status", "threshold", "households_at_start", "reached_at", "call_by")

ACCEPT = "accept"
REJECT = "reject"
DEFER = "defer"
HANDLE_ACTIONS = (ACCEPT, REJECT, DEFER)


def _person(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _text(value: str, field: str, limit: int, empty: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: empty})
    if len(value) > limit:
        raise ValidationError(
            {field: _("Teksten er for lang (højst %(limit)s tegn).") % {"limit": limit}}
        )
    return value


def current_household(user: Any, estate: Estate) -> Household | None:
    """The household ``user`` lives in in ``estate`` today, or None (moved out, or
    living elsewhere). One query."""
    if not getattr(user, "pk", None):
        return None
    return (
        Household.objects.active()
        .filter(unit__estate=estate, residents__user=user)
        .order_by("-moved_in")
        .first()
    )


def _household_or_refuse(user: Any, estate: Estate) -> Household:
    household = current_household(user, estate)
    if household is not None:
        return household
    moved_out = (
        getattr(user, "pk", None)
        and Household.objects.filter(unit__estate=estate, residents__user=user).exists()
    )
    if moved_out:
        raise ValidationError(
            _(
                "Din husstand er flyttet fra afdelingen, så du kan ikke længere være med "
                "her. Det kan kun husstande, der bor i afdelingen nu."
            ),
            code="moved_out",
        )
    raise ValidationError(
        _("Det kan kun husstande, der bor i afdelingen %(estate)s.") % {"estate": estate.name},
        code="not_resident",
    )


# --- proposals -----------------------------------------------------------------------


def proposal_deadline_passed(meeting: Meeting, on: Any = None) -> bool:
    proposals_by = meeting.timeline.proposals_by
    return proposals_by is not None and (on or timezone.localdate()) > proposals_by


def check_meeting_takes_proposals(meeting: Meeting) -> None:
    """Refuse what no resident can hand a proposal in for (the message says why)."""
    if meeting.kind == MeetingKind.EXTRAORDINARY:
        raise ValidationError(
            _(
                "Et ekstraordinært møde har en fast dagsorden, så der kan ikke stilles nye "
                "forslag til det. Forslag kan stilles til det næste ordinære afdelingsmøde."
            ),
            code="extraordinary",
        )
    if meeting.kind != MeetingKind.ORDINARY:
        raise ValidationError(
            _("Beboerne kan kun stille forslag til et afdelingsmøde."), code="not_residents"
        )
    if meeting.status == MeetingStatus.DRAFT:
        raise ValidationError(
            _("Mødet er ikke indkaldt endnu. Du kan stille forslag, når indkaldelsen er sendt."),
            code="draft",
        )
    if meeting.status in (MeetingStatus.HELD, MeetingStatus.CANCELLED) or (
        meeting.meeting_on < timezone.localdate()
    ):
        raise ValidationError(
            _("Mødet er afholdt eller aflyst, så der kan ikke stilles forslag til det."),
            code="closed",
        )


@transaction.atomic
def proposal_submit(*, actor: Any, meeting: Meeting, title: str, text: str) -> Proposal:
    """A resident's proposal for ``meeting`` (an ordinary afdelingsmøde of their own
    estate), in their household's name. After the proposal deadline it is taken but
    flagged late and kept for the next meeting (status DEFERRED)."""
    check_meeting_takes_proposals(meeting)
    assert meeting.estate is not None  # an ordinary meeting belongs to an estate
    household = _household_or_refuse(actor, meeting.estate)
    title = _text(title, "title", TITLE, _("Skriv en overskrift."))
    text = _text(text, "text", LONG_TEXT, _("Skriv forslaget og begrundelsen."))
    name = (getattr(actor, "name", "") or "").strip() or str(actor)
    late = proposal_deadline_passed(meeting)
    proposal = Proposal(
        estate=meeting.estate,
        meeting=meeting,
        household=household,
        author=_person(actor),
        proposer_name=name[:200],
        title=title,
        text=text,
        late=late,
        status=ProposalStatus.DEFERRED if late else ProposalStatus.SUBMITTED,
    )
    proposal.full_clean()
    proposal.save()
    audit_record(
        actor=actor,
        action="democracy.proposal_submit",
        obj=proposal,
        organisation_id=meeting.organisation_id,
        after=snapshot(proposal, PROPOSAL_FIELDS),
    )
    return proposal


def _check_supportable(proposal: Proposal) -> None:
    if proposal.status not in (ProposalStatus.SUBMITTED, ProposalStatus.ACCEPTED):
        raise ValidationError(
            _("Forslaget kan ikke medunderskrives nu (det er %(status)s).")
            % {"status": proposal.get_status_display().lower()},
            code="closed",
        )
    meeting = proposal.meeting
    if meeting is not None and (
        meeting.status in (MeetingStatus.HELD, MeetingStatus.CANCELLED)
        or meeting.meeting_on < timezone.localdate()
    ):
        raise ValidationError(_("Mødet er afholdt eller aflyst."), code="closed")


@transaction.atomic
def proposal_support_add(*, actor: Any, proposal: Proposal) -> ProposalSupport:
    """The actor's household co-signs ``proposal`` (one signature per household; the
    proposer's own household already stands behind it)."""
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .get(pk=proposal.pk)
    )
    _check_supportable(proposal)
    household = _household_or_refuse(actor, proposal.estate)
    if household.pk == proposal.household_id:
        raise ValidationError(
            _("Forslaget er stillet af din husstand, så I står allerede bag det."), code="own"
        )
    twice = ValidationError(
        _(
            "Din husstand har allerede skrevet under på forslaget. Hver husstand skriver "
            "under én gang."
        ),
        code="twice",
    )
    if ProposalSupport.objects.filter(proposal=proposal, household=household).exists():
        raise twice
    support = ProposalSupport(proposal=proposal, household=household, user=_person(actor))
    try:
        with transaction.atomic():
            support.save()
    except IntegrityError:
        raise twice from None
    audit_record(
        actor=actor,
        action="democracy.proposal_support_add",
        obj=proposal,
        organisation_id=proposal.estate.organisation_id,
        after={"household": household.pk},
    )
    return support


@transaction.atomic
def proposal_support_withdraw(*, actor: Any, proposal: Proposal) -> None:
    """The actor's household takes its co-signature back (until the meeting)."""
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .get(pk=proposal.pk)
    )
    _check_supportable(proposal)
    household = _household_or_refuse(actor, proposal.estate)
    deleted, _count = ProposalSupport.objects.filter(
        proposal=proposal, household=household
    ).delete()
    if not deleted:
        raise ValidationError(
            _("Din husstand har ikke skrevet under på forslaget."), code="not_signed"
        )
    audit_record(
        actor=actor,
        action="democracy.proposal_support_withdraw",
        obj=proposal,
        organisation_id=proposal.estate.organisation_id,
        before={"household": household.pk},
    )


def proposal_late_for(proposal: Proposal, meeting: Meeting) -> bool:
    """Whether ``proposal`` was handed in after ``meeting``'s proposal deadline (a
    proposal kept from an earlier meeting is in time for a later one)."""
    if proposal.late and meeting.pk == proposal.meeting_id:
        return True
    return proposal_deadline_passed(meeting, on=timezone.localtime(proposal.submitted_at).date())


def _agenda_position(meeting: Meeting) -> int:
    """Where a new proposal goes: after "Indkomne forslag" and the proposals already
    under it; without that item, before "Eventuelt" (or last)."""
    items = list(meeting.items.order_by("position", "id").values_list("position", "kind"))
    heading = next((pos for pos, kind in items if kind == AgendaKind.PROPOSALS), None)
    if heading is not None:
        position = heading + 1
        for pos, kind in items:
            if pos >= position and kind == AgendaKind.PROPOSAL:
                position = pos + 1
            elif pos >= position:
                break
        return position
    aob = next((pos for pos, kind in items if kind == AgendaKind.AOB), None)
    if aob is not None:
        return aob
    return (items[-1][0] + 1) if items else 1


def _proposal_path(proposal: Proposal) -> str:
    return reverse("democracy:proposal_detail", args=[proposal.public_id])


@transaction.atomic
def proposal_handle(
    *,
    actor: Any,
    proposal: Proposal,
    action: str,
    comment: str = "",
    meeting: Meeting | None = None,
) -> Proposal:
    """The board's answer to a proposal: ``accept`` onto the agenda of ``meeting`` (by
    default the meeting it was handed in for), ``reject`` (with a comment), or
    ``defer`` to the next meeting. A late proposal can be accepted onto the meeting it
    came too late for only with the comment as the recorded reason. The proposer is
    told (``democracy.proposal_handled``)."""
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("estate", "meeting", "author")
        .get(pk=proposal.pk)
    )
    if action not in HANDLE_ACTIONS:
        raise ValidationError({"action": _("Vælg, hvad bestyrelsen gør med forslaget.")})
    if proposal.status not in (ProposalStatus.SUBMITTED, ProposalStatus.DEFERRED):
        raise ValidationError(
            _("Forslaget er allerede behandlet (det er %(status)s).")
            % {"status": proposal.get_status_display().lower()},
            code="handled",
        )
    if len(comment or "") > SHORT_TEXT:
        raise ValidationError(
            {"comment": _("Teksten er for lang (højst %(limit)s tegn).") % {"limit": SHORT_TEXT}}
        )
    comment = (comment or "").strip()
    before = snapshot(proposal, PROPOSAL_FIELDS)
    late_reason = ""
    if action == ACCEPT:
        target = meeting or proposal.meeting
        if target is None:
            raise ValidationError(_("Vælg det møde, forslaget skal på dagsordenen til."))
        if target.estate_id != proposal.estate_id:
            raise ValidationError(_("Mødet hører til en anden afdeling."))
        if target.kind != MeetingKind.ORDINARY:
            raise ValidationError(
                _("Et ekstraordinært møde har en fast dagsorden, så forslaget kan ikke komme på.")
            )
        if target.status not in (MeetingStatus.DRAFT, MeetingStatus.NOTICED):
            raise ValidationError(_("Mødet er afholdt eller aflyst."))
        if proposal_late_for(proposal, target):
            if not comment:
                raise ValidationError(
                    {
                        "comment": _(
                            "Forslaget kom efter fristen. Skriv bestyrelsens begrundelse, "
                            "hvis det alligevel skal på dagsordenen til dette møde."
                        )
                    }
                )
            late_reason = comment
        position = _agenda_position(target)
        AgendaItem.objects.filter(meeting=target, position__gte=position).update(
            position=F("position") + 1
        )
        AgendaItem.objects.create(
            meeting=target,
            position=position,
            kind=AgendaKind.PROPOSAL,
            title=proposal.title[:200],
            description=proposal.text,
            proposal=proposal,
        )
        proposal.meeting = target
        proposal.status = ProposalStatus.ACCEPTED
    elif action == REJECT:
        if not comment:
            raise ValidationError(
                {"comment": _("Skriv en begrundelse til forslagsstilleren, når I afviser.")}
            )
        proposal.status = ProposalStatus.REJECTED
    else:
        proposal.status = ProposalStatus.DEFERRED
    proposal.board_comment = comment
    proposal.decided_at = timezone.now()
    proposal.decided_by = _person(actor)
    proposal.full_clean()
    proposal.save()
    after = snapshot(proposal, PROPOSAL_FIELDS)
    if late_reason:
        after["late_reason"] = late_reason
    audit_record(
        actor=actor,
        action=f"democracy.proposal_{action}",
        obj=proposal,
        organisation_id=proposal.estate.organisation_id,
        before=before,
        after=after,
    )
    if proposal.author is not None:
        notify(
            kind="democracy.proposal_handled",
            key=f"proposal:{proposal.pk}:{proposal.status}:{proposal.decided_at.isoformat()}",
            user=proposal.author,
            context={
                "title": proposal.title,
                "status": proposal.status,
                "comment": proposal.board_comment,
                "meeting": proposal.meeting.title if proposal.meeting else "",
                "path": _proposal_path(proposal),
            },
        )
    return proposal


@transaction.atomic
def amendment_record(*, actor: Any, item: AgendaItem, proposer_name: str, text: str) -> Amendment:
    """An amendment (ændringsforslag) put at the meeting to ``item``; its votes are
    recorded in the hall."""
    meeting = item.meeting
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("Mødet er aflyst."))
    name = _text(proposer_name, "proposer_name", TITLE, _("Skriv forslagsstillerens navn."))
    body = _text(text, "text", SHORT_TEXT, _("Skriv ændringsforslaget."))
    amendment = Amendment(item=item, proposer_name=name, text=body, recorded_by=_person(actor))
    amendment.full_clean()
    amendment.save()
    audit_record(
        actor=actor,
        action="democracy.amendment_record",
        obj=amendment,
        organisation_id=meeting.organisation_id,
        after={"item": item.pk, "proposer_name": name, "text": body},
    )
    return amendment


# --- petitions -----------------------------------------------------------------------


def _active_signatures(petition: Petition) -> int:
    return PetitionSignature.objects.filter(petition=petition, withdrawn_at__isnull=True).count()


def _petition_path(petition: Petition) -> str:
    return reverse("democracy:petition_detail", args=[petition.public_id])


def _petition_reached_notify(petition: Petition) -> int:
    """Tell the estate's board (current seats, no substitutes) and the organisation's
    staff that the petition reached its threshold and by when to call the meeting."""
    today = timezone.localdate()
    board = BodyMembership.objects.filter(
        Q(term_end__isnull=True) | Q(term_end__gte=today),
        term_start__lte=today,
        body__kind=BodyKind.ESTATE_BOARD,
        body__estate_id=petition.estate_id,
    ).exclude(role=BodyRole.SUBSTITUTE)
    staff = Q(
        memberships__role=Role.ORG_STAFF,
        memberships__organisation_id=petition.estate.organisation_id,
        memberships__starts__lte=today,
    ) & (Q(memberships__ends__isnull=True) | Q(memberships__ends__gte=today))
    people = (
        get_user_model()
        .objects.filter(Q(pk__in=board.values("user_id")) | staff, is_active=True)
        .distinct()
        .order_by("pk")
    )
    assert petition.call_by is not None
    return notify_many(
        kind="democracy.petition_reached",
        key=f"petition:{petition.pk}:reached",
        users=people,
        context={
            "topic": petition.topic,
            "estate": petition.estate.name,
            "signatures": petition.threshold,
            "call_by": petition.call_by.strftime("%d-%m-%Y"),
            "path": _petition_path(petition),
        },
    )


def _sign(actor: Any, petition: Petition, household: Household) -> PetitionSignature:
    """Sign (``petition`` is locked by the caller) and, at the threshold, reach it."""
    twice = ValidationError(
        _(
            "Din husstand har allerede skrevet under. Hver husstand skriver under én gang, "
            "uanset hvor mange der bor der."
        ),
        code="twice",
    )
    active = PetitionSignature.objects.filter(petition=petition, withdrawn_at__isnull=True)
    if active.filter(household=household).exists():
        raise twice
    signature = PetitionSignature(petition=petition, household=household, user=_person(actor))
    try:
        with transaction.atomic():
            signature.save()
    except IntegrityError:
        raise twice from None
    if petition.status == PetitionStatus.OPEN and active.count() >= petition.threshold:
        before = snapshot(petition, PETITION_FIELDS)
        petition.status = PetitionStatus.REACHED
        petition.reached_at = timezone.now()
        petition.call_by = rules.petition_call_by(timezone.localdate())
        petition.save(update_fields=["status", "reached_at", "call_by"])
        audit_record(
            actor=actor,
            action="democracy.petition_reached",
            obj=petition,
            organisation_id=petition.estate.organisation_id,
            before=before,
            after=snapshot(petition, PETITION_FIELDS),
        )
        _petition_reached_notify(petition)
    return signature


@transaction.atomic
def petition_create(*, actor: Any, estate: Estate, topic: str, text: str) -> Petition:
    """A resident asks for an extraordinary meeting about ``topic``; their household
    signs first. The threshold is 25 % of the estate's households today."""
    household = _household_or_refuse(actor, estate)
    topic = _text(topic, "topic", TITLE, _("Skriv, hvad mødet skal handle om."))
    text = _text(text, "text", LONG_TEXT, _("Skriv, hvad mødet skal behandle og hvorfor."))
    households = Household.objects.active().filter(unit__estate=estate).count()
    petition = Petition(
        estate=estate,
        topic=topic,
        text=text,
        created_by=_person(actor),
        households_at_start=households,
        threshold=rules.petition_threshold(households),
    )
    petition.full_clean()
    petition.save()
    audit_record(
        actor=actor,
        action="democracy.petition_create",
        obj=petition,
        organisation_id=estate.organisation_id,
        after=snapshot(petition, PETITION_FIELDS),
    )
    _sign(actor, petition, household)
    return petition


def _locked(petition: Petition) -> Petition:
    return (
        Petition.objects.select_for_update(of=("self",))
        .select_related("estate", "estate__organisation")
        .get(pk=petition.pk)
    )


@transaction.atomic
def petition_sign(*, actor: Any, petition: Petition) -> PetitionSignature:
    """The actor's household signs (one signature per household, current residents of
    the estate only). The row lock on the petition makes the last missing signature
    reach the threshold once, however many sign at the same moment."""
    petition = _locked(petition)
    if petition.status != PetitionStatus.OPEN:
        raise ValidationError(
            _(
                "Indsamlingen tager ikke imod flere underskrifter: 25 % af husstandene har "
                "allerede skrevet under, eller den er lukket."
            ),
            code="closed",
        )
    household = _household_or_refuse(actor, petition.estate)
    signature = _sign(actor, petition, household)
    audit_record(
        actor=actor,
        action="democracy.petition_sign",
        obj=petition,
        organisation_id=petition.estate.organisation_id,
        after={"household": household.pk},
    )
    return signature


@transaction.atomic
def petition_withdraw(*, actor: Any, petition: Petition) -> None:
    """The actor's household takes its signature back, until the threshold is reached
    (then the request is valid and the signatures are locked)."""
    petition = _locked(petition)
    if petition.status != PetitionStatus.OPEN:
        raise ValidationError(
            _(
                "25 % af husstandene har skrevet under, og anmodningen er sendt videre. "
                "Underskrifterne er nu låst og kan ikke trækkes tilbage."
            ),
            code="locked",
        )
    household = _household_or_refuse(actor, petition.estate)
    changed = PetitionSignature.objects.filter(
        petition=petition, household=household, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    if not changed:
        raise ValidationError(
            _("Din husstand har ikke skrevet under på indsamlingen."), code="not_signed"
        )
    audit_record(
        actor=actor,
        action="democracy.petition_withdraw",
        obj=petition,
        organisation_id=petition.estate.organisation_id,
        before={"household": household.pk},
    )


@transaction.atomic
def petition_mark_called(*, actor: Any, petition: Petition, meeting: Meeting) -> Petition:
    """The extraordinary meeting the petition asked for is called: the petition is
    CALLED and the meeting points at it (the meetings part calls this when a meeting
    is created from a petition)."""
    petition = _locked(petition)
    if meeting.kind != MeetingKind.EXTRAORDINARY or meeting.estate_id != petition.estate_id:
        raise ValidationError(
            _("Mødet skal være et ekstraordinært afdelingsmøde i samme afdeling.")
        )
    if petition.status == PetitionStatus.CALLED:
        return petition
    if petition.status != PetitionStatus.REACHED:
        raise ValidationError(
            _("Indsamlingen har ikke nået 25 % af husstandene endnu."), code="not_reached"
        )
    before = snapshot(petition, PETITION_FIELDS)
    petition.status = PetitionStatus.CALLED
    petition.save(update_fields=["status"])
    if meeting.petition_id != petition.pk:
        Meeting.objects.filter(pk=meeting.pk).update(petition=petition)
        meeting.petition = petition
    audit_record(
        actor=actor,
        action="democracy.petition_mark_called",
        obj=petition,
        organisation_id=petition.estate.organisation_id,
        before=before,
        after={**snapshot(petition, PETITION_FIELDS), "meeting": str(meeting.public_id)},
    )
    return petition
