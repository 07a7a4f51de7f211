"""The minutes and the decision register's state changes: keyword-only, atomic,
audited (``services.py``'s conventions).

- ``minutes_draft`` writes the text from the meeting: presence, every agenda item
  with its proposal, amendments, votes, outcome, election and note.
- ``minutes_update`` saves the board's edits; published minutes are final.
- ``minutes_publish`` publishes the minutes and the meeting's decisions (an
  afdelingsmøde's become public) and tells the roll's residents. Later than 4 weeks
  after the meeting only with a recorded reason.
- ``decision_record`` records a decision made outside a meeting (a board's).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from almen.audit.services import audit_record, snapshot
from almen.democracy import minutes_selectors as selectors
from almen.democracy import services
from almen.democracy.models import (
    FORUM_OF_KIND,
    MINUTES_TEXT,
    RESIDENTS_MEETINGS,
    AgendaItem,
    Decision,
    Forum,
    Meeting,
    MeetingKind,
    Minutes,
    Outcome,
)
from almen.lib.bounds import DATE_BOUNDS_MESSAGE, LONG_TEXT, SHORT_TEXT, date_in_bounds
from almen.lib.notifications import Reminder
from almen.lib.visibility import Visibility
from almen.notify.services import queue_reminders
from almen.register.models import Estate, Organisation, Resident

MINUTES_READY = "democracy.minutes_ready"
MINUTES_FIELDS = ("text", "published_at", "late_reason")
DECISION_FIELDS = (
    "forum",
    "decided_on",
    "title",
    "text",
    "votes_for",
    "votes_against",
    "votes_blank",
    "outcome",
    "visibility",
    "published_at",
)
MAX_VOTES = 1_000_000


# --- the draft ---------------------------------------------------------------------


def _votes(for_: int | None, against: int | None, blank: int | None) -> str:
    return _("%(for)d for, %(against)d imod, %(blank)d blanke") % {
        "for": for_ or 0,
        "against": against or 0,
        "blank": blank or 0,
    }


def _item_lines(item: AgendaItem) -> list[str]:
    lines = [f"# {item.position}. {item.title}"]
    if item.description.strip():
        lines += [item.description.strip(), ""]
    proposal = item.proposal
    if proposal is not None:
        lines.append(_("Forslag: »%(title)s«") % {"title": proposal.title})
        lines.append(_("Forslagsstiller: %(name)s") % {"name": proposal.proposer_name})
        if proposal.board_comment.strip():
            lines.append(
                _("Bestyrelsens bemærkning: %(text)s") % {"text": proposal.board_comment.strip()}
            )
        lines.append("")
    amendments = list(item.amendments.all())
    if amendments:
        lines.append(_("Ændringsforslag:"))
        for amendment in amendments:
            line = _("Fra %(name)s: %(text)s") % {
                "name": amendment.proposer_name,
                "text": " ".join(amendment.text.split()),
            }
            if amendment.votes_for is not None:
                line += " – " + _votes(
                    amendment.votes_for, amendment.votes_against, amendment.votes_blank
                )
            if amendment.outcome:
                line += f". {amendment.get_outcome_display()}"
            lines.append(f"- {line}.")
        lines.append("")
    if item.votes_for is not None:
        lines.append(
            _("Afstemning: %(votes)s.")
            % {"votes": _votes(item.votes_for, item.votes_against, item.votes_blank)}
        )
    candidates = selectors.candidates_in_order(item)
    if candidates:
        lines.append(_("Kandidater:"))
        for c in candidates:
            line = f"{c.name} ({c.get_post_display().lower()})"
            if c.votes is not None:
                line += ": " + _("%(n)d stemmer") % {"n": c.votes}
            if c.elected:
                line += " – " + (
                    _("valgt for %(years)d år") % {"years": c.term_years}
                    if c.term_years
                    else _("valgt")
                )
            lines.append(f"- {line}")
        elected = [f"{c.name} ({c.get_post_display().lower()})" for c in candidates if c.elected]
        if elected:
            lines.append(_("Valgt: %(names)s.") % {"names": ", ".join(elected)})
    if item.outcome:
        lines.append(_("Resultat: %(outcome)s.") % {"outcome": item.get_outcome_display()})
    if item.note.strip():
        lines += ["", item.note.strip()]
    return [*lines, ""]


def draft_text(meeting: Meeting) -> str:
    """The minutes as the meeting's record says them, in Danish (the minutes are the
    estate's document, whatever language the board member reads Almen in)."""
    with translation.override(settings.LANGUAGE_CODE):
        when = timezone.localtime(meeting.starts_at)
        lines = [
            _("Mødet blev holdt %(day)s kl. %(time)s, %(place)s.")
            % {
                "day": formats.date_format(when, "l \\d\\e\\n j. F Y"),
                "time": when.strftime("%H.%M"),
                "place": meeting.place,
            }
        ]
        if meeting.online_url:
            lines.append(_("Mødet kunne også følges online."))
        presence = selectors.presence(meeting)
        if meeting.is_residents_meeting or presence.households:
            lines.append(
                ngettext(
                    "Til stede: %(households)d husstand med i alt %(votes)d stemmer "
                    "(2 stemmer pr. husstand).",
                    "Til stede: %(households)d husstande med i alt %(votes)d stemmer "
                    "(2 stemmer pr. husstand).",
                    presence.households,
                )
                % {"households": presence.households, "votes": presence.votes}
            )
            if presence.proxies:
                lines.append(
                    ngettext(
                        "Heraf var %(n)d husstand repræsenteret ved fuldmagt.",
                        "Heraf var %(n)d husstande repræsenteret ved fuldmagt.",
                        presence.proxies,
                    )
                    % {"n": presence.proxies}
                )
            if presence.on_roll is not None:
                lines.append(
                    _("%(n)d husstande havde stemmeret ved mødet.") % {"n": presence.on_roll}
                )
        lines.append("")
        for item in selectors.agenda(meeting):
            lines += _item_lines(item)
        text = "\n".join(lines).strip() + "\n"
    return text[:MINUTES_TEXT]


