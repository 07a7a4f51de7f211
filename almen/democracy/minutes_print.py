"""The minutes as PDF and DOCX, with the report packs' set-up (WeasyPrint, their print
base template and the local DKFDS fonts; python-docx with the same headings), so
there is one way to print in Almen."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from almen.democracy import minutes_text
from almen.democracy.models import Meeting
from almen.reports.formats import FONT_DIR, attachment_header

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class MinutesPack:
    """What the print base template expects of a "pack", and what the minutes add."""

    title: str
    organisation: Any
    estate: Any
    today: datetime.date
    meeting: Meeting
    text: str
    draft: bool
    published_at: datetime.datetime | None
    municipality: Any = None

    @property
    def blocks(self) -> list[minutes_text.Block]:
        return minutes_text.blocks(self.text)

    @property
    def filename(self) -> str:
        return f"Referat {self.meeting.meeting_on:%Y-%m-%d} {self.meeting.title}"[:120]

    def facts(self) -> list[tuple[str, str]]:
        meeting = self.meeting
        when = timezone.localtime(meeting.starts_at)
        rows = [(_("Boligorganisation"), self.organisation.name)]
        if self.estate is not None:
            rows.append((_("Afdeling"), f"{self.estate.number} {self.estate.name}"))
        # Time, place and who came are the text's own first lines (the board may
        # correct them there); the head says what and when.
        rows += [
            (_("Møde"), str(meeting.get_kind_display())),
            (_("Dato"), formats.date_format(when, "l j. F Y")),
        ]
        if self.published_at is not None:
            rows.append(
                (
                    _("Offentliggjort"),
                    formats.date_format(timezone.localtime(self.published_at), "j. F Y"),
                )
            )
        return rows


def pack_for(
    meeting: Meeting,
    *,
    text: str,
    draft: bool,
    published_at: datetime.datetime | None,
) -> MinutesPack:
    return MinutesPack(
        title=_("Referat"),
        organisation=meeting.organisation,
        estate=meeting.estate,
        today=timezone.localdate(),
        meeting=meeting,
        text=text,
        draft=draft,
        published_at=published_at,
    )


def minutes_html(pack: MinutesPack) -> str:
    return render_to_string(
        "democracy/minutes/print/minutes.html",
        {"pack": pack, "font_dir": FONT_DIR.as_uri(), "facts": pack.facts()},
    )


def render_pdf(pack: MinutesPack) -> bytes:
    from weasyprint import HTML

    with translation.override("da"):
        html = minutes_html(pack)
    # base_url only resolves the file: font URLs; nothing is fetched over a network.
    return HTML(string=html, base_url=FONT_DIR.as_uri() + "/").write_pdf()


def render_docx(pack: MinutesPack) -> bytes:
    from docx import Document

    with translation.override("da"):
        document = Document()
        document.core_properties.title = f"{pack.title}: {pack.meeting.title}"
        document.core_properties.author = pack.organisation.name
        kicker = _("Referat")
        if pack.draft:
            kicker += " – " + _("UDKAST, ikke offentliggjort")
        document.add_paragraph(kicker, style="Subtitle")
        document.add_heading(pack.meeting.title, level=0)
        for label, value in pack.facts():
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(value)
        for block in pack.blocks:
            if block.kind == minutes_text.HEADING:
                document.add_heading(block.text, level=1)
            elif block.kind == minutes_text.LIST:
                for item in block.items:
                    document.add_paragraph(item, style="List Bullet")
            else:
                document.add_paragraph(block.text)
        document.add_heading(_("Underskrifter"), level=1)
        for role in (_("Dirigent"), _("Referent")):
            document.add_paragraph(
                f"{role}: ______________________________    {_('Dato')}: __________"
            )
        buffer = io.BytesIO()
        document.save(buffer)
    return buffer.getvalue()


def disposition(pack: MinutesPack, ext: str) -> str:
    return attachment_header(f"{pack.filename}.{ext}")
