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
import json
from typing import Any

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
    # Lists of ENTRY_FIELDS (named once in the file, like a table's header).
    entries = [
        list(row)
        for row in BallotEntry.objects.filter(ballot=ballot)
        .order_by("seq")
        .values_list(*ENTRY_FIELDS)
    ]
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
