"""The English catalogue is complete, compiled and used.

Danish is the source language (the msgids are Danish), so English is the one catalogue
that must translate everything: an empty or fuzzy entry would show Danish to an English
reader. The compiled .mo is committed, so it must match the .po it was made from."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

LOCALE = Path(settings.BASE_DIR) / "almen" / "locale" / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd%]")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def parse_po(path: Path) -> list[Entry]:
    """A small .po reader: msgid, msgid_plural, msgstr / msgstr[n], flags and
    continuation lines. Obsolete (#~) entries are skipped; msgctxt is not used here."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    pending_flags: set[str] = set()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#,"):
            pending_flags |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#") or not line:
            continue
        elif line.startswith("msgid "):
            current = Entry(flags=pending_flags, line=number)
            pending_flags = set()
            entries.append(current)
            current.msgid = ast.literal_eval(line[len("msgid ") :])
            target = ("msgid", 0)
        elif current is None:
            continue
        elif line.startswith("msgid_plural "):
            current.msgid_plural = ast.literal_eval(line[len("msgid_plural ") :])
            target = ("msgid_plural", 0)
        elif line.startswith("msgstr["):
            raw_index, _, value = line[len("msgstr[") :].partition("] ")
            current.msgstr[int(raw_index)] = ast.literal_eval(value)
            target = ("msgstr", int(raw_index))
        elif line.startswith("msgstr "):
            current.msgstr[0] = ast.literal_eval(line[len("msgstr ") :])
            target = ("msgstr", 0)
        elif line.startswith('"') and target is not None:
            text = ast.literal_eval(line)
            kind, index = target
            if kind == "msgid":
                current.msgid += text
            elif kind == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + text
            else:
                current.msgstr[index] += text
    return entries


@pytest.fixture(scope="module")
def english() -> list[Entry]:
    entries = parse_po(LOCALE / "django.po")
    assert len(entries) > 100, "the English catalogue looks empty or unreadable"
    return entries


def test_every_english_entry_is_translated_and_not_fuzzy(english: list[Entry]) -> None:
    header, *messages = english
    assert header.msgid == ""
    assert "fuzzy" not in header.flags, "the header is marked fuzzy"
    problems = []
    for e in messages:
        wanted = 2 if e.msgid_plural is not None else 1
        if "fuzzy" in e.flags:
            problems.append(f"line {e.line}: fuzzy: {e.msgid!r}")
        if len(e.msgstr) < wanted or not all(s.strip() for s in e.msgstr.values()):
            problems.append(f"line {e.line}: not translated: {e.msgid!r}")
    assert not problems, "\n".join(problems)


def test_english_translations_keep_the_placeholders(english: list[Entry]) -> None:
    problems = []
    for e in english[1:]:
        sources = [e.msgid] if e.msgid_plural is None else [e.msgid, e.msgid_plural]
        for index, text in e.msgstr.items():
            source = sources[min(index, len(sources) - 1)]
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                problems.append(f"line {e.line}: {source!r} -> {text!r}")
    assert not problems, "\n".join(problems)


def test_compiled_english_catalogue_matches_the_po(english: list[Entry]) -> None:
    with (LOCALE / "django.mo").open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)
    stale = []
    for e in english[1:]:
        if e.msgid_plural is None:
            if compiled.gettext(e.msgid) != e.msgstr[0]:
                stale.append(e.msgid)
        elif (
            compiled.ngettext(e.msgid, e.msgid_plural, 1) != e.msgstr[0]
            or compiled.ngettext(e.msgid, e.msgid_plural, 2) != e.msgstr[1]
        ):
            stale.append(e.msgid)
    assert not stale, "django.mo is out of date; run compilemessages:\n" + "\n".join(stale)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "english_texts", "danish_text"),
    [
        ("/", ["Housing organisations", "Skip to content", "Log in"], "Boligorganisationer"),
        (
            "/almene-maal/",
            ["Prerequisites for success", "That is why we will:", "Housing organisations"],
            "Forudsætninger for at lykkes",
        ),
    ],
)
def test_pages_render_in_english(
    cast: object, url: str, english_texts: list[str], danish_text: str
) -> None:
    client = Client()
    danish = client.get(url)
    assert danish.status_code == 200
    assert danish_text in danish.text

    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # as the header's switch sets it
    response = english.get(url)
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    for text in english_texts:
        assert text in response.text
    assert danish_text not in response.text
