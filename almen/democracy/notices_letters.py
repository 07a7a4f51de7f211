"""The paper letters of a meeting's notice: one A4 page per household, with the
organisation as sender, an address block for a C5 window envelope (DIN 5008 form B:
the window 45 mm from the top and 20 mm from the left edge), the meeting, its agenda,
the proposals' deadline and where to hand them in, when the material is out, and a QR
code for the check-in at the door.

Rendered with the report packs' set-up (WeasyPrint, their print base template and the
local fonts), like the activation letters of ``people``. A 2,000-household estate is
rendered in chunks (one WeasyPrint document per chunk, their pages joined into one PDF)
so that the job can report its progress between them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from almen.democracy import checkin
from almen.democracy.models import AgendaItem, Meeting, NoticeKind
from almen.reports.formats import FONT_DIR

CHUNK = 100
# More agenda items than this are set in two columns, so the letter stays one page.
LONG_AGENDA = 10


@dataclass(frozen=True)
class LetterPack:
    """What the print base template expects of a "pack"."""

    title: str
    organisation: Any
    estate: Any
    today: dt.date
    municipality: Any = None
    lix: Any = None


@dataclass(frozen=True)
class Recipient:
    """One household's letter: who it is addressed to and where."""

    household_id: Any  # the household's public_id
    unit_number: str
    address: str
    names: Sequence[str] = field(default_factory=tuple)


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def qr_svg(url: str) -> SafeString:
    """An inline SVG QR code (no file, no network)."""
    return mark_safe(segno.make(url, error="m").svg_inline(scale=3, border=2))  # noqa: S308


def checkin_url(meeting: Meeting, household_id: Any) -> str:
    return absolute(checkin.checkin_path(meeting_id=meeting.public_id, household_id=household_id))


def login_url() -> str:
    return absolute(reverse("account_login"))


def _meeting_url(meeting: Meeting, name: str) -> str:
    try:
        return absolute(reverse(name, args=[meeting.public_id]))
    except Exception:  # the meetings part's page is not there (yet): the site itself
        return settings.SITE_URL + "/"


def meeting_url(meeting: Meeting) -> str:
    return _meeting_url(meeting, "democracy:meeting_detail")


def ics_url(meeting: Meeting) -> str:
    return _meeting_url(meeting, "democracy:meeting_ics")


def letter_context(meeting: Meeting, kind: str, *, today: dt.date | None = None) -> dict[str, Any]:
    """What every page of the meeting's letters shares."""
    today = today or timezone.localdate()
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "id"))
    organisation = meeting.organisation
    titles = {
        NoticeKind.NOTICE: _("Indkaldelse"),
        NoticeKind.MATERIAL: _("Materiale til mødet"),
        NoticeKind.MINUTES: _("Referat af mødet"),
    }
    return {
        "pack": LetterPack(str(titles[NoticeKind(kind)]), organisation, meeting.estate, today),
        "font_dir": FONT_DIR.as_uri(),
        "meeting": meeting,
        "kind": kind,
        "starts": timezone.localtime(meeting.starts_at),
        "ends": timezone.localtime(meeting.ends_at) if meeting.ends_at else None,
        "timeline": meeting.timeline,
        "items": items,
        "long_agenda": len(items) > LONG_AGENDA,
        "very_long_agenda": len(items) > 2 * LONG_AGENDA,
        "meeting_url": meeting_url(meeting),
        "login_url": login_url(),
        "site_url": settings.SITE_URL,
        "notice_day": (
            timezone.localdate(meeting.notice_published_at)
            if meeting.notice_published_at
            else today
        ),
    }


def pages_html(context: dict[str, Any], recipients: Sequence[Recipient]) -> str:
    meeting: Meeting = context["meeting"]
    pages = [
        {
            "to": r,
            "qr": qr_svg(
                checkin_url(meeting, r.household_id)
                if context["kind"] == NoticeKind.NOTICE
                else context["meeting_url"]
            ),
        }
        for r in recipients
    ]
    return render_to_string("democracy/notices/print/letters.html", {**context, "pages": pages})


def render_pdf(
    meeting: Meeting,
    kind: str,
    recipients: Sequence[Recipient],
    *,
    progress: Callable[[int], None] | None = None,
    chunk: int = CHUNK,
) -> tuple[bytes, int]:
    """The PDF and its number of pages. ``progress`` hears the share done (0–95)
    after each chunk; writing the joined PDF is the rest."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    context = letter_context(meeting, kind)
    fonts = FontConfiguration()
    base = FONT_DIR.as_uri() + "/"
    documents = []
    for start in range(0, max(len(recipients), 1), chunk):
        part = recipients[start : start + chunk]
        html = pages_html(context, part)
        documents.append(HTML(string=html, base_url=base).render(font_config=fonts))
        if progress is not None:
            progress(int(95 * min(start + chunk, len(recipients)) / max(len(recipients), 1)))
    pages = [page for document in documents for page in document.pages]
    pdf = documents[0].copy(pages).write_pdf()
    return pdf, len(pages)
