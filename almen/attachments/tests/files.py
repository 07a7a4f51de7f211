"""Real files of every allowed type, and the bad ones, made on the spot."""

from __future__ import annotations

import io
import zipfile

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
TEXT = "Referat fra bestyrelsesmødet\nÆbler, øl og å.\n".encode()
CSV = b"dato;emne\n01-03-2026;Vedtaget\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def image(fmt: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def docx(*, macros: bool = False) -> bytes:
    import docx as python_docx

    out = io.BytesIO()
    document = python_docx.Document()
    document.add_paragraph("Beslutning: legepladsen renoveres.")
    document.save(out)
    if not macros:
        return out.getvalue()
    return _with_entry(out.getvalue(), "word/vbaProject.bin", b"\x00" * 64)


def xlsx() -> bytes:
    import openpyxl

    out = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["dato", "værdi"])
    book.save(out)
    return out.getvalue()


def zip_bomb_docx() -> bytes:
    """A DOCX whose document part unpacks to 50 MB from a few kB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * (50 * 1024 * 1024))
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("virus.exe", EXE)
    return out.getvalue()


def _with_entry(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr(name, content)
    return out.getvalue()
