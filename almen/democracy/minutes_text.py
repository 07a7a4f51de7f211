"""The minutes' text: plain text the board edits in a textarea, with two conventions
that give the printed minutes their structure (and nothing else: no HTML, no
Markdown beyond these):

- a line that begins with ``# `` is a heading (an agenda item);
- lines that begin with ``- `` are a bulleted list.

Everything else is paragraphs, separated by blank lines. The page, the PDF and the
DOCX are all rendered from these blocks, so they say the same."""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADING = "heading"
PARAGRAPH = "paragraph"
LIST = "list"


_NUMBER = re.compile(r"^(\d{1,3})\.\s")


@dataclass(frozen=True)
class Block:
    kind: str
    text: str = ""
    items: tuple[str, ...] = ()

    @property
    def number(self) -> int | None:
        """An item heading's number ("5. Valg" → 5): the anchor ``#punkt-5`` that the
        decision page links to."""
        match = _NUMBER.match(self.text) if self.kind == HEADING else None
        return int(match.group(1)) if match else None


def blocks(text: str) -> list[Block]:
    out: list[Block] = []
    lines: list[str] = []
    bullets: list[str] = []

    def flush_lines() -> None:
        if lines:
            out.append(Block(PARAGRAPH, "\n".join(lines)))
            lines.clear()

    def flush_bullets() -> None:
        if bullets:
            out.append(Block(LIST, items=tuple(bullets)))
            bullets.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("# "):
            flush_lines()
            flush_bullets()
            out.append(Block(HEADING, line[2:].strip()))
        elif line.startswith("- "):
            flush_lines()
            bullets.append(line[2:].strip())
        elif not line:
            flush_lines()
            flush_bullets()
        else:
            flush_bullets()
            lines.append(line)
    flush_lines()
    flush_bullets()
    return out
