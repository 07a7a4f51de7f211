"""What a file is, decided from its bytes (``filetype`` and our own checks), never
from its name or the browser's word: the allowed types, the name's extension that must
agree with the bytes, the size limit, and a safe file name."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from almen.lib.tabular import TabularError, check_xlsx

MB = 1024 * 1024


@dataclass(frozen=True)
class FileType:
    key: str
    label: object  # lazy text
    mime: str
    extensions: tuple[str, ...]


TYPES = {
    t.key: t
    for t in (
        FileType("pdf", "PDF", "application/pdf", ("pdf",)),
        FileType("png", "PNG", "image/png", ("png",)),
        FileType("jpeg", "JPEG", "image/jpeg", ("jpg", "jpeg")),
        FileType("webp", "WebP", "image/webp", ("webp",)),
        FileType(
            "docx",
            gettext_lazy("Word-dokument (DOCX)"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ("docx",),
        ),
        FileType(
            "xlsx",
            gettext_lazy("Excel-regneark (XLSX)"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ("xlsx",),
        ),
        FileType("text", gettext_lazy("tekst (TXT)"), "text/plain; charset=utf-8", ("txt",)),
        FileType("csv", "CSV", "text/csv; charset=utf-8", ("csv",)),
    )
}
BY_EXTENSION = {ext: t for t in TYPES.values() for ext in t.extensions}
ACCEPT = ",".join(f".{ext}" for ext in BY_EXTENSION)


def allowed_text() -> str:
    return _("PDF, PNG, JPEG, WebP, Word (DOCX), Excel (XLSX), tekst (TXT) og CSV")


@dataclass(frozen=True)
class Checked:
    type: FileType
    name: str  # sanitised, with the extension that matches the bytes
    size: int
    sha256: str


# --- names ------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^\w.\- ()]+")


def safe_name(name: str) -> str:
    """The file's name without any folder, control or unusual characters, at most 200
    characters, never starting with a dot."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name).strip(" ._")
    name = re.sub(r"_{2,}", "_", name)
    if "." in name:
        stem, ext = name.rsplit(".", 1)
        name = f"{stem[: 200 - len(ext) - 1].rstrip(' ._') or 'bilag'}.{ext.lower()}"
    return name[:200] or "bilag"


# --- content ----------------------------------------------------------------------

_HTML_START = re.compile(
    rb"^\s*(<!doctype|<html|<head|<body|<script|<svg|<\?xml|<iframe|<object|<meta|<!--)", re.I
)


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    sample = head[: 64 * 1024]
    for encoding in ("utf-8", "cp1252"):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sample is fine.
            if encoding == "utf-8" and exc.start >= len(sample) - 3:
                text = sample[: exc.start].decode(encoding)
            else:
                continue
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
        return controls == 0
    return False


def _office_type(fileobj: IO[bytes]) -> str | None:
    """``docx`` or ``xlsx`` for an Office Open XML archive that passes the archive
    checks of lib/tabular (entries, unpacked size, compression ratio) and carries no
    macros; None for any other zip."""
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        fileobj.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        kind = "docx"
    elif "xl/workbook.xml" in names:
        kind = "xlsx"
    else:
        return None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise ValidationError(
            _("Filen indeholder makroer og afvises. Gem den uden makroer (DOCX eller XLSX)."),
            code="macros",
        )
    try:
        check_xlsx(fileobj)  # the same archive limits for every zip-based Office file
    except TabularError as exc:
        if kind == "xlsx":
            raise ValidationError(str(exc), code="archive") from exc
        raise ValidationError(
            _(
                "Dokumentet er afvist: det pakkes ud til langt mere, end det fylder. "
                "Gem det igen fra Word."
            ),
            code="archive",
        ) from exc
    return kind


