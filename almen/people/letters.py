"""Activation letters as a printable PDF: one A4 page per household, with the code and
a QR code that opens the activation page with the code filled in.

Rendered with the report packs' set-up (WeasyPrint, their print base template and the
local DKFDS fonts), so there is one way to print in Almen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from almen.people.services import ACTIVATION_VALID, Letter, normalise_code
from almen.register.models import Estate
from almen.reports.formats import FONT_DIR


@dataclass(frozen=True)
class LetterPack:
    """What the print base template expects of a "pack"."""

    title: str
    organisation: Any
    estate: Any
    today: Any
    municipality: Any = None
    lix: Any = None


def activation_url(code: str = "") -> str:
    url = settings.SITE_URL + reverse("people:activate")
    return f"{url}?{urlencode({'kode': normalise_code(code)})}" if code else url


def qr_svg(url: str) -> str:
    """An inline SVG QR code (no file, no network)."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2)


def letters_html(estate: Estate, letters: list[Letter]) -> str:
    today = timezone.localdate()
    pages = [
        {
            "letter": letter,
            "url": activation_url(letter.code),
            "qr": mark_safe(qr_svg(activation_url(letter.code))),  # noqa: S308 (segno's own SVG)
        }
        for letter in letters
    ]
    return render_to_string(
        "people/print/letters.html",
        {
            "pack": LetterPack(_("Aktiveringsbrev"), estate.organisation, estate, today),
            "font_dir": FONT_DIR.as_uri(),
            "pages": pages,
            "short_url": activation_url(),
            "expires": today + ACTIVATION_VALID,
        },
    )


def render_pdf(estate: Estate, letters: list[Letter]) -> bytes:
    from weasyprint import HTML

    return HTML(string=letters_html(estate, letters), base_url=FONT_DIR.as_uri() + "/").write_pdf()
