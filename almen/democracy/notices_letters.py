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
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from almen.democracy import checkin
from almen.democracy.models import AgendaItem, Meeting, NoticeKind
from almen.reports.formats import FONT_DIR

CHUNK = 200
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


def qr_data_uri(url: str) -> str:
    """The QR code as a PNG data URI (no file, no network), one pixel per module: the
    letter scales it up without smoothing. A fixed mask: choosing the best of the 8
    took three quarters of the time and matters little to a phone's camera; and a PNG
    is drawn at once, where WeasyPrint parses an SVG path of a thousand segments."""
    return segno.make(url, error="m", mask=0).png_data_uri(scale=1, border=2)


def checkin_url(meeting: Meeting, household_id: Any) -> str:
    return absolute(checkin.checkin_path(meeting_id=meeting.public_id, household_id=household_id))


def login_url() -> str:
    return absolute(reverse("account_login"))


def _meeting_url(meeting: Meeting, name: str) -> str:
    try:
        return absolute(reverse(name, args=[meeting.public_id]))
    except NoReverseMatch:  # the meetings part's page is not there (yet): the site itself
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


def pages_html(
    context: dict[str, Any], recipients: Sequence[Recipient], *, part: str = "all"
) -> str:
    """The letters as HTML: ``part`` "all" (each page whole), "variable" (only what
    differs between households: the address, the unit, the QR code) or "common"
    (only what every page shares)."""
    meeting: Meeting = context["meeting"]
    pages = [
        {
            "to": r,
            "qr": qr_data_uri(
                checkin_url(meeting, r.household_id)
                if context["kind"] == NoticeKind.NOTICE
                else context["meeting_url"]
            ),
        }
        for r in recipients
    ]
    return render_to_string(
        "democracy/notices/print/letters.html", {**context, "pages": pages, "part": part}
    )


def _letter(page: Any) -> Any:
    """The page's ``<section class="letter">`` box (html → body → section)."""
    box = page._page_box
    while getattr(box, "element_tag", None) != "section":
        box = next(child for child in box.children if hasattr(child, "children"))
    return box


def _with_letter_children(box: Any, children: list[Any]) -> Any:
    """A copy of the tree down to the letter, the letter holding ``children``."""
    if getattr(box, "element_tag", None) == "section":
        return box.copy_with_children(children)
    inner = next(child for child in box.children if hasattr(child, "children"))
    return box.copy_with_children(
        [_with_letter_children(c, children) if c is inner else c for c in box.children]
    )


def stylesheet() -> str:
    return render_to_string("democracy/notices/print/letters.css", {"font_dir": FONT_DIR.as_uri()})


def render_pdf(
    meeting: Meeting,
    kind: str,
    recipients: Sequence[Recipient],
    *,
    progress: Callable[[int], None] | None = None,
    chunk: int = CHUNK,
) -> tuple[bytes, int]:
    """The PDF and its number of pages. ``progress`` hears the share done (0–95)
    after each chunk; writing the joined PDF is the rest.

    Every page is the same letter but for its address block, unit and QR code, and
    laying out a page of text is most of WeasyPrint's time. So what the pages share is
    laid out once, what differs is laid out per household (a few lines), and each
    page is drawn from both: the shared boxes are put beside the household's in its
    letter (they are only read when drawn). WeasyPrint's page boxes are not a public
    API; ``test_notices_letters`` compares the result with whole pages."""
    from weasyprint import CSS, HTML
    from weasyprint.document import Page
    from weasyprint.text.fonts import FontConfiguration

    if not recipients:
        raise ValueError("no letters to render")
    context = letter_context(meeting, kind)
    fonts = FontConfiguration()
    base = FONT_DIR.as_uri() + "/"
    # One stylesheet and one font set for every chunk.
    css = CSS(string=stylesheet(), base_url=base, font_config=fonts)

    def render(html: str) -> Any:
        return HTML(string=html, base_url=base).render(stylesheets=[css], font_config=fonts)

    first = render(pages_html(context, recipients[:1], part="common"))
    shared = list(_letter(first.pages[0]).children)
    pages: list[Any] = []
    for start in range(0, len(recipients), chunk):
        document = render(pages_html(context, recipients[start : start + chunk], part="variable"))
        for page in document.pages:
            own = list(_letter(page).children)
            pages.append(Page(_with_letter_children(page._page_box, [*shared, *own])))
        if progress is not None:
            progress(int(95 * min(start + chunk, len(recipients)) / len(recipients)))
    pdf = first.copy(pages).write_pdf()
    return pdf, len(pages)
