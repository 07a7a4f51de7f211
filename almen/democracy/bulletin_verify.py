#!/usr/bin/env python3
"""Check a ballot's bulletin: the hash chain of its ballot box and its totals.

Standalone on purpose: it needs Python 3.12 and nothing else (no Almen, no Django,
no database), so an auditor can read it in ten minutes and run it on a downloaded
bulletin file:

    python3 bulletin_verify.py bulletin.json

It exits 0 when every link of the chain and every total holds, and 1 with the first
broken link otherwise. Almen's own ``manage.py ballot_verify`` runs the same functions
on the database (docs/voting.md).

How the chain is built: the first entry's ``prev_hash`` is the ballot's *genesis*
(its id and its options); every entry's ``hash`` is SHA-256 of the previous hash and
the entry's own fields, one per line. Changing, removing, adding or moving an entry
changes every hash after it, and the last one is the published *chain head*.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

FORMAT = "almen-ballot-v1"


def genesis(ballot_id: str, options: Iterable[tuple[int, str, str]]) -> str:
    """The hash the chain starts from: the ballot's id and its options
    (position, kind, label), so that a renamed option breaks the chain too."""
    lines = [FORMAT, str(ballot_id)]
    lines += [f"{position}:{kind}:{label}" for position, kind, label in options]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def entry_hash(
    prev_hash: str, ballot_id: str, seq: int, tracker: str, marks: str, weight: int
) -> str:
    """One entry's hash: it covers the previous entry's hash and every field."""
    text = "\n".join([prev_hash, str(ballot_id), str(seq), tracker, marks, str(weight)])
    return hashlib.sha256(text.encode()).hexdigest()
