"""Thin views of the minutes and the decision register: fetch-and-authorise in
``access.py``, state changes in ``minutes_services.py``, reads in
``minutes_selectors.py``."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from almen.access.policy import principal
from almen.democracy import access, minutes_print, minutes_services, minutes_text
from almen.democracy import minutes_selectors as selectors
from almen.democracy.minutes_forms import DecisionForm, MinutesForm, PublishForm, RegisterFilterForm
from almen.democracy.models import Meeting, Minutes
from almen.lib.forms import add_service_errors, form_status
from almen.register.models import Estate, Organisation

PAGE_SIZE = 25


# --- minutes -------------------------------------------------------------------------


def _late(meeting: Meeting) -> bool:
    return minutes_services.minutes_is_late(meeting)


@require_GET
def minutes(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """The minutes: published ones for every reader of the meeting; the draft, too,
    for those who manage it."""
    meeting = access.meeting_for_reader(request, meeting_id)
    p = principal(request)
    can_manage = access.can_manage_meeting(p, meeting)
    record = selectors.minutes_of(meeting)
    published = record is not None and record.published_at is not None
    shown = record if (published or can_manage) else None
    return render(
        request,
        "democracy/minutes/minutes.html",
        {
            "meeting": meeting,
            "minutes": shown,
            "published": published,
            "blocks": minutes_text.blocks(shown.text) if shown else [],
            "can_manage": can_manage,
            "minutes_by": meeting.timeline.minutes_by,
            "late": not published and _late(meeting),
            "held": meeting.starts_at <= timezone.now(),
        },
    )


@require_http_methods(["GET", "POST"])
def minutes_edit(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting = access.meeting_for_manager(request, meeting_id)
    record = selectors.minutes_of(meeting)
    initial = {"text": record.text if record else minutes_services.draft_text(meeting)}
    form = MinutesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            minutes_services.minutes_update(
                actor=request.user, meeting=meeting, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Referatet er gemt."))
            return redirect("democracy:minutes", meeting.public_id)
    return render(
        request,
        "democracy/minutes/edit.html",
        {"meeting": meeting, "form": form, "minutes": record},
        status=form_status(request, form),
    )


@require_POST
def minutes_draft(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """ "Lav udkast": the text from the meeting's record. Replacing a saved text asks
    first (``confirm=yes``)."""
    meeting = access.meeting_for_manager(request, meeting_id)
    record = selectors.minutes_of(meeting)
    if record is not None and record.published_at is not None:
        return render(
            request,
            "democracy/minutes/draft_confirm.html",
            {"meeting": meeting, "minutes": record, "refused": True},
            status=400,
        )
    if record is not None and request.POST.get("confirm") != "yes":
        return render(
            request, "democracy/minutes/draft_confirm.html", {"meeting": meeting, "minutes": record}
        )
    try:
        minutes_services.minutes_draft(actor=request.user, meeting=meeting)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return render(
            request,
            "democracy/minutes/draft_confirm.html",
            {"meeting": meeting, "minutes": record, "refused": True},
            status=400,
        )
    messages.success(request, _("Udkastet er lavet ud fra mødets dagsorden og resultater."))
    return redirect("democracy:minutes_edit", meeting.public_id)


@require_http_methods(["GET", "POST"])
def minutes_publish(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """The confirmation (GET) and the publication (POST)."""
    meeting = access.meeting_for_manager(request, meeting_id)
    record = selectors.minutes_of(meeting)
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            minutes_services.minutes_publish(
                actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Referatet er offentliggjort, og beboerne får besked om det.")
            )
            return redirect("democracy:minutes", meeting.public_id)
    return render(
        request,
        "democracy/minutes/publish.html",
        {
            "meeting": meeting,
            "minutes": record,
            "form": form,
            "late": _late(meeting),
            "minutes_by": meeting.timeline.minutes_by,
            "held": meeting.starts_at <= timezone.now(),
        },
        status=form_status(request, form),
    )


def _printable(request: HttpRequest, meeting_id: uuid.UUID) -> minutes_print.MinutesPack:
    """Published minutes for every reader of the meeting; for those who manage it the
    draft (or, before there is one, the automatic draft), marked as a draft."""
    meeting = access.meeting_for_reader(request, meeting_id)
    record: Minutes | None = selectors.minutes_of(meeting)
    published = record is not None and record.published_at is not None
    if not published and not access.can_manage_meeting(principal(request), meeting):
        raise Http404
    text = record.text if record else minutes_services.draft_text(meeting)
    return minutes_print.pack_for(
        meeting,
        text=text,
        draft=not published,
        published_at=record.published_at if record else None,
    )


@require_GET
def minutes_pdf(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    pack = _printable(request, meeting_id)
    response = HttpResponse(minutes_print.render_pdf(pack), content_type=minutes_print.PDF)
    response["Content-Disposition"] = minutes_print.disposition(pack, "pdf")
    return response


@require_GET
def minutes_docx(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    pack = _printable(request, meeting_id)
    response = HttpResponse(minutes_print.render_docx(pack), content_type=minutes_print.DOCX)
    response["Content-Disposition"] = minutes_print.disposition(pack, "docx")
    return response


# --- the decision register -----------------------------------------------------------


def _register(
    request: HttpRequest,
    *,
    organisation: Organisation,
    estate: Estate | None,
    can_record: bool,
) -> HttpResponse:
    p = principal(request)
    estates = None if estate is not None else list(organisation.estates.order_by("number"))
    form = RegisterFilterForm(request.GET or None, estates=estates)
    rows = access.visible_decisions(p).filter(organisation=organisation)
    if estate is not None:
        rows = rows.filter(estate=estate)
    filters = form.filters()
    if "estate" in filters:
        rows = rows.filter(estate_id=filters["estate"])
    if "forum" in filters:
        rows = rows.filter(forum=filters["forum"])
    if "year" in filters:
        rows = rows.filter(decided_on__year=filters["year"])
    page = Paginator(selectors.register_rows(rows), PAGE_SIZE).get_page(request.GET.get("side"))
    params = request.GET.copy()
    params.pop("side", None)
    return render(
        request,
        "democracy/minutes/register.html",
        {
            "organisation": organisation,
            "estate": estate,
            "form": form,
            "page": page,
            "querystring": params.urlencode(),
            "can_record": can_record,
            "filtered": bool(filters),
        },
        status=400 if form.errors else 200,
    )


@require_GET
def organisation_decisions(request: HttpRequest, cvr: str) -> HttpResponse:
    organisation = access.organisation_for_reader(request, cvr)
    return _register(
        request,
        organisation=organisation,
        estate=None,
        can_record=access.can_manage_organisation_meetings(principal(request), organisation.pk),
    )


@require_GET
def estate_decisions(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    estate = access.estate_for_reader(request, cvr, number)
    return _register(
        request,
        organisation=estate.organisation,
        estate=estate,
        can_record=access.can_manage_estate_meetings(principal(request), estate),
    )


def _record(
    request: HttpRequest, *, organisation: Organisation, estate: Estate | None
) -> HttpResponse:
    form = DecisionForm(
        request.POST or None, estate=estate, initial={"decided_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = minutes_services.decision_record(
                actor=request.user,
                organisation=organisation,
                estate=estate,
                forum=data["forum"],
                decided_on=data["decided_on"],
                title=data["title"],
                text=data["text"],
                readers=data["readers"],
                votes_for=data["votes_for"],
                votes_against=data["votes_against"],
                votes_blank=data["votes_blank"],
                outcome=data["outcome"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Beslutningen er registreret."))
            return redirect("democracy:decision_detail", decision.public_id)
    return render(
        request,
        "democracy/minutes/decision_form.html",
        {"organisation": organisation, "estate": estate, "form": form},
        status=form_status(request, form),
    )


@require_http_methods(["GET", "POST"])
def organisation_decision_create(request: HttpRequest, cvr: str) -> HttpResponse:
    organisation = access.organisation_for_manager(request, cvr)
    return _record(request, organisation=organisation, estate=None)


@require_http_methods(["GET", "POST"])
def estate_decision_create(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    estate = access.estate_for_manager(request, cvr, number)
    return _record(request, organisation=estate.organisation, estate=estate)
