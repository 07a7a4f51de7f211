"""Pages of proposals and petitions: fetch-and-authorise in ``access.py``, state changes
in ``proposals_services.py``, reads in ``proposals_selectors.py``."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from almen.access.policy import principal
from almen.democracy import access
from almen.democracy import proposals_selectors as selectors
from almen.democracy import proposals_services as services
from almen.democracy.models import Meeting, MeetingKind, Petition, PetitionStatus, Proposal
from almen.democracy.proposals_forms import AmendmentForm, HandleForm, PetitionForm, ProposalForm
from almen.lib.forms import add_service_errors, form_status
from almen.lib.http import no_store

T = "democracy/proposals/"


def _user_id(request: HttpRequest) -> int | None:
    return request.user.pk if request.user.is_authenticated else None


# --- proposals -----------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def proposal_create(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """A resident hands in a proposal for an ordinary afdelingsmøde of their estate."""
    meeting = access.meeting_for_proposer(request, meeting_id)
    refusal = ""
    try:
        services.check_meeting_takes_proposals(meeting)
    except ValidationError as error:
        refusal = " ".join(error.messages)
    form = ProposalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            proposal = services.proposal_submit(
                actor=request.user,
                meeting=meeting,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if proposal.late:
                messages.warning(
                    request,
                    gettext(
                        "Tak for dit forslag. Fristen for forslag til dette møde er gået, så "
                        "forslaget gemmes til det næste afdelingsmøde."
                    ),
                )
            else:
                messages.success(
                    request,
                    gettext(
                        "Tak for dit forslag. Bestyrelsen behandler det og sætter det på "
                        "dagsordenen."
                    ),
                )
            return redirect("democracy:proposal_detail", proposal_id=proposal.public_id)
    status = 400 if request.method == "POST" and refusal else form_status(request, form)
    return render(
        request,
        T + "create.html",
        {
            "meeting": meeting,
            "form": form,
            "refusal": refusal,
            "late": services.proposal_deadline_passed(meeting),
            "timeline": meeting.timeline,
            "proposer_name": getattr(request.user, "name", "") or str(request.user),
        },
        status=status,
    )


@no_store
@require_GET
def meeting_proposals(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting = access.meeting_for_reader(request, meeting_id)
    p = principal(request)
    proposals = selectors.meeting_proposals(p, meeting, _user_id(request))
    manages = access.can_manage_meeting(p, meeting)
    return render(
        request,
        T + "meeting_proposals.html",
        {
            "meeting": meeting,
            "proposals": [x for x in proposals if x.meeting_id == meeting.pk],
            "kept": [x for x in proposals if x.meeting_id != meeting.pk],
            "manages": manages,
            "items": list(meeting.items.order_by("position", "id")) if manages else [],
            "takes_proposals": meeting.kind == MeetingKind.ORDINARY,
            "is_resident": p.is_resident_of(meeting.estate_id),
            "timeline": meeting.timeline,
        },
    )


def _proposal_page(
    request: HttpRequest, proposal: Proposal, *, error: str = "", status: int = 200
) -> HttpResponse:
    p = principal(request)
    household = (
        services.current_household(request.user, proposal.estate)
        if p.is_resident_of(proposal.estate_id)
        else None
    )
    return render(
        request,
        T + "proposal_detail.html",
        {
            "proposal": proposal,
            "meeting": proposal.meeting,
            "supports": selectors.supports_count(proposal),
            "household": household,
            "own": household is not None and household.pk == proposal.household_id,
            "signed": selectors.household_supports(proposal, household),
            "manages": access.can_manage_estate_meetings(p, proposal.estate),
            "error": error,
        },
        status=status,
    )


@no_store
@require_GET
def proposal_detail(request: HttpRequest, proposal_id: uuid.UUID) -> HttpResponse:
    return _proposal_page(request, access.proposal_for_reader(request, proposal_id))


def _household_act(
    request: HttpRequest,
    obj: Proposal | Petition,
    act: Callable[[], object],
    page: Callable[..., HttpResponse],
    done: str,
    route: str,
) -> HttpResponse:
    """A household's signature given or withdrawn: the service, then back to the page
    (a refusal is shown on the page with status 400)."""
    try:
        act()
    except ValidationError as error:
        return page(request, obj, error=" ".join(error.messages), status=400)
    messages.success(request, done)
    return redirect(route, obj.public_id)


@require_POST
def proposal_support(request: HttpRequest, proposal_id: uuid.UUID) -> HttpResponse:
    proposal = access.proposal_for_supporter(request, proposal_id)
    return _household_act(
        request,
        proposal,
        lambda: services.proposal_support_add(actor=request.user, proposal=proposal),
        _proposal_page,
        gettext("Din husstand har skrevet under på forslaget."),
        "democracy:proposal_detail",
    )


@require_POST
def proposal_support_withdraw(request: HttpRequest, proposal_id: uuid.UUID) -> HttpResponse:
    proposal = access.proposal_for_supporter(request, proposal_id)
    return _household_act(
        request,
        proposal,
        lambda: services.proposal_support_withdraw(actor=request.user, proposal=proposal),
        _proposal_page,
        gettext("Din husstands underskrift er trukket tilbage."),
        "democracy:proposal_detail",
    )


def _target_meeting(request: HttpRequest, proposal: Proposal) -> tuple[Meeting | None, str]:
    """The meeting a kept proposal is to go on (``?moede=``/``meeting``), if named."""
    raw = request.POST.get("meeting") or request.GET.get("moede") or ""
    if not raw:
        return None, ""
    try:
        public_id = uuid.UUID(str(raw))
    except ValueError:
        return None, gettext("Mødet findes ikke.")
    meeting = (
        Meeting.objects.filter(public_id=public_id, estate_id=proposal.estate_id)
        .select_related("estate")
        .first()
    )
    if meeting is None:
        return None, gettext("Mødet findes ikke.")
    return meeting, ""


@never_cache
@require_http_methods(["GET", "POST"])
def proposal_handle(request: HttpRequest, proposal_id: uuid.UUID) -> HttpResponse:
    """The board accepts a proposal onto the agenda, rejects it or keeps it for the next
    meeting."""
    proposal = access.proposal_for_manager(request, proposal_id)
    target, target_error = _target_meeting(request, proposal)
    form = HandleForm(request.POST if request.method == "POST" else None)
    if target_error:
        form.is_valid()
        form.add_error(None, target_error)
    elif request.method == "POST" and form.is_valid():
        try:
            services.proposal_handle(
                actor=request.user,
                proposal=proposal,
                action=form.cleaned_data["action"],
                comment=form.cleaned_data["comment"],
                meeting=target,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, gettext("Forslaget er behandlet, og forslagsstilleren får besked.")
            )
            return redirect("democracy:proposal_detail", proposal_id=proposal.public_id)
    status = 400 if target_error else form_status(request, form)
    meeting = target or proposal.meeting
    return render(
        request,
        T + "handle.html",
        {
            "proposal": proposal,
            "meeting": meeting,
            "target": target,
            "form": form,
            "late_here": meeting is not None and services.proposal_late_for(proposal, meeting),
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def amendment_create(request: HttpRequest, meeting_id: uuid.UUID, position: int) -> HttpResponse:
    """Record an amendment put at the meeting to an agenda item (by its position)."""
    item = access.agenda_item_for_manager(request, meeting_id, position)
    form = AmendmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.amendment_record(
                actor=request.user,
                item=item,
                proposer_name=form.cleaned_data["proposer_name"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("Ændringsforslaget er registreret."))
            return redirect("democracy:meeting_proposals", meeting_id=item.meeting.public_id)
    return render(
        request,
        T + "amendment_create.html",
        {
            "item": item,
            "meeting": item.meeting,
            "form": form,
            "amendments": list(item.amendments.order_by("recorded_at", "id")),
        },
        status=form_status(request, form),
    )


# --- petitions -----------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def petition_create(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    estate = access.estate_for_petitioner(request, cvr, number)
    form = PetitionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            petition = services.petition_create(
                actor=request.user,
                estate=estate,
                topic=form.cleaned_data["topic"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                gettext(
                    "Indsamlingen er startet, og din husstand har skrevet under som den "
                    "første. Del siden med naboerne."
                ),
            )
            return redirect("democracy:petition_detail", petition_id=petition.public_id)
    return render(
        request,
        T + "petition_create.html",
        {"estate": estate, "organisation": estate.organisation, "form": form},
        status=form_status(request, form),
    )


@require_GET
def estate_petitions(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    estate = access.estate_for_reader(request, cvr, number)
    p = principal(request)
    page = Paginator(selectors.estate_petitions(estate), selectors.PETITIONS_PER_PAGE).get_page(
        request.GET.get("side")
    )
    return render(
        request,
        T + "estate_petitions.html",
        {
            "estate": estate,
            "organisation": estate.organisation,
            "page": page,
            "petitions": [
                (petition, selectors.progress(petition, getattr(petition, "signature_count", 0)))
                for petition in page.object_list
            ],
            "is_resident": p.is_resident_of(estate.pk),
        },
    )


def _petition_page(
    request: HttpRequest, petition: Petition, *, error: str = "", status: int = 200
) -> HttpResponse:
    p = principal(request)
    household = (
        services.current_household(request.user, petition.estate)
        if p.is_resident_of(petition.estate_id)
        else None
    )
    context: dict[str, Any] = {
        "petition": petition,
        "estate": petition.estate,
        "organisation": petition.estate.organisation,
        "progress": selectors.progress(petition, selectors.petition_signatures(petition)),
        "deadline": selectors.call_deadline(petition),
        "household": household,
        "signed": selectors.household_signed(petition, household),
        "open": petition.status == PetitionStatus.OPEN,
        "can_call": petition.status == PetitionStatus.REACHED
        and access.can_manage_estate_meetings(p, petition.estate),
        "error": error,
    }
    return render(request, T + "petition_detail.html", context, status=status)


@require_GET
def petition_detail(request: HttpRequest, petition_id: uuid.UUID) -> HttpResponse:
    return _petition_page(request, access.petition_for_reader(request, petition_id))


@require_POST
def petition_sign(request: HttpRequest, petition_id: uuid.UUID) -> HttpResponse:
    petition = access.petition_for_signer(request, petition_id)
    return _household_act(
        request,
        petition,
        lambda: services.petition_sign(actor=request.user, petition=petition),
        _petition_page,
        gettext("Din husstand har skrevet under. Tak."),
        "democracy:petition_detail",
    )


@require_POST
def petition_withdraw(request: HttpRequest, petition_id: uuid.UUID) -> HttpResponse:
    petition = access.petition_for_signer(request, petition_id)
    return _household_act(
        request,
        petition,
        lambda: services.petition_withdraw(actor=request.user, petition=petition),
        _petition_page,
        gettext("Din husstands underskrift er trukket tilbage."),
        "democracy:petition_detail",
    )
