"""The notices' pages: who was notified of a meeting (and how), sending the notices,
the paper letters' PDF with its progress, and the meeting as a calendar file.

Fetch-and-authorise in ``access.py``; state changes in ``notices_services.py``. The
estate board sends the notices and sees counts and unit numbers; the organisation's
staff also see the addresses and make, and download, the printed letters."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from almen.access.policy import principal
from almen.democracy import access, notices_ics, notices_letters, notices_services
from almen.democracy.models import (
    Meeting,
    MeetingStatus,
    NoticeDelivery,
    NoticeJob,
    NoticeJobStatus,
    NoticeKind,
)

PER_PAGE = 50


def _kind(request: HttpRequest) -> str:
    value = request.GET.get("slags", NoticeKind.NOTICE)
    return value if value in NoticeKind.values else NoticeKind.NOTICE


def _page_context(request: HttpRequest, meeting: Meeting, kind: str) -> dict[str, object]:
    staff = access.can_read_notice_addresses(principal(request), meeting)
    deliveries = (
        NoticeDelivery.objects.filter(meeting=meeting, kind=kind)
        .select_related("household__unit")
        .only("channel", "address", "recorded_at", "household__unit__number")
        .order_by("household__unit__number", "channel", "pk")
    )
    summary = notices_services.notices_summary(meeting, kind)
    return {
        "meeting": meeting,
        "organisation": meeting.organisation,
        "estate": meeting.estate,
        "kind": kind,
        "kinds": NoticeKind.choices,
        "summary": summary,
        "page": Paginator(deliveries, PER_PAGE).get_page(request.GET.get("side")),
        "staff": staff,
        "job": (NoticeJob.objects.filter(meeting=meeting, kind=kind).first() if staff else None),
        "may_send": kind == NoticeKind.NOTICE
        and meeting.status == MeetingStatus.NOTICED
        and summary.missing > 0,
    }


def _residents_meeting_for_manager(request: HttpRequest, meeting_id: uuid.UUID) -> Meeting:
    meeting = access.meeting_for_manager(request, meeting_id)
    if not meeting.is_residents_meeting:
        raise Http404  # only an afdelingsmøde is sent to the households
    return meeting


@require_http_methods(["GET", "HEAD"])
def notices(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """How many households, how many by e-mail and on paper, when; who (by unit, and
    for staff by address), and the letters."""
    meeting = _residents_meeting_for_manager(request, meeting_id)
    return render(
        request, "democracy/notices/page.html", _page_context(request, meeting, _kind(request))
    )


@require_http_methods(["GET", "POST"])
def notices_send(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """GET (or a POST without ``confirm``): what sending will do; POST with
    ``confirm=yes``: send."""
    meeting = _residents_meeting_for_manager(request, meeting_id)
    summary = notices_services.notices_summary(meeting)
    context: dict[str, object] = {
        "meeting": meeting,
        "organisation": meeting.organisation,
        "estate": meeting.estate,
        "summary": summary,
        "errors": [],
    }
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            result = notices_services.notices_send(actor=request.user, meeting=meeting)
        except ValidationError as exc:
            context["errors"] = exc.messages
            return render(request, "democracy/notices/send.html", context, status=400)
        if result.emails or result.paper:
            messages.success(
                request,
                _(
                    "Indkaldelsen er sendt: %(emails)d husstande får den på e-mail, "
                    "%(paper)d på papir."
                )
                % {"emails": result.emails, "paper": result.paper},
            )
        else:
            messages.info(request, _("Alle husstande har allerede fået indkaldelsen."))
        return redirect("democracy:notices", meeting_id=meeting.public_id)
    return render(request, "democracy/notices/send.html", context)


@require_POST
def letters_make(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Render the paper letters (again): a job, polled on its page."""
    meeting = access.meeting_for_letters(request, meeting_id)
    kind = request.POST.get("kind", NoticeKind.NOTICE)
    try:
        job = notices_services.notice_job_create(actor=request.user, meeting=meeting, kind=kind)
    except ValidationError as exc:
        context = _page_context(request, meeting, NoticeKind.NOTICE)
        context["errors"] = exc.messages
        return render(request, "democracy/notices/page.html", context, status=400)
    return redirect("democracy:notice_job", meeting_id=meeting.public_id, job_id=job.public_id)


def _job(request: HttpRequest, meeting_id: uuid.UUID, job_id: uuid.UUID) -> NoticeJob:
    meeting = access.meeting_for_letters(request, meeting_id)
    job = NoticeJob.objects.filter(meeting=meeting, public_id=job_id).first()
    if job is None:
        raise Http404
    job.meeting = meeting
    return job


@require_http_methods(["GET", "HEAD"])
def notice_job(request: HttpRequest, meeting_id: uuid.UUID, job_id: uuid.UUID) -> HttpResponse:
    """The letters being made: a progress bar (polled), then the download."""
    job = _job(request, meeting_id, job_id)
    context = {
        "job": job,
        "meeting": job.meeting,
        "organisation": job.meeting.organisation,
        "estate": job.meeting.estate,
    }
    if getattr(request, "htmx", False):
        return render(request, "democracy/notices/job.html#progress", context)
    return render(request, "democracy/notices/job.html", context)


@require_http_methods(["GET", "HEAD"])
def notice_job_download(
    request: HttpRequest, meeting_id: uuid.UUID, job_id: uuid.UUID
) -> FileResponse:
    job = _job(request, meeting_id, job_id)
    if job.status != NoticeJobStatus.DONE or not job.file:
        raise Http404
    day = timezone.localdate(job.finished_at) if job.finished_at else timezone.localdate()
    name = f"breve-{job.kind}-afdeling-{job.meeting.estate.number if job.meeting.estate else 0}"
    response = FileResponse(job.file.open("rb"), as_attachment=True, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}-{day:%Y-%m-%d}.pdf"'
    return response


@require_http_methods(["GET", "HEAD"])
def meeting_ics(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """The meeting for one's calendar (RFC 5545), for everyone who may read it."""
    meeting = access.meeting_for_reader(request, meeting_id)
    url = notices_letters.meeting_url(meeting)
    response = HttpResponse(
        notices_ics.meeting_ics(meeting, url=url), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="moede-{meeting.meeting_on}.ics"'
    return response
