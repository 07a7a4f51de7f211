"""Pages for running a ballot: an estate's ballots and the organisation's overview, the
ballot page, and the managers' pages to prepare, open, close, receive paper votes,
count by hand with four eyes, count and publish. Thin: access in ``access.py``, state
changes in ``ballots_services``, reads in ``ballots_admin_selectors``. A final or
destructive step asks first (GET, or a POST without ``confirm=yes``) and acts on a
POST with ``confirm=yes``."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from almen.access.policy import principal
from almen.democracy import access, ballots_box
from almen.democracy import ballots_admin_selectors as selectors
from almen.democracy import ballots_services as svc
from almen.democracy.ballots_admin_forms import BallotForm, CountForm, EnvelopeForm, OptionForm
from almen.democracy.hall_selectors import SEARCH_LIMIT, SEARCH_MIN
from almen.democracy.models import (
    Ballot,
    BallotKind,
    BallotOption,
    BallotPurpose,
    BallotState,
    CountStatus,
    OptionKind,
)
from almen.lib.forms import add_service_errors, form_status
from almen.lib.http import no_store

PAGE_SIZE = 20
GET = ["GET", "HEAD"]
GET_POST = ["GET", "HEAD", "POST"]


def _detail(ballot: Ballot, anchor: str = "") -> HttpResponse:
    response = redirect("democracy:ballot_detail", ballot_id=ballot.public_id)
    if anchor:
        response["Location"] += anchor
    return response


def _confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get("confirm") == "yes"


# --- lists -------------------------------------------------------------------------------


@require_http_methods(GET)
def estate_ballots(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    """``democracy:estate_ballots``: the estate's ballots, newest first (its residents
    do not see the drafts)."""
    estate = access.estate_for_ballot_reader(request, cvr, number)
    p = principal(request)
    ballots = selectors.estate_ballots(access.visible_estate_ballots(p, estate))
    return render(
        request,
        "democracy/ballots/admin/estate_ballots.html",
        {
            "estate": estate,
            "organisation": estate.organisation,
            "page": Paginator(ballots, PAGE_SIZE).get_page(request.GET.get("side")),
            "can_manage": access.can_manage_estate_ballots(p, estate),
        },
    )


@require_http_methods(GET)
def organisation_ballots(request: HttpRequest, cvr: str) -> HttpResponse:
    """``democracy:organisation_ballots``: every estate's ballots, for the organisation's
    staff and board."""
    organisation = access.organisation_for_ballots(request, cvr)
    ballots = selectors.organisation_ballots(organisation)
    return render(
        request,
        "democracy/ballots/admin/organisation_ballots.html",
        {
            "organisation": organisation,
            "page": Paginator(ballots, PAGE_SIZE).get_page(request.GET.get("side")),
        },
    )


# --- creating and editing ----------------------------------------------------------------


def _map_when(exc: ValidationError) -> ValidationError:
    """The services speak of ``opens_at``/``closes_at``; the form has dates and times."""
    if not hasattr(exc, "error_dict"):
        return exc
    names = {"opens_at": "opens_date", "closes_at": "closes_date"}
    return ValidationError({names.get(k, k): v for k, v in exc.error_dict.items()})


@require_http_methods(GET_POST)
def ballot_create(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    """``democracy:ballot_create``: a new ballot, saved as a draft."""
    estate = access.estate_for_ballot_manager(request, cvr, number)
    form = BallotForm(request.POST if request.method == "POST" else None, estate=estate)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ballot = svc.ballot_create(
                actor=request.user,
                estate=estate,
                purpose=data["purpose"],
                kind=data["kind"],
                title=data["title"],
                question=data["question"],
                opens_at=form.when("opens"),
                closes_at=form.when("closes"),
                roll_on=data["roll_on"],
                authorised_by=data["authorised_by"],
                item=data["item"],
                proposal=data["proposal"],
                options=form.option_labels(),
                seats=data["seats"],
                substitute_seats=data["substitute_seats"],
                term_years=data["term_years"],
                visibility=data["visibility"],
            )
        except ValidationError as exc:
            add_service_errors(form, _map_when(exc))
        else:
            messages.success(request, _("Afstemningen er oprettet som kladde."))
            return _detail(ballot)
    return render(
        request,
        "democracy/ballots/admin/ballot_form.html",
        {"form": form, "estate": estate, "organisation": estate.organisation, "ballot": None},
        status=form_status(request, form),
    )


@require_http_methods(GET_POST)
def ballot_edit(request: HttpRequest, ballot_id: uuid.UUID) -> HttpResponse:
    """``democracy:ballot_edit``: a draft's texts, times and result readers."""
    ballot = access.ballot_for_manager(request, ballot_id)
    draft = ballot.state == BallotState.DRAFT
    form = BallotForm(request.POST if request.method == "POST" else None, ballot=ballot)
    if request.method == "POST" and not draft:
        form.is_valid()
        form.add_error(None, _("Afstemningen er åbnet. Kun en kladde kan ændres."))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            svc.ballot_update(
                actor=request.user,
                ballot=ballot,
                title=data["title"],
                question=data["question"],
                opens_at=form.when("opens"),
                closes_at=form.when("closes"),
                visibility=data["visibility"],
                roll_on=data.get("roll_on"),
                seats=data.get("seats"),
                substitute_seats=data.get("substitute_seats") or 0,
                term_years=data.get("term_years"),
            )
        except ValidationError as exc:
            add_service_errors(form, _map_when(exc))
        else:
            messages.success(request, _("Afstemningen er gemt."))
            return _detail(ballot)
    return render(
        request,
        "democracy/ballots/admin/ballot_form.html",
        {
            "form": form,
            "estate": ballot.estate,
            "organisation": ballot.organisation,
            "ballot": ballot,
            "draft": draft,
        },
        status=form_status(request, form),
    )


