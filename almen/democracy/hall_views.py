"""The meeting in the hall: thin views over ``hall_services`` (state changes) and
``hall_selectors`` (reads); access in ``access.py``. For the meeting's managers only
(the estate's board, the organisation's staff), on a phone or tablet at the door."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from almen.access.policy import principal
from almen.democracy import access, checkin, hall_selectors, hall_services
from almen.democracy.hall_forms import (
    CandidateForm,
    CheckinForm,
    ElectionForm,
    EstateRulesForm,
    ProxyForm,
    VoteForm,
)
from almen.democracy.models import AgendaItem, AgendaKind, Attendance, Meeting, Outcome
from almen.lib.forms import add_service_errors
from almen.lib.http import no_store
from almen.register.models import Household


def _hall_url(meeting: Meeting, anchor: str = "", **query: str) -> str:
    url = reverse("democracy:hall", args=[meeting.public_id])
    query = {k: v for k, v in query.items() if v}
    if query:
        url += "?" + urlencode(query)
    return url + (f"#{anchor}" if anchor else "")


def _adult_choices(household: Household) -> list[tuple[str, str]]:
    return [(str(r.public_id), r.name) for r in getattr(household, "adults", [])]


def _vote_form(obj: Any, prefix: str) -> VoteForm:
    initial = {
        "votes_for": obj.votes_for,
        "votes_against": obj.votes_against,
        "votes_blank": obj.votes_blank,
        "outcome": obj.outcome or None,
    }
    return VoteForm(initial=initial, auto_id=f"{prefix}_%s")


def _hall_context(
    request: HttpRequest,
    meeting: Meeting,
    *,
    failed: str = "",
    failed_form: forms.Form | None = None,
) -> dict[str, Any]:
    """Everything the hall page shows. ``failed`` names the section whose POST was
    refused (``failed_form`` carries its errors)."""
    closed = hall_services.hall_closed_reason(meeting)
    q = (request.GET.get("q") or request.POST.get("q") or "").strip()
    search = hall_selectors.roll_search(meeting, q) if q and not closed else None
    checkin_forms = []
    if search:
        for n, hit in enumerate(search.hits):
            form: forms.Form = CheckinForm(
                initial={"household": hit.public_id},
                choices=_adult_choices(hit),
                auto_id=f"hh{n}_%s",
            )
            if failed == f"checkin:{hit.public_id}" and failed_form is not None:
                form = failed_form
            checkin_forms.append((hit, form))
    rules = hall_services.proxy_rules(meeting.estate_id)
    proxies_allowed = rules is not None and rules.proxies_allowed
    holder = holder_attendance = proxy_search = None
    proxy_forms = []
    holder_id = request.GET.get("holder") or request.POST.get("holder") or ""
    if proxies_allowed and holder_id and not closed:
        holder = hall_selectors.household_by_public_id(holder_id)
        if holder is not None:
            holder_attendance = hall_selectors.attendance_of(meeting, holder)
        if holder_attendance is None or holder_attendance.holder_id is not None:
            holder = None
        if holder is not None:
            fq = (request.GET.get("fq") or request.POST.get("fq") or "").strip()
            proxy_search = hall_selectors.roll_search(meeting, fq, exclude=holder) if fq else None
            for n, hit in enumerate(proxy_search.hits if proxy_search else []):
                pform: forms.Form = ProxyForm(
                    initial={"holder": holder.public_id, "represented": hit.public_id},
                    auto_id=f"fm{n}_%s",
                )
                if failed == f"proxy:{hit.public_id}" and failed_form is not None:
                    pform = failed_form
                proxy_forms.append((hit, pform))
    items = []
    for item in hall_selectors.hall_items(meeting):
        key = f"item:{item.pk}"
        entry: dict[str, Any] = {"item": item, "key": key}
        if item.kind == AgendaKind.ELECTION:
            candidates = list(item.candidates.all())
            entry["candidate_form"] = (
                failed_form
                if failed == f"candidate:{item.pk}" and failed_form is not None
                else CandidateForm(auto_id=f"ca{item.pk}_%s")
            )
            election = ElectionForm(
                candidates=candidates,
                initial={
                    **{f"votes_{c.pk}": c.votes for c in candidates},
                    "elected": [str(c.pk) for c in candidates if c.elected],
                },
                auto_id=f"el{item.pk}_%s",
            )
            if failed == f"election:{item.pk}" and failed_form is not None:
                election = failed_form  # type: ignore[assignment]
            entry["election_form"] = election
        else:
            entry["vote_form"] = (
                failed_form
                if failed == key and failed_form is not None
                else _vote_form(item, f"it{item.pk}")
            )
            if item.votes_for is not None and item.votes_against is not None:
                entry["computed"] = Outcome(
                    hall_services.computed_outcome(item.votes_for, item.votes_against)
                ).label
        entry["failed"] = failed in {key, f"candidate:{item.pk}", f"election:{item.pk}"}
        entry["amendments"] = [
            (
                amendment,
                failed_form
                if failed == f"amendment:{amendment.pk}" and failed_form is not None
                else _vote_form(amendment, f"am{amendment.pk}"),
                failed == f"amendment:{amendment.pk}",
            )
            for amendment in item.amendments.all()
        ]
        items.append(entry)
    return {
        "meeting": meeting,
        "estate": meeting.estate,
        "count": hall_selectors.hall_count(meeting),
        "closed": closed,
        "q": q,
        "search": search,
        "checkin_forms": checkin_forms,
        "proxies_allowed": proxies_allowed,
        "rules": rules,
        "holder": holder,
        "holder_attendance": holder_attendance,
        "proxy_search": proxy_search,
        "proxy_forms": proxy_forms,
        "items": items,
        "failed": failed,
        "failed_form": failed_form,
        "can_set_rules": access.can_manage_organisation_meetings(
            principal(request), meeting.organisation_id
        ),
        "search_min": hall_selectors.SEARCH_MIN,
        "search_limit": hall_selectors.SEARCH_LIMIT,
    }


def _refused(request: HttpRequest, meeting: Meeting, failed: str, form: forms.Form) -> HttpResponse:
    return render(
        request,
        "democracy/hall/hall.html",
        _hall_context(request, meeting, failed=failed, failed_form=form),
        status=400,
    )


@no_store
@require_GET
def hall(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """``democracy:hall``: the live count, check-in by search, proxies, votes."""
    meeting = access.hall_meeting_for_manager(request, meeting_id)
    return render(request, "democracy/hall/hall.html", _hall_context(request, meeting))


@no_store
@require_GET
def hall_count(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """``democracy:hall_count``: the live count, polled by the hall page (HTMX)."""
    meeting = access.hall_meeting_for_manager(request, meeting_id)
    return render(
        request,
        "democracy/hall/_count.html",
        {"meeting": meeting, "count": hall_selectors.hall_count(meeting)},
    )


def _residents_of(household: Household, chosen: list[str]) -> list[Any]:
    wanted = set(chosen)
    return [r for r in getattr(household, "adults", []) if str(r.public_id) in wanted]


@require_POST
def checkin_search(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """``democracy:hall_checkin``: check in a household found by the search."""
    meeting = access.hall_meeting_for_manager(request, meeting_id)
    household = hall_selectors.household_by_public_id(request.POST.get("household", ""))
    choices = []
    if household is not None:
        household = hall_selectors.household_for_hall(meeting, household)
        choices = _adult_choices(household)
    form = CheckinForm(request.POST, choices=choices, auto_id="hhx_%s")
    if household is None:
        form.add_error(None, gettext("Husstanden findes ikke. Søg den frem igen."))
        return _refused(request, meeting, "checkin", form)
    if form.is_valid():
        try:
            hall_services.attendance_checkin(
                actor=request.user,
                meeting=meeting,
                household=household,
                residents=_residents_of(household, form.cleaned_data["residents"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                gettext("%(address)s er tjekket ind.") % {"address": household.unit},
            )
            return redirect(_hall_url(meeting, "checkin", q=request.POST.get("q", "")))
    return _refused(request, meeting, f"checkin:{household.public_id}", form)


@no_store
@never_cache
@require_http_methods(["GET", "POST"])
def checkin_scan(request: HttpRequest, meeting_id: uuid.UUID, token: str) -> HttpResponse:
    """``democracy:checkin_scan``: the QR code of the notice letter. GET shows the
    household and asks; POST checks it in."""
    meeting = access.hall_meeting_for_manager(request, meeting_id)
    household_id = checkin.checkin_household_id(meeting_id=meeting.public_id, token=token)
    household = hall_selectors.household_by_public_id(household_id) if household_id else None
    if household is None:
        return render(request, "democracy/hall/scan_invalid.html", {"meeting": meeting}, status=400)
    household = hall_selectors.household_for_hall(meeting, household)
    context: dict[str, Any] = {
        "meeting": meeting,
        "household": household,
        "closed": hall_services.hall_closed_reason(meeting),
        "on_roll": hall_selectors.on_roll(meeting, household),
        "attendance": hall_selectors.attendance_of(meeting, household),
        "token": token,
    }
    if not context["on_roll"]:
        return render(request, "democracy/hall/scan.html", context, status=400)
    form = CheckinForm(
        request.POST if request.method == "POST" else None,
        initial={"household": household.public_id},
        choices=_adult_choices(household),
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["household"] != household.public_id:
            form.add_error(None, gettext("Koden og husstanden passer ikke sammen."))
        else:
            try:
                hall_services.attendance_checkin(
                    actor=request.user,
                    meeting=meeting,
                    household=household,
                    residents=_residents_of(household, form.cleaned_data["residents"]),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    gettext("%(address)s er tjekket ind.") % {"address": household.unit},
                )
                return redirect(_hall_url(meeting, "checkin"))
    context["form"] = form
    status = 400 if request.method == "POST" else 200
    return render(request, "democracy/hall/scan.html", context, status=status)


@require_POST
def attendance_undo(
    request: HttpRequest, meeting_id: uuid.UUID, attendance_id: int
) -> HttpResponse:
    """``democracy:hall_undo``: the first POST asks; the second (``confirm=yes``) undoes."""
    meeting, attendance = access.hall_attendance_for_manager(request, meeting_id, attendance_id)
    error = ""
    if request.POST.get("confirm") == "yes":
        try:
            hall_services.attendance_undo(actor=request.user, attendance=attendance)
        except ValidationError as e:
            error = " ".join(e.messages)
        else:
            messages.success(
                request,
                gettext("Tjek-ind for %(address)s er fortrudt.")
                % {"address": attendance.household.unit},
            )
            return redirect(_hall_url(meeting, "checkin", q=request.POST.get("q", "")))
    proxies = (
        list(Attendance.objects.filter(holder=attendance).select_related("household__unit"))
        if attendance.holder_id is None
        else []
    )
    return render(
        request,
        "democracy/hall/undo.html",
        {
            "meeting": meeting,
            "attendance": attendance,
            "proxies": proxies,
            "error": error,
            "q": request.POST.get("q", ""),
        },
        status=400 if error else 200,
    )


@require_POST
def proxy(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """``democracy:hall_proxy``: a present household carries a proxy for another."""
    meeting = access.hall_meeting_for_manager(request, meeting_id)
    form = ProxyForm(request.POST, auto_id="fmx_%s")
    represented_id = request.POST.get("represented", "")
    if form.is_valid():
        holder = hall_selectors.household_by_public_id(form.cleaned_data["holder"])
        represented = hall_selectors.household_by_public_id(form.cleaned_data["represented"])
        if holder is None or represented is None:
            form.add_error(None, gettext("Husstanden findes ikke. Søg den frem igen."))
        else:
            try:
                hall_services.proxy_register(
                    actor=request.user,
                    meeting=meeting,
                    holder=holder,
                    represented=represented,
                    shown=form.cleaned_data["shown"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    gettext("%(holder)s stemmer også for %(represented)s.")
                    % {"holder": holder.unit, "represented": represented.unit},
                )
                return redirect(_hall_url(meeting, "checkin"))
    return _refused(request, meeting, f"proxy:{represented_id}", form)


def _vote_values(form: VoteForm) -> dict[str, Any]:
    return {
        "votes_for": form.cleaned_data["votes_for"],
        "votes_against": form.cleaned_data["votes_against"],
        "votes_blank": form.cleaned_data["votes_blank"],
        "outcome": form.cleaned_data["outcome"],
    }


@require_POST
def item_vote(request: HttpRequest, meeting_id: uuid.UUID, item_id: int) -> HttpResponse:
    """``democracy:hall_item_vote``: the show of hands on an agenda item."""
    meeting, item = access.hall_item_for_manager(request, meeting_id, item_id)
    form = VoteForm(request.POST, auto_id=f"it{item.pk}_%s")
    if form.is_valid():
        try:
            hall_services.item_vote_record(actor=request.user, item=item, **_vote_values(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                gettext("Resultatet af punkt %(n)s er registreret: %(outcome)s.")
                % {"n": item.position, "outcome": Outcome(form.cleaned_data["outcome"]).label},
            )
            return redirect(_hall_url(meeting, f"item-{item.pk}"))
    return _refused(request, meeting, f"item:{item.pk}", form)


@require_POST
def amendment_vote(request: HttpRequest, meeting_id: uuid.UUID, amendment_id: int) -> HttpResponse:
    """``democracy:hall_amendment_vote``: the show of hands on an amendment."""
    meeting, amendment = access.hall_amendment_for_manager(request, meeting_id, amendment_id)
    form = VoteForm(request.POST, auto_id=f"am{amendment.pk}_%s")
    if form.is_valid():
        try:
            hall_services.amendment_vote_record(
                actor=request.user, amendment=amendment, **_vote_values(form)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("Resultatet af ændringsforslaget er registreret."))
            return redirect(_hall_url(meeting, f"item-{amendment.item_id}"))
    return _refused(request, meeting, f"amendment:{amendment.pk}", form)


def _election_item(
    request: HttpRequest, meeting_id: uuid.UUID, item_id: int
) -> tuple[Meeting, AgendaItem]:
    return access.hall_item_for_manager(request, meeting_id, item_id)


@require_POST
def candidate_add(request: HttpRequest, meeting_id: uuid.UUID, item_id: int) -> HttpResponse:
    """``democracy:hall_candidate_add``: a candidate stands at an election item."""
    meeting, item = _election_item(request, meeting_id, item_id)
    form = CandidateForm(request.POST, auto_id=f"ca{item.pk}_%s")
    if form.is_valid():
        try:
            candidate = hall_services.candidate_add(
                actor=request.user,
                item=item,
                name=form.cleaned_data["name"],
                post=form.cleaned_data["post"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("%(name)s stiller op.") % {"name": candidate.name})
            return redirect(_hall_url(meeting, f"item-{item.pk}"))
    return _refused(request, meeting, f"candidate:{item.pk}", form)


@require_POST
def election(request: HttpRequest, meeting_id: uuid.UUID, item_id: int) -> HttpResponse:
    """``democracy:hall_election``: each candidate's votes and who was elected."""
    meeting, item = _election_item(request, meeting_id, item_id)
    form = ElectionForm(
        request.POST, candidates=list(item.candidates.all()), auto_id=f"el{item.pk}_%s"
    )
    if form.is_valid():
        try:
            hall_services.election_record(
                actor=request.user, item=item, votes=form.votes(), elected=form.elected_ids()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, gettext("Valget under punkt %(n)s er registreret.") % {"n": item.position}
            )
            return redirect(_hall_url(meeting, f"item-{item.pk}"))
    return _refused(request, meeting, f"election:{item.pk}", form)


