"""The bulletin of a secret ballot as data (decision 0030, docs/voting.md): everything
an auditor needs to check the box without the database, in the format that
``bulletin_verify.py`` reads ("almen-ballot-v1").

It holds the ballot, its options, every entry of the box in chain order (tracker code,
marks, weight and the hashes), the confirmed hand counts, the stored tally and the
participation *totals* by channel. It never holds which household took part: the
participation rows are summed in the database, and no entry has a time or a key that
a household shares.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.models import Count, Q, Sum

from almen.democracy.bulletin_verify import ENTRY_FIELDS, FORMAT
from almen.democracy.models import (
    Ballot,
    BallotEntry,
    BallotInbox,
    BallotOption,
    CountStatus,
    PaperCount,
    Participation,
)


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the block, back as it was afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _when(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def participation_totals(ballot: Ballot) -> dict[str, int]:
    """Households that took part and their votes by channel: sums, never rows."""
    sums = Participation.objects.filter(ballot=ballot).aggregate(
        households=Count(
            "id", filter=Q(votes_digital__gt=0) | Q(votes_hall__gt=0) | Q(votes_paper__gt=0)
        ),
        votes_digital=Sum("votes_digital"),
        votes_hall=Sum("votes_hall"),
        votes_paper=Sum("votes_paper"),
    )
    return {key: int(value or 0) for key, value in sums.items()}


def box_entries(ballot: Ballot) -> list[tuple[Any, ...]]:
    """The box in chain order, each entry a tuple of ENTRY_FIELDS (an array in the
    file). The ORM writes the query; a plain cursor reads the rows in one ``fetchall``,
    without the ORM's per-row iterator (the fields are integers and strings: nothing to
    convert). The cyclic garbage collector is paused meanwhile: tuples of integers and
    strings cannot form a cycle, and 100,000 of them would otherwise set off collections
    that walk every object of the process (decision 0035; about a third of the read)."""
    query = BallotEntry.objects.filter(ballot=ballot).order_by("seq").values_list(*ENTRY_FIELDS)
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor, gc_paused():
        cursor.execute(sql, params)
        return cursor.fetchall()


def bulletin_data(ballot: Ballot) -> dict[str, Any]:
    """The whole bulletin of ``ballot`` as plain data (JSON-able), read from the rows
    as they are now: the entries, hand counts and participation are never taken from
    the stored tally, which is itself one of the things checked. A few queries and no
    model instance per entry (100,000 entries in a fraction of a second)."""
    estate = ballot.estate
    options = list(
        BallotOption.objects.filter(ballot=ballot)
        .order_by("position")
        .values_list("position", "kind", "label")
    )
    # Tuples of ENTRY_FIELDS (named once in the file, like a table's header).
    entries = box_entries(ballot)
    hand_counts = [
        {"channel": channel, "counts": counts}
        for channel, counts in PaperCount.objects.filter(
            ballot=ballot, status=CountStatus.CONFIRMED
        )
        .order_by("channel", "id")
        .values_list("channel", "counts")
    ]
    pool = BallotInbox.objects.filter(ballot=ballot).aggregate(votes=Sum("weight"))["votes"]
    return {
        "format": FORMAT,
        "ballot": {
            "id": str(ballot.public_id),
            "title": ballot.title,
            "question": ballot.question,
            "organisation": estate.organisation.name,
            "cvr": estate.organisation.cvr,
            "estate": estate.name,
            "estate_number": estate.number,
            "kind": ballot.kind,
            "purpose": ballot.purpose,
            "max_marks": ballot.max_marks,
            "state": ballot.state,
            "opens_at": _when(ballot.opens_at),
            "closes_at": _when(ballot.closes_at),
            "counted_at": _when(ballot.counted_at),
        },
        "options": [
            {"position": position, "kind": kind, "label": label}
            for position, kind, label in options
        ],
        "entry_fields": list(ENTRY_FIELDS),
        "entries": entries,
        "hand_counts": hand_counts,
        "participation": participation_totals(ballot),
        # Votes cast but still in the shuffling pool: 0 once the ballot is closed.
        "pool_votes": int(pool or 0),
        "tally": ballot.tally,
        "box_size": ballot.box_size,
        "chain_head": ballot.chain_head,
    }


def bulletin_json(data: dict[str, Any]) -> bytes:
    """The file an auditor downloads: compact UTF-8 JSON (``python3 -m json.tool``
    shows it indented)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
