"""A meeting as an iCalendar event (RFC 5545), written by hand: a handful of
properties need no library, only the text escaping (§3.3.11) and the folding of
lines longer than 75 octets (§3.1), both done here and tested."""

from __future__ import annotations

import datetime as dt
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from almen.democracy.models import AgendaItem, Meeting, MeetingStatus

LINE_OCTETS = 75


def escape(text: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, newlines as ``\\n``."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """One content line folded at 75 octets (CRLF and a space), never inside a UTF-8
    character."""
    out: list[str] = []
    current = ""
    size = 0
    limit = LINE_OCTETS
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            out.append(current)
            current, size = "", 0
            limit = LINE_OCTETS - 1  # the continuation's leading space counts
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def meeting_ics(meeting: Meeting, *, url: str) -> str:
    """The calendar with the meeting as its one event. The UID is the meeting's
    public id, so a second download updates the same event (SEQUENCE grows with every
    change, as calendars expect)."""
    items = AgendaItem.objects.filter(meeting=meeting).order_by("position", "id")
    agenda = "\n".join(f"{item.position}. {item.title}" for item in items)
    parts = [meeting.get_kind_display()]
    if meeting.estate is not None:
        parts.append(f"{meeting.estate.number} {meeting.estate.name}")
    description = " – ".join(str(p) for p in parts)
    if meeting.online_url:
        description += "\n" + _("Online: %(url)s") % {"url": meeting.online_url}
    if agenda:
        description += "\n\n" + _("Dagsorden") + ":\n" + agenda
    description += "\n\n" + url
    host = urlsplit(settings.SITE_URL).hostname or "almen"
    stamp = meeting.updated_at or meeting.created_at
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Almen//Beboerdemokrati//DA",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{meeting.public_id}@{host}",
        f"DTSTAMP:{_utc(stamp)}",
        f"SEQUENCE:{int(stamp.timestamp())}",
        f"DTSTART:{_utc(meeting.starts_at)}",
        f"DTEND:{_utc(meeting.ends_at_or_default)}",
        f"SUMMARY:{escape(meeting.title)}",
        f"LOCATION:{escape(meeting.place)}",
        f"DESCRIPTION:{escape(description)}",
        f"URL:{url}",
        f"ORGANIZER;CN={_param(meeting.organisation.name)}:mailto:"
        f"{meeting.organisation.contact_email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}",
        "STATUS:" + ("CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED"),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)


def _param(text: str) -> str:
    """A parameter value (§3.2): quoted, without the characters it may not hold."""
    return '"' + text.replace('"', "'").replace("\r", " ").replace("\n", " ") + '"'
