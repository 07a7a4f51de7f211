"""Pages of the meetings part: an estate's meetings, the organisation's calendar and
deadlines, a meeting with its timeline, agenda and material, and the board's forms to
plan it. Thin: access in ``access.py``, state changes in ``services.py`` and
``meetings_services.py``, reads in ``meetings_selectors.py``."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from almen.access.policy import principal
from almen.democracy import access, proposals_services, services
from almen.democracy import meetings_selectors as selectors
from almen.democracy import meetings_services as msvc
from almen.democracy.meetings_forms import (
    ESTATE_MEETING_KINDS,
    ORGANISATION_MEETING_KINDS,
    AgendaItemForm,
    MeetingForm,
    ReasonForm,
    RemoveItemForm,
)
from almen.democracy.models import (
    AgendaItem,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Petition,
    PetitionStatus,
)
from almen.democracy.opendata import democracy_version
from almen.democracy.proposals_selectors import petitions_at_risk
from almen.lib.forms import add_service_errors, form_status
from almen.register.models import Estate, Organisation

PAGE_SIZE = 20
UPCOMING_LIMIT = 50
GET_POST = ["GET", "HEAD", "POST"]


def _detail(meeting: Meeting, anchor: str = "") -> HttpResponse:
    response = redirect("democracy:meeting_detail", meeting_id=meeting.public_id)
    if anchor:
        response["Location"] += anchor
    return response


# --- lists ----------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def estate_meetings(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    """The estate's meetings: upcoming first (soonest first), then past (paginated)."""
    estate = access.estate_for_reader(request, cvr, number)
    p = principal(request)
    now = timezone.now()
    meetings = selectors.estate_meetings(p, estate)
    upcoming = list(
        meetings.filter(starts_at__gte=now).order_by("starts_at", "id")[:UPCOMING_LIMIT]
    )
    past = Paginator(meetings.filter(starts_at__lt=now).order_by("-starts_at", "-id"), PAGE_SIZE)
    due = selectors.ordinary_status([estate])[estate.pk]
    return render(
        request,
        "democracy/meetings/estate_meetings.html",
        {
            "estate": estate,
            "organisation": estate.organisation,
            "upcoming": upcoming,
            "page": past.get_page(request.GET.get("side")),
            "due": due,
            "can_manage": access.can_manage_estate_meetings(p, estate),
            "sees_drafts": selectors.sees_drafts(p, estate),
        },
    )


def _first_month(request: HttpRequest) -> datetime.date:
    raw = request.GET.get("fra", "")
    try:
        day = datetime.date.fromisoformat(f"{raw}-01")
    except ValueError:
        return selectors.month_start(timezone.localdate())
    if not datetime.date(1900, 1, 1) <= day <= datetime.date(2100, 1, 1):
        return selectors.month_start(timezone.localdate())
    return day


CALENDAR_MONTHS = 6


@require_http_methods(["GET", "HEAD"])
def organisation_meetings(request: HttpRequest, cvr: str) -> HttpResponse:
    """The organisation's calendar of meetings by month and its deadlines at risk."""
    organisation = access.organisation_for_reader(request, cvr)
    p = principal(request)
    first = _first_month(request)
    return render(
        request,
        "democracy/meetings/organisation_meetings.html",
        {
            "organisation": organisation,
            # Called by the template only when its cached fragment is missing.
            "months": lambda: selectors.calendar(organisation.pk, first, CALENDAR_MONTHS),
            "first": first,
            "today": timezone.localdate(),
            "version": democracy_version(),
            "previous": selectors.month_start(first, -CALENDAR_MONTHS),
            "next": selectors.month_start(first, CALENDAR_MONTHS),
            "deadlines": lambda: selectors.deadlines_at_risk(organisation.pk),
            "petitions_at_risk": petitions_at_risk(organisation),
            "warn_days": selectors.rules.WARN_AHEAD.days,
            "can_manage": access.can_manage_organisation_meetings(p, organisation.pk),
        },
    )


# --- creating and editing -------------------------------------------------------------


def _petition_to_call(request: HttpRequest, estate: Estate | None) -> Petition | None:
    """The reached petition of ``estate`` that this meeting is called on (the petition
    page links here with ``?underskrifter=<id>``); anything else is ignored."""
    raw = request.GET.get("underskrifter", "")
    if estate is None or not raw:
        return None
    try:
        public_id = uuid.UUID(raw)
    except ValueError:
        return None
    return Petition.objects.filter(
        public_id=public_id, estate=estate, status=PetitionStatus.REACHED
    ).first()