@require_POST
def close(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """``democracy:hall_close``: the first POST asks; the second (``confirm=yes``)
    marks the meeting held."""
    meeting = access.hall_meeting_for_manager(request, meeting_id)
    error = ""
    if request.POST.get("confirm") == "yes":
        try:
            hall_services.meeting_close(actor=request.user, meeting=meeting)
        except ValidationError as e:
            error = " ".join(e.messages)
        else:
            messages.success(request, gettext("Mødet er afsluttet og markeret som afholdt."))
            return redirect(_hall_url(meeting))
    return render(
        request,
        "democracy/hall/close.html",
        {
            "meeting": meeting,
            "count": hall_selectors.hall_count(meeting),
            "unrecorded": [i for i in hall_selectors.hall_items(meeting) if not i.outcome],
            "error": error,
        },
        status=400 if error else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def estate_rules(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    """``democracy:estate_rules``: what the estate's meeting decided about proxies
    and two ordinary meetings (the organisation's staff record it)."""
    estate = access.estate_for_staff(request, cvr, number)
    current = hall_services.proxy_rules(estate.pk)
    initial: dict[str, Any] = {"proxy_cap": 1}
    if current is not None:
        initial = {
            "proxies_allowed": current.proxies_allowed,
            "proxy_cap": current.proxy_cap,
            "proxy_decision": current.proxy_decision.public_id if current.proxy_decision else None,
            "two_ordinary_meetings": current.two_ordinary_meetings,
        }
    form = EstateRulesForm(
        request.POST if request.method == "POST" else None, initial=initial, estate_id=estate.pk
    )
    if request.method == "POST" and form.is_valid():
        try:
            hall_services.estate_rules_set(
                actor=request.user,
                estate=estate,
                proxies_allowed=form.cleaned_data["proxies_allowed"],
                proxy_cap=form.cleaned_data["proxy_cap"],
                proxy_decision=form.cleaned_data["proxy_decision"],
                two_ordinary_meetings=form.cleaned_data["two_ordinary_meetings"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("Afdelingens regler for møderne er gemt."))
            return redirect(
                "democracy:estate_rules", cvr=estate.organisation.cvr, number=estate.number
            )
    return render(
        request,
        "democracy/hall/estate_rules.html",
        {"estate": estate, "organisation": estate.organisation, "form": form, "current": current},
        status=400 if request.method == "POST" else 200,
    )