@require_http_methods(GET_POST)
def ballot_options(request: HttpRequest, ballot_id: uuid.UUID) -> HttpResponse:
    """``democracy:ballot_options``: the paper's options; a draft choose-one ballot's
    choices are added (``label``) and removed (``remove=<position>``) here."""
    ballot = access.ballot_for_manager(request, ballot_id)
    adding = request.method == "POST" and "label" in request.POST
    form = OptionForm(request.POST if adding else None)
    error = ""
    if request.method == "POST":
        try:
            if "remove" in request.POST:
                option = _option(ballot, request.POST.get("remove", ""))
                svc.option_remove(actor=request.user, option=option)
                messages.success(request, _("»%(label)s« er fjernet.") % {"label": option.label})
                return redirect("democracy:ballot_options", ballot_id=ballot.public_id)
            if form.is_valid():
                option = svc.option_add(
                    actor=request.user, ballot=ballot, label=form.cleaned_data["label"]
                )
                messages.success(request, _("»%(label)s« er tilføjet.") % {"label": option.label})
                return redirect("democracy:ballot_options", ballot_id=ballot.public_id)
        except ValidationError as exc:
            if "remove" in request.POST:
                error = " ".join(exc.messages)
            else:
                add_service_errors(form, exc)
        if not error and not form.errors:
            error = _("Skriv svarmuligheden.")
    ballot.refresh_from_db()
    options = selectors.options_of(ballot)
    return render(
        request,
        "democracy/ballots/admin/options.html",
        {
            "ballot": ballot,
            "options": options,
            "form": form,
            "error": error,
            "can_add": ballot.state == BallotState.DRAFT and ballot.kind == BallotKind.CHOICE,
            "removable": {OptionKind.OPTION.value},
        },
        status=400 if request.method == "POST" else 200,
    )


def _option(ballot: Ballot, position: str) -> BallotOption:
    option = None
    if position.isascii() and position.isdigit() and 0 < int(position) <= 32767:
        option = BallotOption.objects.filter(ballot=ballot, position=int(position)).first()
    if option is None:
        raise ValidationError(_("Svarmuligheden findes ikke. Den er måske allerede fjernet."))
    return option


