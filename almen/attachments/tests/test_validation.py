"""What a file is comes from its bytes: every allowed type passes, every disallowed or
misnamed one is refused with a Danish message that says what to do."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError

from almen.attachments import validation
from almen.attachments.tests import files


def check(data: bytes, name: str) -> validation.Checked:
    return validation.check(io.BytesIO(data), name=name, size=len(data))


@pytest.mark.parametrize(
    ("name", "make", "key", "mime"),
    [
        ("referat.pdf", lambda: files.PDF, "pdf", "application/pdf"),
        ("foto.png", lambda: files.image("PNG"), "png", "image/png"),
        ("foto.JPG", lambda: files.image("JPEG"), "jpeg", "image/jpeg"),
        ("foto.jpeg", lambda: files.image("JPEG"), "jpeg", "image/jpeg"),
        ("foto.webp", lambda: files.image("WEBP"), "webp", "image/webp"),
        ("beslutning.docx", files.docx, "docx", validation.TYPES["docx"].mime),
        ("budget.xlsx", files.xlsx, "xlsx", validation.TYPES["xlsx"].mime),
        ("noter.txt", lambda: files.TEXT, "text", "text/plain; charset=utf-8"),
        ("liste.csv", lambda: files.CSV, "csv", "text/csv; charset=utf-8"),
    ],
)
def test_allowed_types_pass(name: str, make, key: str, mime: str) -> None:
    data = make()
    checked = check(data, name)
    assert checked.type.key == key and checked.type.mime == mime
    assert checked.size == len(data)
    import hashlib

    assert checked.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        # A program renamed to look like a PDF.
        ("referat.pdf", lambda: files.EXE, "Filen hedder .pdf, men indholdet er ikke en PDF-fil"),
        # A web page renamed to look like a picture, or like text.
        ("foto.png", lambda: files.HTML, "Filen hedder .png, men indholdet er ikke en PNG-fil"),
        ("noter.txt", lambda: files.HTML, "Filen hedder .txt, men indholdet er ikke"),
        # A picture named as another kind of picture, a PDF named as text.
        ("foto.png", lambda: files.image("JPEG"), "Filen hedder .png, men indholdet er JPEG"),
        ("noter.txt", lambda: files.PDF, "Filen hedder .txt, men indholdet er PDF"),
        ("referat.pdf", lambda: files.TEXT, "indholdet er tekst (TXT)"),
        # A zip renamed .docx, a spreadsheet renamed .docx.
        ("beslutning.docx", files.plain_zip, "indholdet er ikke en Word-dokument (DOCX)-fil"),
        ("beslutning.docx", files.xlsx, "indholdet er Excel-regneark (XLSX)"),
        # Disallowed types, whatever their content.
        ("program.exe", lambda: files.EXE, "Filer af typen .exe kan ikke lægges op"),
        ("side.html", lambda: files.HTML, "Filer af typen .html kan ikke lægges op"),
        ("arkiv.zip", files.plain_zip, "Filer af typen .zip kan ikke lægges op"),
        ("uden-endelse", lambda: files.TEXT, "Filer af typen (uden endelse)"),
        # Macros, zip bombs, empty files.
        ("makro.docx", lambda: files.docx(macros=True), "Filen indeholder makroer"),
        ("bombe.docx", files.zip_bomb_docx, "pakkes ud til langt mere"),
        ("tom.txt", lambda: b"", "Filen er tom."),
    ],
)
def test_refused(name: str, make, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check(make(), name)
    assert message in " ".join(caught.value.messages)


def test_too_big_is_refused_before_the_bytes_are_looked_at(settings) -> None:
    settings.ATTACHMENTS_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationError) as caught:
        validation.check(io.BytesIO(b""), name="stor.pdf", size=200 * 1024 * 1024)
    assert caught.value.messages == ["Filen fylder 200 MB. Et bilag må højst fylde 1 MB."]


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\x\\Referat marts.PDF", "Referat marts.pdf"),
        ("ré<script>sumé.pdf", "ré_script_sumé.pdf"),
        (".htaccess", "htaccess"),
        ("navn\x00med\x1fkontrol.txt", "navnmedkontrol.txt"),
        ("", "bilag"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_names_are_sanitised(raw: str, safe: str) -> None:
    assert validation.safe_name(raw) == safe