def _check_open(minutes: Minutes | None) -> None:
    if minutes is not None and minutes.published_at is not None:
        raise ValidationError(_("Referatet er offentliggjort og kan ikke ændres."))


@transaction.atomic
def minutes_draft(*, actor: Any, meeting: Meeting) -> Minutes:
    """Write (or write again) the minutes' text from the meeting. Published minutes
    are final; the views ask before an edited draft is replaced."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    _check_open(minutes)
    before = snapshot(minutes, MINUTES_FIELDS) if minutes else None
    text = draft_text(meeting)
    if minutes is None:
        minutes = Minutes(meeting=meeting)
    minutes.text = text
    minutes.edited_by = actor if getattr(actor, "pk", None) else None
    minutes.full_clean()
    minutes.save()
    audit_record(
        actor=actor,
        action="democracy.minutes_draft",
        obj=minutes,
        organisation_id=meeting.organisation_id,
        before=before,
        after=snapshot(minutes, MINUTES_FIELDS),
    )
    return minutes


@transaction.atomic
def minutes_update(*, actor: Any, meeting: Meeting, text: str) -> Minutes:
    """Save the board's text of the minutes (creating them if not drafted yet)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    _check_open(minutes)
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({"text": _("Referatet kan ikke være tomt.")})
    if len(text) > MINUTES_TEXT:
        raise ValidationError(
            {"text": _("Referatet må højst være %(n)d tegn.") % {"n": MINUTES_TEXT}}
        )
    before = snapshot(minutes, MINUTES_FIELDS) if minutes else None
    if minutes is None:
        minutes = Minutes(meeting=meeting)
    minutes.text = text
    minutes.edited_by = actor if getattr(actor, "pk", None) else None
    minutes.full_clean()
    minutes.save()
    audit_record(
        actor=actor,
        action="democracy.minutes_update",
        obj=minutes,
        organisation_id=meeting.organisation_id,
        before=before,
        after=snapshot(minutes, MINUTES_FIELDS),
    )
    return minutes


def minutes_is_late(meeting: Meeting, on: datetime.date | None = None) -> bool:
    return (on or timezone.localdate()) > meeting.timeline.minutes_by