def detect(fileobj: IO[bytes]) -> str | None:
    """The allowed type the bytes are, or None."""
    fileobj.seek(0)
    head = fileobj.read(64 * 1024)
    fileobj.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    guess = filetype.guess(head)
    if guess is not None:
        if guess.extension == "png":
            return "png"
        if guess.extension == "jpg":
            return "jpeg"
        if guess.extension == "webp":
            return "webp"
        if guess.mime in {"application/zip"} or guess.extension in {"docx", "xlsx", "zip"}:
            return _office_type(fileobj)
        return None
    if head.startswith(b"PK\x03\x04"):
        return _office_type(fileobj)
    if _looks_like_text(head) and not _HTML_START.match(head):
        return "text"
    return None


def check(fileobj: IO[bytes], *, name: str, size: int) -> Checked:
    """Refuse a file that is too big, of a type we do not take, or whose name says one
    type while its bytes are another. Returns its safe name, type and checksum."""
    limit = settings.ATTACHMENTS_MAX_BYTES
    if size > limit:
        raise ValidationError(too_big_message(size), code="too_big")
    if size == 0:
        raise ValidationError(_("Filen er tom."), code="empty")
    clean = safe_name(name)
    ext = clean.rsplit(".", 1)[-1].lower() if "." in clean else ""
    claimed = BY_EXTENSION.get(ext)
    if claimed is None:
        raise ValidationError(
            _("Filer af typen %(ext)s kan ikke lægges op. Tilladt er %(allowed)s.")
            % {"ext": f".{ext}" if ext else _("(uden endelse)"), "allowed": allowed_text()},
            code="type",
        )
    detected = detect(fileobj)
    if detected == "text" and claimed.key in {"text", "csv"}:
        detected = claimed.key
    if detected is None:
        raise ValidationError(
            _(
                "Filen hedder .%(ext)s, men indholdet er ikke en %(type)s-fil. "
                "Den kan være omdøbt eller beskadiget. Tilladt er %(allowed)s."
            )
            % {"ext": ext, "type": claimed.label, "allowed": allowed_text()},
            code="mismatch",
        )
    if detected != claimed.key:
        raise ValidationError(
            _(
                "Filen hedder .%(ext)s, men indholdet er %(actual)s. Giv filen den rigtige "
                "endelse, eller gem den igen i det rigtige format."
            )
            % {"ext": ext, "actual": TYPES[detected].label},
            code="mismatch",
        )
    digest = hashlib.sha256()
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(MB), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return Checked(type=TYPES[detected], name=clean, size=size, sha256=digest.hexdigest())


def too_big_message(size: int | None = None) -> str:
    limit = settings.ATTACHMENTS_MAX_BYTES
    if size is None:
        return _("Filen er for stor. Et bilag må højst fylde %(max)s MB.") % {"max": _mb(limit)}
    return _("Filen fylder %(size)s MB. Et bilag må højst fylde %(max)s MB.") % {
        "size": _mb(size),
        "max": _mb(limit),
    }


def max_mb() -> str:
    return _mb(settings.ATTACHMENTS_MAX_BYTES)


def _mb(n: int) -> str:
    value = n / MB
    text = f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
    return text.replace(".", ",")


# --- owners that take fewer types -------------------------------------------------


def allowed_text_for(types: frozenset[str]) -> str:
    if not types:
        return allowed_text()
    return _(" og ").join(str(TYPES[key].label) for key in sorted(types))


def accept_for(types: frozenset[str]) -> str:
    if not types:
        return ACCEPT
    return ",".join(f".{ext}" for key in sorted(types) for ext in TYPES[key].extensions)


def check_owner_types(checked_or_name: Checked | str, types: frozenset[str]) -> None:
    """Refuse a file (by its checked type, or before that by its name's extension)
    that the owner does not take."""
    if not types:
        return
    if isinstance(checked_or_name, Checked):
        ok = checked_or_name.type.key in types
    else:
        name = safe_name(checked_or_name)
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        ok = ext in {e for key in types for e in TYPES[key].extensions}
    if not ok:
        raise ValidationError(
            _("Her kan kun lægges %(allowed)s-filer op.") % {"allowed": allowed_text_for(types)},
            code="type",
        )
