"""Notices to every household (issue 8, item 2): e-mail through the outbox where the
household can be reached digitally, a printed letter for the rest, and a record of who
was notified, by which channel, and when (``NoticeDelivery``).

A household gets **paper** when it is exempt from digital mail (``paper_mail``), when
none of its residents has an e-mail address, or when every resident with one has turned
this kind of message off (the law asks that every household is notified, so turning the
e-mail off means a letter, not silence). Everyone else gets **e-mail**: each resident
with an address (a login's address, else the one the administration has).

The same function sends the material and the minutes (``kind``): each kind has its own
notification kind and letter text. Everything is done in bulk, in a number of queries
that does not grow with the estate: a 2,000-household estate is one read of the roll,
one of its residents, one of preferences, and a few multi-row inserts.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from almen.audit.services import audit_record
from almen.democracy import notices_letters as letters
from almen.democracy import services
from almen.democracy.models import (
    AgendaItem,
    Channel,
    Meeting,
    MeetingStatus,
    NoticeDelivery,
    NoticeJob,
    NoticeJobStatus,
    NoticeKind,
)
from almen.notify.services import Message, notify_bulk, preferences_off
from almen.register.models import Household, Resident

logger = logging.getLogger(__name__)

# The notification kind (and so the e-mail's template) of each kind of notice.
NOTIFICATION_OF_KIND = {
    NoticeKind.NOTICE: "democracy.notice",
    NoticeKind.MATERIAL: "democracy.material_published",
    # The minutes' own kind (minutes_manifest.py): one message whether the minutes part
    # tells the residents with logins or this sends to every household.
    NoticeKind.MINUTES: "democracy.minutes_ready",
}
# The meeting states in which each kind may be sent.
SENDABLE = {
    NoticeKind.NOTICE: {MeetingStatus.NOTICED},
    NoticeKind.MATERIAL: {MeetingStatus.NOTICED},
    NoticeKind.MINUTES: {MeetingStatus.NOTICED, MeetingStatus.HELD},
}
ADDRESS_MAX = 254


@dataclass(frozen=True)
class SendResult:
    households: int  # on the roll
    emails: int  # households notified by e-mail now
    paper: int  # households that need a letter, recorded now
    already: int  # households notified of this before (nothing sent again)
    messages: int  # e-mails queued now
    job: NoticeJob | None  # the letters being rendered, if any are needed


def _when(meeting: Meeting) -> str:
    starts = timezone.localtime(meeting.starts_at)
    day = date_format(starts, "l j. F Y")
    return _("%(day)s kl. %(time)s") % {"day": day[:1].upper() + day[1:], "time": f"{starts:%H.%M}"}


def email_context(meeting: Meeting, kind: str) -> dict[str, Any]:
    """What the e-mail of every household says (the same for all: one dict, stored
    with each message). Dates are written out now, in the site's language."""
    timeline = meeting.timeline
    with translation.override(settings.LANGUAGE_CODE):
        agenda = list(
            AgendaItem.objects.filter(meeting=meeting)
            .order_by("position", "id")
            .values_list("title", flat=True)
        )
        return {
            "title": meeting.title,
            "meeting_kind": str(meeting.get_kind_display()),
            "estate": meeting.estate.name if meeting.estate else "",
            "organisation": meeting.organisation.name,
            "when": _when(meeting),
            "place": meeting.place,
            "online_url": meeting.online_url,
            "agenda": agenda,
            "notice_day": date_format(
                timezone.localdate(meeting.notice_published_at or timezone.now()), "j. F Y"
            ),
            "proposals_by": (
                date_format(timeline.proposals_by, "l j. F Y") if timeline.proposals_by else ""
            ),
            "material_by": date_format(timeline.material_by, "j. F Y")
            if timeline.material_by
            else "",
            "extraordinary": meeting.is_extraordinary,
            "contact_email": meeting.organisation.contact_email,
            "meeting_url": letters.meeting_url(meeting),
            "ics_url": letters.ics_url(meeting),
            "login_url": letters.login_url(),
            # What the minutes' message (democracy.minutes_ready) names.
            "day": f"{meeting.meeting_on:%d-%m-%Y}",
            "path": reverse(
                "democracy:minutes" if kind == NoticeKind.MINUTES else "democracy:meeting_detail",
                args=[meeting.public_id],
            ),
        }


def _check_sendable(meeting: Meeting, kind: str) -> None:
    if kind not in NOTIFICATION_OF_KIND:
        raise ValidationError(_("Ukendt slags udsendelse."))
    if not meeting.is_residents_meeting or meeting.estate_id is None:
        raise ValidationError(_("Kun afdelingsmøder sendes ud til husstandene."))
    if meeting.status not in SENDABLE[NoticeKind(kind)]:
        if meeting.status == MeetingStatus.DRAFT:
            raise ValidationError(_("Mødet er ikke indkaldt endnu. Indkald mødet først."))
        raise ValidationError(_("Mødet er aflyst eller afholdt; der sendes ikke ud."))