def _decision_text(item: AgendaItem, forum: str) -> str:
    parts = []
    if item.proposal is not None:
        parts.append(item.proposal.text.strip())
    elif item.description.strip():
        parts.append(item.description.strip())
    elected = [c for c in selectors.candidates_in_order(item) if c.elected]
    if elected:
        parts.append(
            _("Valgt: %(names)s.")
            % {"names": ", ".join(f"{c.name} ({c.get_post_display().lower()})" for c in elected)}
        )
    if item.note.strip():
        parts.append(item.note.strip())
    if not parts:
        parts.append(
            _("%(forum)s behandlede punktet »%(title)s«. Resultat: %(outcome)s.")
            % {
                "forum": forum,
                "title": item.title,
                "outcome": item.get_outcome_display(),
            }
        )
    return "\n\n".join(parts)[:LONG_TEXT]


def _decisions_from_items(actor: Any, meeting: Meeting) -> list[Decision]:
    """A decision in the register for every item with an outcome that has none yet
    (the hall may have made them already when the result was recorded)."""
    created = []
    forum = FORUM_OF_KIND[MeetingKind(meeting.kind)]
    for item in selectors.agenda(meeting):
        if not item.outcome or getattr(item, "decision", None) is not None:
            continue
        title = item.proposal.title if item.proposal is not None else item.title
        decision = Decision(
            organisation_id=meeting.organisation_id,
            estate_id=meeting.estate_id,
            forum=forum,
            meeting=meeting,
            item=item,
            decided_on=meeting.meeting_on,
            title=title[:200],
            text=_decision_text(item, str(forum.label)),
            votes_for=item.votes_for,
            votes_against=item.votes_against,
            votes_blank=item.votes_blank,
            outcome=item.outcome,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        decision.full_clean()
        decision.save()
        created.append(decision)
    return created


def _residents_to_tell(meeting: Meeting) -> list[int]:
    """The users of the roll's residents (one query)."""
    if meeting.kind not in RESIDENTS_MEETINGS:
        return []
    households = services.roll(meeting).values("pk")
    return list(
        Resident.objects.filter(
            household__in=households, user__isnull=False, anonymised_at__isnull=True
        )
        .values_list("user_id", flat=True)
        .distinct()
    )


@transaction.atomic
def minutes_publish(*, actor: Any, meeting: Meeting, reason: str = "") -> Minutes:
    """Publish the minutes to every resident. Refused before the meeting was held and
    without a text; later than the legal 4 weeks only with a reason, kept on the
    minutes and in the audit entry. The meeting's decisions are published with them
    (an afdelingsmøde's become public), and the roll's residents are told through the
    outbox, in bulk, with their own preferences."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None or not minutes.text.strip():
        raise ValidationError(_("Der er intet referat at offentliggøre. Lav et udkast først."))
    if minutes.published_at is not None:
        raise ValidationError(_("Referatet er allerede offentliggjort."))
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("Mødet er ikke holdt endnu, så referatet kan ikke offentliggøres."))
    reason = reason.strip()
    late = minutes_is_late(meeting)
    if late and not reason:
        raise ValidationError(
            {
                "reason": _(
                    "Referatet er for sent: det skulle have været tilgængeligt senest "
                    "%(day)s. Skriv en begrundelse for, at det kommer nu."
                )
                % {"day": f"{meeting.timeline.minutes_by:%d-%m-%Y}"}
            }
        )
    if len(reason) > SHORT_TEXT:
        raise ValidationError(
            {"reason": _("Begrundelsen må højst være %(n)d tegn.") % {"n": SHORT_TEXT}}
        )
    before = snapshot(minutes, MINUTES_FIELDS)
    now = timezone.now()
    minutes.published_at = now
    minutes.late_reason = reason if late else ""
    minutes.full_clean()
    minutes.save(update_fields=["published_at", "late_reason", "edited_at"])
    created = _decisions_from_items(actor, meeting)
    decisions = Decision.objects.filter(meeting=meeting)
    decisions.filter(published_at__isnull=True).update(published_at=now)
    if meeting.kind in RESIDENTS_MEETINGS:
        decisions.exclude(visibility=Visibility.PUBLIC).update(visibility=Visibility.PUBLIC)
    users = _residents_to_tell(meeting)
    path = reverse("democracy:minutes", args=[meeting.public_id])
    told = queue_reminders(
        Reminder(
            kind=MINUTES_READY,
            user_id=user_id,
            key=str(meeting.public_id),
            context={
                "title": meeting.title,
                "day": f"{meeting.meeting_on:%d-%m-%Y}",
                "path": path,
            },
        )
        for user_id in users
    )
    audit_record(
        actor=actor,
        action="democracy.minutes_publish",
        obj=minutes,
        organisation_id=meeting.organisation_id,
        before=before,
        after={
            **snapshot(minutes, MINUTES_FIELDS),
            "decisions": sorted(str(d) for d in decisions.values_list("public_id", flat=True)),
            "decisions_created": len(created),
            "residents_told": told,
        },
    )
    return minutes


# --- decisions outside a meeting ---------------------------------------------------

# Who may read a recorded decision (the form's choice).
READERS_BOARD = "bestyrelse"  # the board(s) and the administration only
READERS_RESIDENTS = "beboere"  # and the estate's residents
READERS_PUBLIC = "alle"  # everyone


def _check_votes(**votes: int | None) -> None:
    for name, value in votes.items():
        if value is not None and not 0 <= value <= MAX_VOTES:
            raise ValidationError(
                {name: _("Skriv et antal stemmer mellem 0 og %(n)d.") % {"n": MAX_VOTES}}
            )


@transaction.atomic
def decision_record(
    *,
    actor: Any,
    organisation: Organisation,
    estate: Estate | None,
    forum: str,
    decided_on: datetime.date,
    title: str,
    text: str,
    readers: str = READERS_BOARD,
    votes_for: int | None = None,
    votes_against: int | None = None,
    votes_blank: int | None = None,
    outcome: str = "",
) -> Decision:
    """A decision made outside a meeting in Almen (a board's decision by e-mail, an
    earlier meeting's decision on paper), into the register."""
    if estate is not None and estate.organisation_id != organisation.pk:
        raise ValidationError({"estate": _("Afdelingen hører ikke til boligorganisationen.")})
    allowed = (
        {Forum.ESTATE_BOARD, Forum.RESIDENTS_MEETING}
        if estate is not None
        else {Forum.ORGANISATION_BOARD, Forum.REPRESENTATIVE_COUNCIL}
    )
    if forum not in allowed:
        raise ValidationError({"forum": _("Vælg hvem der traf beslutningen.")})
    if not date_in_bounds(decided_on):
        raise ValidationError({"decided_on": DATE_BOUNDS_MESSAGE})
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("En beslutning kan ikke dateres i fremtiden.")})
    title, text = title.strip(), text.strip()
    if not title:
        raise ValidationError({"title": _("Skriv en overskrift.")})
    if not text:
        raise ValidationError({"text": _("Skriv, hvad der blev besluttet.")})
    if outcome not in {"", Outcome.ADOPTED, Outcome.REJECTED, Outcome.NOTED}:
        raise ValidationError({"outcome": _("Vælg et resultat.")})
    _check_votes(votes_for=votes_for, votes_against=votes_against, votes_blank=votes_blank)
    if readers not in {READERS_BOARD, READERS_RESIDENTS, READERS_PUBLIC} or (
        readers == READERS_RESIDENTS and estate is None
    ):
        raise ValidationError({"readers": _("Vælg hvem der må læse beslutningen.")})
    decision = Decision(
        organisation=organisation,
        estate=estate,
        forum=forum,
        decided_on=decided_on,
        title=title,
        text=text,
        votes_for=votes_for,
        votes_against=votes_against,
        votes_blank=votes_blank,
        outcome=outcome,
        visibility=Visibility.PUBLIC if readers == READERS_PUBLIC else Visibility.ORGANISATION,
        published_at=None if readers == READERS_BOARD else timezone.now(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    decision.full_clean()
    decision.save()
    audit_record(
        actor=actor,
        action="democracy.decision_record",
        obj=decision,
        organisation_id=organisation.pk,
        after=snapshot(decision, DECISION_FIELDS),
    )
    return decision