def _create(
    request: HttpRequest,
    *,
    organisation: Organisation,
    estate: Estate | None,
    kinds: tuple[MeetingKind, ...],
) -> HttpResponse:
    petition = _petition_to_call(request, estate)
    initial = (
        {"kind": MeetingKind.EXTRAORDINARY.value, "title": petition.topic} if petition else None
    )
    form = MeetingForm(
        request.POST if request.method == "POST" else None, kinds=kinds, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.when()
        try:
            with transaction.atomic():
                called_on = (
                    petition if form.cleaned_data["kind"] == MeetingKind.EXTRAORDINARY else None
                )
                meeting = services.meeting_create(
                    actor=request.user,
                    organisation=organisation,
                    estate=estate,
                    kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"],
                    starts_at=starts_at,
                    ends_at=ends_at,
                    place=form.cleaned_data["place"],
                    online_url=form.cleaned_data["online_url"],
                    petition=called_on,
                )
                if called_on is not None:
                    proposals_services.petition_mark_called(
                        actor=request.user, petition=called_on, meeting=meeting
                    )
        except ValidationError as exc:
            add_service_errors(form, _map_when(exc))
        else:
            messages.success(request, _("Mødet er oprettet som kladde."))
            return _detail(meeting)
    return render(
        request,
        "democracy/meetings/meeting_form.html",
        {
            "form": form,
            "organisation": organisation,
            "estate": estate,
            "meeting": None,
            "petition": petition,
        },
        status=form_status(request, form),
    )


def _map_when(exc: ValidationError) -> ValidationError:
    """The services speak of ``starts_at``/``ends_at``; the form has date and times."""
    if not hasattr(exc, "error_dict"):
        return exc
    names = {"starts_at": "date", "ends_at": "ends"}
    return ValidationError({names.get(k, k): v for k, v in exc.error_dict.items()})


@require_http_methods(GET_POST)
def meeting_create(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    estate = access.estate_for_manager(request, cvr, number)
    return _create(
        request, organisation=estate.organisation, estate=estate, kinds=ESTATE_MEETING_KINDS
    )


@require_http_methods(GET_POST)
def organisation_meeting_create(request: HttpRequest, cvr: str) -> HttpResponse:
    organisation = access.organisation_for_manager(request, cvr)
    return _create(
        request, organisation=organisation, estate=None, kinds=ORGANISATION_MEETING_KINDS
    )


@require_http_methods(GET_POST)
def meeting_edit(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting = access.meeting_for_manager(request, meeting_id)
    form = MeetingForm(request.POST if request.method == "POST" else None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.when()
        try:
            msvc.meeting_update(
                actor=request.user,
                meeting=meeting,
                title=form.cleaned_data["title"],
                starts_at=starts_at,
                ends_at=ends_at,
                place=form.cleaned_data["place"],
                online_url=form.cleaned_data["online_url"],
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, _map_when(exc))
        else:
            messages.success(request, _("Mødet er gemt."))
            return _detail(meeting)
    return render(
        request,
        "democracy/meetings/meeting_form.html",
        {
            "form": form,
            "organisation": meeting.organisation,
            "estate": meeting.estate,
            "meeting": meeting,
            "closed": meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.HELD),
        },
        status=form_status(request, form),
    )


@require_http_methods(GET_POST)
def meeting_cancel(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """GET asks; a POST with ``confirm=yes`` cancels."""
    meeting = access.meeting_for_manager(request, meeting_id)
    error = ""
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            msvc.meeting_cancel(actor=request.user, meeting=meeting)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Mødet er aflyst."))
            return _detail(meeting)
    return render(
        request,
        "democracy/meetings/cancel.html",
        {"meeting": meeting, "error": error},
        status=400 if error else 200,
    )


# --- the meeting page -----------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def meeting_detail(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting = access.meeting_for_reader(request, meeting_id)
    p = principal(request)
    can_manage = access.can_manage_meeting(p, meeting)
    steps = selectors.timeline_steps(meeting)
    items = list(meeting.items.order_by("position", "id"))
    return render(
        request,
        "democracy/meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "organisation": meeting.organisation,
            "estate": meeting.estate,
            "steps": steps,
            "items": items,
            "minimum": {i.pk for i in items if msvc.is_minimum_item(meeting, i)},
            "can_manage": can_manage,
            "open": meeting.status in (MeetingStatus.DRAFT, MeetingStatus.NOTICED),
            "agenda_fixed": meeting.is_extraordinary and meeting.status != MeetingStatus.DRAFT,
            "material_visible": can_manage or meeting.material_published_at is not None,
            "notice_late": meeting.status == MeetingStatus.DRAFT
            and services.notice_is_late(meeting),
        },
    )


def _reason_page(
    request: HttpRequest,
    meeting: Meeting,
    *,
    template: str,
    late: bool,
    possible: str,
    publish: Any,
    done_message: str,
) -> HttpResponse:
    """The confirmation page of the notice or the material, and its POST."""
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if possible:
            form.is_valid()
            form.add_error(None, possible)
        elif form.is_valid():
            try:
                publish(actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, done_message)
                return _detail(meeting)
    return render(
        request,
        template,
        {
            "meeting": meeting,
            "form": form,
            "late": late,
            "impossible": possible,
            "timeline": meeting.timeline,
            "steps": selectors.timeline_steps(meeting),
        },
        status=form_status(request, form),
    )


@require_http_methods(GET_POST)
def notice_publish(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Publish the notice: a confirmation page, and a reason when it is late."""
    meeting = access.meeting_for_manager(request, meeting_id)
    impossible = ""
    if meeting.status != MeetingStatus.DRAFT:
        impossible = _("Mødet er allerede indkaldt.")
        if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.HELD):
            impossible = _("Mødet er aflyst eller afholdt og kan ikke indkaldes.")
    elif meeting.starts_at < timezone.now():
        impossible = _("Mødet ligger i fortiden og kan ikke indkaldes.")
    return _reason_page(
        request,
        meeting,
        template="democracy/meetings/notice.html",
        late=services.notice_is_late(meeting),
        possible=impossible,
        publish=services.notice_publish,
        done_message=_("Mødet er indkaldt."),
    )


@require_http_methods(GET_POST)
def material_publish(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Publish the material: residents see the meeting's files from now on."""
    meeting = access.meeting_for_manager(request, meeting_id)
    impossible = ""
    if meeting.material_published_at is not None:
        impossible = _("Materialet er allerede offentliggjort.")
    elif meeting.status != MeetingStatus.NOTICED:
        impossible = _("Mødet skal være indkaldt, før materialet kan offentliggøres.")
    return _reason_page(
        request,
        meeting,
        template="democracy/meetings/material.html",
        late=msvc.material_is_late(meeting),
        possible=impossible,
        publish=msvc.material_publish,
        done_message=_("Materialet er offentliggjort."),
    )


# --- the agenda -----------------------------------------------------------------------


# AgendaItem.position is a small integer: a bigger number in the URL is no item (and
# would overflow the database's integer).
MAX_POSITION = 32767


def _item(meeting: Meeting, position: int) -> AgendaItem:
    if position > MAX_POSITION:
        raise Http404
    item = meeting.items.filter(position=position).order_by("id").first()
    if item is None:
        raise Http404
    item.meeting = meeting
    return item


@require_http_methods(GET_POST)
def agenda_item_add(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting = access.meeting_for_manager(request, meeting_id)
    form = AgendaItemForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            msvc.agenda_item_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Punktet er tilføjet dagsordenen."))
            return _detail(meeting, "#dagsorden")
    return render(
        request,
        "democracy/meetings/item_form.html",
        {"meeting": meeting, "form": form, "item": None},
        status=form_status(request, form),
    )


@require_http_methods(GET_POST)
def agenda_item_edit(request: HttpRequest, meeting_id: uuid.UUID, position: int) -> HttpResponse:
    meeting = access.meeting_for_manager(request, meeting_id)
    item = _item(meeting, position)
    form = AgendaItemForm(
        request.POST if request.method == "POST" else None,
        initial={"title": item.title, "description": item.description},
    )
    if request.method == "POST" and form.is_valid():
        try:
            msvc.agenda_item_update(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Punktet er gemt."))
            return _detail(meeting, "#dagsorden")
    return render(
        request,
        "democracy/meetings/item_form.html",
        {"meeting": meeting, "form": form, "item": item},
        status=form_status(request, form),
    )


@require_POST
def agenda_item_move(request: HttpRequest, meeting_id: uuid.UUID, position: int) -> HttpResponse:
    """POST ``direction=up|down`` (buttons on the meeting page)."""
    meeting = access.meeting_for_manager(request, meeting_id)
    item = _item(meeting, position)
    try:
        msvc.agenda_item_move(
            actor=request.user, item=item, direction=request.POST.get("direction", "")
        )
    except ValidationError as exc:
        return render(
            request,
            "democracy/meetings/refused.html",
            {"meeting": meeting, "errors": exc.messages},
            status=400,
        )
    return _detail(meeting, "#dagsorden")


@require_http_methods(GET_POST)
def agenda_item_remove(request: HttpRequest, meeting_id: uuid.UUID, position: int) -> HttpResponse:
    """GET asks (with a warning for a minimum-agenda item); a POST with
    ``confirm=yes`` removes."""
    meeting = access.meeting_for_manager(request, meeting_id)
    item = _item(meeting, position)
    form = RemoveItemForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and request.POST.get("confirm") == "yes":
        try:
            msvc.agenda_item_remove(
                actor=request.user,
                item=item,
                minimum_confirmed=form.cleaned_data["minimum_confirmed"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Punktet er fjernet fra dagsordenen."))
            return _detail(meeting, "#dagsorden")
    return render(
        request,
        "democracy/meetings/item_remove.html",
        {
            "meeting": meeting,
            "item": item,
            "form": form,
            "minimum": msvc.is_minimum_item(meeting, item),
        },
        status=form_status(request, form),
    )