# --- the ballot page -----------------------------------------------------------------------


@require_http_methods(GET)
def ballot_detail(request: HttpRequest, ballot_id: uuid.UUID) -> HttpResponse:
    """``democracy:ballot_detail``: the question, the options, the times and the state;
    while open, how many households have voted (never a figure per option); the result
    once published (to the managers once counted); the managers' next steps."""
    ballot = access.ballot_for_reader(request, ballot_id)
    p = principal(request)
    can_manage = access.can_manage_ballot(p, ballot)
    options = selectors.options_of(ballot)
    show_result = ballot.state == BallotState.PUBLISHED or (
        can_manage and ballot.state == BallotState.COUNTED
    )
    authorised_by = ballot.authorised_by
    if authorised_by is not None and not access.can_read_decision(p, authorised_by):
        authorised_by = None
    decision = ballot.decision
    if decision is not None and not access.can_read_decision(p, decision):
        decision = None
    # The meeting and the proposal behind the vote, for those who may read them.
    meeting = ballot.meeting
    if meeting is not None and not access.can_read_meeting(p, meeting):
        meeting = None
    proposal = ballot.proposal
    user_id = request.user.pk if request.user.is_authenticated else None
    if proposal is not None and not access.can_read_proposal(p, proposal, user_id):
        proposal = None
    return render(
        request,
        "democracy/ballots/admin/ballot_detail.html",
        {
            "ballot": ballot,
            "estate": ballot.estate,
            "organisation": ballot.organisation,
            "options": options,
            "can_manage": can_manage,
            "is_voter": access.can_vote(p, ballot) and ballot.state == BallotState.OPEN,
            "closed_reason": ballots_box.closed_reason(ballot)
            if ballot.state == BallotState.OPEN
            else "",
            "turnout": selectors.turnout(ballot) if ballot.state != BallotState.DRAFT else None,
            "result": selectors.result_rows(ballot, options) if show_result else None,
            "tally": ballot.tally if show_result else None,
            "authorised_by": authorised_by,
            "meeting": meeting,
            "proposal": proposal,
            "authorised_uses": selectors.decision_uses(authorised_by, p),
            "decision": decision,
            "decision_uses": selectors.decision_uses(decision, p),
            "bulletin": access.can_read_bulletin(p, ballot),
            "no_option": selectors.has_no_option(options),
        },
    )


# --- opening and closing -------------------------------------------------------------------


def _step(
    request: HttpRequest,
    ballot: Ballot,
    *,
    template: str,
    refusal: str,
    act: Callable[[], Any],
    done: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """A confirmation page and its confirmed POST."""
    error = ""
    if _confirmed(request):
        try:
            act()
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, done)
            return _detail(ballot)
    return render(
        request,
        template,
        {"ballot": ballot, "refusal": refusal, "error": error, **(context or {})},
        status=400 if error else 200,
    )


@require_http_methods(GET_POST)
def ballot_open(request: HttpRequest, ballot_id: uuid.UUID) -> HttpResponse:
    """``democracy:ballot_open``: open a draft (scheduled, before its opening time)."""
    ballot = access.ballot_for_manager(request, ballot_id)
    return _step(
        request,
        ballot,
        template="democracy/ballots/admin/open.html",
        refusal=svc.open_refusal(ballot),
        act=lambda: svc.ballot_open(actor=request.user, ballot=ballot),
        done=_("Afstemningen er åbnet."),
        context={"options": selectors.options_of(ballot)},
    )


@require_http_methods(GET_POST)
def ballot_close(request: HttpRequest, ballot_id: uuid.UUID) -> HttpResponse:
    """``democracy:ballot_close``: end a vote in the hall, or close a digital one whose
    closing time has passed."""
    ballot = access.ballot_for_manager(request, ballot_id)
    return _step(
        request,
        ballot,
        template="democracy/ballots/admin/close.html",
        refusal=svc.close_refusal(ballot),
        act=lambda: svc.ballot_close_now(actor=request.user, ballot=ballot),
        done=_("Afstemningen er lukket."),
    )