def _joined(addresses: list[str]) -> str:
    text = ", ".join(addresses)
    if len(text) <= ADDRESS_MAX:
        return text
    return addresses[0][: ADDRESS_MAX - 8] + " m.fl."


@transaction.atomic
def notices_send(
    *, actor: Any, meeting: Meeting, kind: str = NoticeKind.NOTICE, letters_job: bool = True
) -> SendResult:
    """Notify every household on the meeting's roll of ``kind`` (the notice, the
    material or the minutes) once: e-mail where it can, paper for the rest, a
    ``NoticeDelivery`` for each. Households already notified of this kind are left
    alone, so a second call sends nothing twice. With households on paper (and
    ``letters_job``), their letters' PDF is rendered in the background."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("organisation", "estate")
        .get(pk=meeting.pk)
    )
    _check_sendable(meeting, kind)
    roll = services.roll(meeting)
    households = list(
        roll.select_related("unit").only(
            "pk", "public_id", "paper_mail", "unit__number", "unit__address"
        )
    )
    done = set(
        NoticeDelivery.objects.filter(meeting=meeting, kind=kind).values_list(
            "household_id", flat=True
        )
    )
    todo = [h for h in households if h.pk not in done]
    todo_ids = {h.pk for h in todo}
    # Each resident's address: their login's if they have one that works, else the
    # one the administration has.
    reachable: dict[int, list[tuple[int | None, str]]] = defaultdict(list)
    residents = (
        Resident.objects.filter(household__in=roll, anonymised_at__isnull=True)
        .filter(Q(user__is_active=True, user__email__gt="") | ~Q(email=""))
        .values_list("household_id", "email", "user_id", "user__email", "user__is_active")
    )
    for household_id, email, user_id, user_email, active in residents:
        if household_id not in todo_ids:
            continue
        if user_id and active and user_email:
            reachable[household_id].append((user_id, user_email))
        elif email:
            reachable[household_id].append((None, email.strip().lower()))
    notification = NOTIFICATION_OF_KIND[NoticeKind(kind)]
    off_users, off_addresses = preferences_off(
        notification,
        user_ids=[u for rs in reachable.values() for u, _a in rs if u],
        addresses=[a for rs in reachable.values() for u, a in rs if not u],
    )
    context = email_context(meeting, kind)
    now = timezone.now()
    deliveries: list[NoticeDelivery] = []
    messages: list[Message] = []
    for household in todo:
        seen: set[str] = set()
        recipients = []
        for uid, address in reachable.get(household.pk, []):
            if address.lower() in seen:
                continue
            if (uid and uid in off_users) or (not uid and address in off_addresses):
                continue
            seen.add(address.lower())
            recipients.append((uid, address))
        if household.paper_mail or not recipients:
            unit = household.unit
            deliveries.append(
                NoticeDelivery(
                    meeting=meeting,
                    household=household,
                    kind=kind,
                    channel=Channel.PAPER,
                    address=(unit.address or unit.number)[:ADDRESS_MAX],
                    recorded_at=now,
                )
            )
            continue
        deliveries.append(
            NoticeDelivery(
                meeting=meeting,
                household=household,
                kind=kind,
                channel=Channel.EMAIL,
                address=_joined([a for _u, a in recipients]),
                recorded_at=now,
            )
        )
        key = f"meeting:{meeting.public_id}:household:{household.public_id}"
        messages.extend(
            Message(kind=notification, key=key, address=a, user_id=u, context=context)
            for u, a in recipients
        )
    NoticeDelivery.objects.bulk_create(deliveries, batch_size=500, ignore_conflicts=True)
    queued = notify_bulk(messages)
    paper = sum(1 for d in deliveries if d.channel == Channel.PAPER)
    emails = len(deliveries) - paper
    audit_record(
        actor=actor,
        action="democracy.notices_send",
        obj=meeting,
        organisation_id=meeting.organisation_id,
        after={"kind": kind, "emails": emails, "paper": paper, "already": len(done)},
    )
    job = None
    if paper and letters_job:
        job = notice_job_create(actor=actor, meeting=meeting, kind=kind)
    return SendResult(
        households=len(households),
        emails=emails,
        paper=paper,
        already=len(households) - len(todo),
        messages=queued,
        job=job,
    )


@dataclass(frozen=True)
class Summary:
    households: int  # on the roll
    emails: int
    paper: int
    first_sent_at: Any
    last_sent_at: Any

    @property
    def notified(self) -> int:
        return self.emails + self.paper

    @property
    def missing(self) -> int:
        return max(self.households - self.notified, 0)


def notices_summary(meeting: Meeting, kind: str = NoticeKind.NOTICE) -> Summary:
    """Counts for the notices page: two queries."""
    households = services.roll(meeting).count()
    rows = (
        NoticeDelivery.objects.filter(meeting=meeting, kind=kind)
        .values("channel")
        .annotate(n=Count("id"), first=Min("recorded_at"), last=Max("recorded_at"))
    )
    by: dict[str, dict[str, Any]] = {row["channel"]: dict(row) for row in rows}
    firsts = [row["first"] for row in by.values()]
    lasts = [row["last"] for row in by.values()]
    return Summary(
        households=households,
        emails=by.get(Channel.EMAIL, {}).get("n", 0),
        paper=by.get(Channel.PAPER, {}).get("n", 0),
        first_sent_at=min(firsts) if firsts else None,
        last_sent_at=max(lasts) if lasts else None,
    )


# --- the letters' PDF ------------------------------------------------------------------


@transaction.atomic
def notice_job_create(*, actor: Any, meeting: Meeting, kind: str = NoticeKind.NOTICE) -> NoticeJob:
    """Queue the paper letters of ``kind`` for the worker (on commit). The same letters
    asked for again while they are being made are that job, not a new one."""
    if kind not in NOTIFICATION_OF_KIND:
        raise ValidationError(_("Ukendt slags udsendelse."))
    busy = (
        NoticeJob.objects.select_for_update()
        .filter(
            meeting=meeting,
            kind=kind,
            status__in=[NoticeJobStatus.QUEUED, NoticeJobStatus.RUNNING],
        )
        .first()
    )
    if busy is not None:
        return busy
    paper = NoticeDelivery.objects.filter(meeting=meeting, kind=kind, channel=Channel.PAPER)
    if not paper.exists():
        raise ValidationError(_("Ingen husstande skal have brev. Send indkaldelsen først."))
    job = NoticeJob.objects.create(
        meeting=meeting,
        kind=kind,
        requested_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="democracy.notice_job_create",
        obj=job,
        organisation_id=meeting.organisation_id,
        after={"meeting": str(meeting.public_id), "kind": kind},
    )
    from almen.democracy.notices_tasks import notice_job_render as task

    job_id = str(job.public_id)
    transaction.on_commit(lambda: task.enqueue(job_id))
    return job


def letter_recipients(meeting: Meeting, kind: str) -> list[letters.Recipient]:
    """The households that get ``kind`` on paper, with the names of their residents (if
    known), in the order of their unit numbers: two queries."""
    paper = NoticeDelivery.objects.filter(meeting=meeting, kind=kind, channel=Channel.PAPER).values(
        "household_id"
    )
    households = list(
        Household.objects.filter(pk__in=paper)
        .select_related("unit")
        .only("pk", "public_id", "unit__number", "unit__address")
        .order_by("unit__number", "pk")
    )
    names: dict[int, list[str]] = defaultdict(list)
    for household_id, name in (
        Resident.objects.filter(household__in=paper, anonymised_at__isnull=True)
        .exclude(name="")
        .order_by("name", "pk")
        .values_list("household_id", "name")
    ):
        names[household_id].append(name)
    return [
        letters.Recipient(
            household_id=h.public_id,
            unit_number=h.unit.number,
            address=h.unit.address or h.unit.number,
            names=tuple(names.get(h.pk, ())[:3]),
        )
        for h in households
    ]


def _progress(job: NoticeJob, percent: int) -> None:
    NoticeJob.objects.filter(pk=job.pk).update(progress=min(max(percent, 0), 100))


def notice_job_render(*, job_id: str) -> NoticeJob:
    """Render a queued job's letters. Not one transaction on purpose: the progress must
    be visible to the page that polls it."""
    job = NoticeJob.objects.select_related(
        "meeting", "meeting__organisation", "meeting__estate"
    ).get(public_id=job_id)
    if not job.is_busy:
        return job
    job.status = NoticeJobStatus.RUNNING
    job.save(update_fields=["status"])
    try:
        recipients = letter_recipients(job.meeting, job.kind)
        _progress(job, 2)
        pdf, pages = letters.render_pdf(
            job.meeting, job.kind, recipients, progress=lambda p: _progress(job, p)
        )
        day = timezone.localdate()
        job.file.save(f"{job.public_id}-breve-{day:%Y-%m-%d}.pdf", ContentFile(pdf), save=False)
        job.households = pages if recipients else 0
        job.status = NoticeJobStatus.DONE
        job.progress = 100
    except Exception:
        logger.exception("Notice job %s failed", job.public_id)
        job.status = NoticeJobStatus.FAILED
        job.error = "render failed"
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "households", "status", "progress", "error", "finished_at"])
    return job
