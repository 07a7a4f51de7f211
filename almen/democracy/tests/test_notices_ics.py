"""The meeting as an iCalendar file (RFC 5545): escaping, folding, and the event's
properties, read back by a small parser of the format."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from almen.democracy import notices_ics
from almen.democracy.models import AgendaItem, Meeting
from almen.democracy.testing import MEETING_ID


def unfold(text: str) -> list[str]:
    """RFC 5545 §3.1: a CRLF followed by a space or tab continues the line."""
    assert "\n" not in text.replace("\r\n", "")  # every line ends in CRLF
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")[:-1]


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def parse(text: str) -> dict[str, str]:
    """The VEVENT's properties (name without parameters → unescaped value)."""
    props: dict[str, str] = {}
    inside = False
    for line in unfold(text):
        if line == "BEGIN:VEVENT":
            inside = True
        elif line == "END:VEVENT":
            inside = False
        elif inside:
            name, _, value = line.partition(":")
            props[name.split(";")[0]] = unescape(value)
    return props


def test_escape_and_fold() -> None:
    assert notices_ics.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "DESCRIPTION:" + "æøå " * 40
    folded = notices_ics.fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if n else p for n, p in enumerate(parts)) == line


@pytest.mark.django_db
def test_the_meeting_as_an_event(client_for) -> None:
    meeting = Meeting.objects.get(public_id=MEETING_ID)
    Meeting.objects.filter(pk=meeting.pk).update(
        place="Fælleshuset, Byvej 2; lokale 1", online_url="https://moede.example.dk/a"
    )
    response = client_for("resident_a").get(
        reverse("democracy:meeting_ics", args=[meeting.public_id])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    event = parse(text)
    assert event["UID"].startswith(str(meeting.public_id))
    start = meeting.starts_at.astimezone(dt.UTC)
    assert event["DTSTART"] == start.strftime("%Y%m%dT%H%M%SZ")
    assert event["DTEND"] == (start + dt.timedelta(hours=2)).strftime("%Y%m%dT%H%M%SZ")
    assert event["SUMMARY"] == meeting.title
    assert event["LOCATION"] == "Fælleshuset, Byvej 2; lokale 1"
    for item in AgendaItem.objects.filter(meeting=meeting):
        assert f"{item.position}. {item.title}" in event["DESCRIPTION"]
    assert "https://moede.example.dk/a" in event["DESCRIPTION"]
    assert event["URL"].startswith("http")
    assert event["STATUS"] == "CONFIRMED"
    assert event["DTSTAMP"].endswith("Z")