# --- paper votes by post ---------------------------------------------------------------------


@no_store
@require_http_methods(GET_POST)
def ballot_paper(request: HttpRequest, ballot_id: uuid.UUID) -> HttpResponse:
    """``democracy:ballot_paper``: find a household (one search at a time, never a list
    of the roll) and register its postal envelope's votes."""
    ballot = access.ballot_for_manager(request, ballot_id)
    q = (request.GET.get("q") or request.POST.get("q") or "").strip()
    failed_form: EnvelopeForm | None = None
    failed_for = ""
    if request.method == "POST":
        form = EnvelopeForm(request.POST, auto_id="envx_%s")
        failed_for = request.POST.get("household", "")
        if form.is_valid():
            household = selectors.household_by_public_id(form.cleaned_data["household"])
            if household is None:
                form.add_error(None, _("Husstanden findes ikke. Søg den frem igen."))
            else:
                try:
                    svc.paper_received(
                        actor=request.user,
                        ballot=ballot,
                        household=household,
                        votes=form.cleaned_data["votes"],
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(
                        request,
                        _("Brevstemmen fra %(address)s er registreret.")
                        % {"address": household.unit},
                    )
                    response = redirect("democracy:ballot_paper", ballot_id=ballot.public_id)
                    return response
        failed_form = form
    usable = ballot.purpose != BallotPurpose.HALL and ballot.state in (
        BallotState.OPEN,
        BallotState.CLOSED,
    )
    search = selectors.envelope_search(ballot, q) if q and usable else None
    forms_ = []
    for n, hit in enumerate(search.hits if search else []):
        hit_form = EnvelopeForm(
            initial={"household": hit.public_id, "votes": min(2, hit.votes_left) or 1},  # type: ignore[attr-defined]
            auto_id=f"env{n}_%s",
        )
        if failed_form is not None and failed_for == str(hit.public_id):
            hit_form, failed_form = failed_form, None
        forms_.append((hit, hit_form))
    limit, households = svc.count_limit(ballot, "papir")
    return render(
        request,
        "democracy/ballots/admin/paper.html",
        {
            "ballot": ballot,
            "q": q,
            "search": search,
            "hits": forms_,
            "failed_form": failed_form,
            "usable": usable,
            "received_votes": limit,
            "received_households": households,
            "search_min": SEARCH_MIN,
            "search_limit": SEARCH_LIMIT,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- hand counts --------------------------------------------------------------------------------


@require_http_methods(GET_POST)
def ballot_counts(request: HttpRequest, ballot_id: uuid.UUID) -> HttpResponse:
    """``democracy:ballot_counts``: the hand counts and a form to enter one (its check
    is another person's, ``count_check``)."""
    ballot = access.ballot_for_manager(request, ballot_id)
    options = selectors.options_of(ballot)
    channels = [c for c in svc.channels(ballot) if not svc.count_refusal(ballot, c)]
    form = CountForm(
        request.POST if request.method == "POST" else None,
        options=options,
        channels=svc.channels(ballot),
        election=ballot.kind == BallotKind.ELECTION,
    )
    if request.method == "POST" and form.is_valid():
        try:
            svc.count_enter(
                actor=request.user,
                ballot=ballot,
                channel=form.cleaned_data["channel"],
                counts=form.counts(),
                papers=form.cleaned_data.get("papers"),
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Optællingen er tastet ind. En anden skal nu kontrollere den.")
            )
            return redirect("democracy:ballot_counts", ballot_id=ballot.public_id)
    counts = selectors.paper_counts(ballot)
    return render(
        request,
        "democracy/ballots/admin/counts.html",
        {
            "ballot": ballot,
            "form": form,
            "channels": channels,
            "refusals": [svc.count_refusal(ballot, c) for c in svc.channels(ballot)],
            "limits": [(c, *svc.count_limit(ballot, c)) for c in svc.channels(ballot)],
            "counts": [(c, ballots_box.paper_votes(c)) for c in counts],
            "entered": CountStatus.ENTERED,
        },
        status=form_status(request, form),
    )


@require_http_methods(GET_POST)
def count_check(request: HttpRequest, ballot_id: uuid.UUID, count_id: int) -> HttpResponse:
    """``democracy:ballot_count_check``: the second person compares the papers with the
    entered count and confirms (``action=confirm``) or rejects it (``action=reject``)."""
    ballot, count = access.ballot_count_for_manager(request, ballot_id, count_id)
    error = ""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action in ("confirm", "reject"):
        try:
            if action == "confirm":
                svc.count_confirm(actor=request.user, count=count)
                messages.success(request, _("Optællingen er kontrolleret og godkendt."))
            else:
                svc.count_reject(actor=request.user, count=count)
                messages.success(request, _("Optællingen er afvist. Den kan tastes ind igen."))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return redirect("democracy:ballot_counts", ballot_id=ballot.public_id)
    elif request.method == "POST":
        error = _("Vælg, om optællingen godkendes eller afvises.")
    options = selectors.options_of(ballot)
    return render(
        request,
        "democracy/ballots/admin/count_check.html",
        {
            "ballot": ballot,
            "count": count,
            "rows": selectors.count_rows(count, options),
            "votes": ballots_box.paper_votes(count),
            "own": count.entered_by_id == request.user.pk,
            "error": error,
            "entered": CountStatus.ENTERED,
        },
        status=400 if error else 200,
    )


# --- the count and the result -----------------------------------------------------------------


@require_http_methods(GET_POST)
def ballot_count(request: HttpRequest, ballot_id: uuid.UUID) -> HttpResponse:
    """``democracy:ballot_count``: count a closed ballot; a counted one is counted again
    and compared with the stored count."""
    ballot = access.ballot_for_manager(request, ballot_id)
    counted = ballot.state in (BallotState.COUNTED, BallotState.PUBLISHED)
    if counted:
        return _step(
            request,
            ballot,
            template="democracy/ballots/admin/count.html",
            refusal="",
            act=lambda: svc.ballot_recount(actor=request.user, ballot=ballot),
            done=_("Genoptællingen giver samme resultat som optællingen."),
            context={"recount": True},
        )
    return _step(
        request,
        ballot,
        template="democracy/ballots/admin/count.html",
        refusal=svc.count_refusal_of(ballot),
        act=lambda: svc.ballot_count(actor=request.user, ballot=ballot),
        done=_("Afstemningen er talt op. Se resultatet, før det offentliggøres."),
        context={"recount": False},
    )


@require_http_methods(GET_POST)
def ballot_publish(request: HttpRequest, ballot_id: uuid.UUID) -> HttpResponse:
    """``democracy:ballot_publish``: the result becomes a decision of the register and is
    published to the estate (or to everyone, as the ballot says)."""
    ballot = access.ballot_for_manager(request, ballot_id)
    refusal = ""
    preview = ""
    if ballot.state == BallotState.PUBLISHED:
        refusal = _("Resultatet er allerede offentliggjort.")
    elif ballot.state != BallotState.COUNTED:
        refusal = _("Afstemningen skal være talt op, før resultatet kan offentliggøres.")
    else:
        try:
            preview = svc.result_summary(ballot)["text"]
        except (ValidationError, NotImplementedError) as exc:
            refusal = " ".join(getattr(exc, "messages", [str(exc)]))
    return _step(
        request,
        ballot,
        template="democracy/ballots/admin/publish.html",
        refusal=refusal,
        act=lambda: svc.ballot_publish(actor=request.user, ballot=ballot),
        done=_("Resultatet er offentliggjort og står i beslutningsregistret."),
        context={"preview": preview},
    )
