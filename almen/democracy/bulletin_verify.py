#!/usr/bin/env python3
"""Check a ballot's bulletin: the hash chain of its ballot box and its totals.

Standalone on purpose: it needs Python 3.12 and nothing else (no Almen, no Django,
no database), so an auditor can read it in ten minutes and run it on a downloaded
bulletin file:

    python3 bulletin_verify.py bulletin.json

It exits 0 when every link of the chain and every total holds, and 1 with the first
broken link otherwise (2: the file cannot be read). Almen's own ``manage.py
ballot_verify`` runs the same functions on the database (docs/voting.md).

How the chain is built: the first entry's ``prev_hash`` is the ballot's *genesis*
(its id and its options); every entry's ``hash`` is SHA-256 of the previous hash and
the entry's own fields, one per line. Changing, removing, adding or moving an entry
changes every hash after it, and the last one is the published *chain head*.

What the totals are checked against: the votes in the box (digital) and the confirmed
hand counts (hall, paper) must add up to the stored tally, and the box must hold
exactly the digital votes that households were recorded as having cast (the
participation totals). So a ballot removed by someone who also recomputes the whole
chain is still found: the box then holds fewer votes than were cast.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

FORMAT = "almen-ballot-v1"
# An entry of the box, as a list of these (the file's "entry_fields").
ENTRY_FIELDS = ("seq", "batch", "tracker", "marks", "weight", "prev_hash", "hash")
# The hand counts' channels, as the tally names them, and how a message says them.
CHANNELS = {"salen": "hall", "papir": "paper"}


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


@dataclass(frozen=True)
class Report:
    ok: bool
    problem: str = ""  # the first broken link ("" when ok)
    entries: int = 0
    digital_votes: int = 0
    chain_head: str = ""


class Broken(Exception):
    """The first broken link: the check stops there."""


def verify(data: dict[str, Any]) -> Report:
    """Check the chain, then the totals; stop at the first thing that does not hold."""
    try:
        if data.get("format") != FORMAT:
            raise Broken(f"not an {FORMAT} bulletin")
        box, votes, head = check_chain(data)
        hand, hand_votes = check_cast(data, votes)
        if data.get("tally"):  # none before the count
            check_tally(data, box, votes, hand, hand_votes)
    except Broken as broken:
        return Report(ok=False, problem=str(broken))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return Report(ok=False, problem=f"not a readable {FORMAT} bulletin ({exc!r})")
    return Report(ok=True, entries=len(data["entries"]), digital_votes=votes, chain_head=head)


def _options(data: dict[str, Any]) -> dict[int, str]:
    """The ballot's options: position → kind ("ja", "nej", "blank", …)."""
    return {int(o["position"]): str(o["kind"]) for o in data["options"]}


def paper_problem(marks: str, kinds: dict[int, str], max_marks: int) -> str:
    """Why ``marks`` ("2" or "1,4,5") is not a valid paper ("" when it is): options of
    the ballot, none twice, at most ``max_marks``, "Blank" only on its own."""
    chosen = [int(m) if m.isdigit() else 0 for m in marks.split(",")]
    if len(set(chosen)) != len(chosen) or any(m not in kinds for m in chosen):
        return f"marks {marks!r} are not options of the ballot"
    if len(chosen) > max_marks or (len(chosen) > 1 and "blank" in {kinds[m] for m in chosen}):
        return f"marks {marks!r} are not a valid ballot paper"
    return ""


def check_chain(data: dict[str, Any]) -> tuple[Counter[int], int, str]:
    """Walk the entries from the genesis; return the digital votes per option, in all,
    and the hash the chain ends in."""
    if data["entry_fields"] != list(ENTRY_FIELDS):
        raise Broken(f"entries are not {', '.join(ENTRY_FIELDS)}")
    ballot_id = str(data["ballot"]["id"])
    options = [(int(o["position"]), str(o["kind"]), str(o["label"])) for o in data["options"]]
    kinds, max_marks = _options(data), int(data["ballot"].get("max_marks", 1))
    prev = genesis(ballot_id, options)
    papers: Counter[str] = Counter()  # votes per marks as written ("1", "2,5"): a paper
    problems: dict[str, str] = {}  # each distinct marks checked once
    trackers: set[str] = set()
    for n, (seq, _batch, tracker, marks, weight, prev_hash, digest) in enumerate(
        data["entries"], start=1
    ):
        if seq > n:
            raise Broken(f"entry {n} missing (seq jumps {n - 1} → {seq})")
        if seq < n:
            raise Broken(f"entry {seq} out of order (it comes after entry {n - 1})")
        if prev_hash != prev:
            after = "the ballot's options (was an option changed?)" if n == 1 else f"entry {n - 1}"
            raise Broken(f"entry {n}: does not follow {after}")
        if entry_hash(prev, ballot_id, seq, tracker, marks, weight) != digest:
            raise Broken(f"entry {n}: hash does not match")
        if marks not in problems:
            problems[marks] = paper_problem(str(marks), kinds, max_marks)
        if problems[marks]:
            raise Broken(f"entry {n}: {problems[marks]}")
        if weight not in (1, 2):  # one paper carries 1 or 2 of a household's 2 votes
            raise Broken(f"entry {n}: a paper of {weight} votes")
        if tracker in trackers:
            raise Broken(f"entry {n}: its tracker code is already on an earlier entry")
        trackers.add(tracker)
        papers[marks] += weight
        prev = digest
    # An empty box has no head yet (or the genesis).
    if data["chain_head"] != prev and (data["entries"] or data["chain_head"] != ""):
        raise Broken(f"chain head differs: the entries end in {prev}, not {data['chain_head']}")
    if int(data["box_size"]) != len(data["entries"]):
        raise Broken(f"box size differs: {len(data['entries'])} entries, not {data['box_size']}")
    box: Counter[int] = Counter()
    for marks, votes in papers.items():
        for mark in marks.split(","):
            box[int(mark)] += votes
    return box, sum(papers.values()), prev


def check_cast(data: dict[str, Any], votes: int) -> tuple[dict[str, Counter[int]], Counter[str]]:
    """The box and the hand counts against the votes the households were recorded as
    having cast (participation); return the hand counts per channel and option."""
    cast, kinds = data["participation"], _options(data)
    waiting = int(data.get("pool_votes", 0))
    if waiting:
        raise Broken(f"{waiting} vote(s) still in the pool, never entered into the box")
    if votes != int(cast["votes_digital"]):
        recorded = cast["votes_digital"]
        raise Broken(f"box holds {votes} digital votes but {recorded} were recorded as cast")
    hand: dict[str, Counter[int]] = {channel: Counter() for channel in CHANNELS}
    hand_votes: Counter[str] = Counter()
    for count in data["hand_counts"]:
        channel, counts = str(count["channel"]), count["counts"]
        if channel not in CHANNELS:
            raise Broken(f"a hand count of an unknown channel {channel!r}")
        for key, value in counts.items():
            if int(value) < 0:
                raise Broken(f"the {CHANNELS[channel]} count has {value} votes for {key}")
            if key == "papers":
                continue
            if int(key) not in kinds:
                raise Broken(f"the {CHANNELS[channel]} count has votes for option {key}")
            hand[channel][int(key)] += int(value)
        # An election's paper may mark several candidates: its count says how many papers.
        papers = counts.get("papers", sum(int(v) for v in counts.values()))
        hand_votes[channel] += int(papers)
    for channel, word in CHANNELS.items():
        if hand_votes[channel] > int(cast[f"votes_{word}"]):
            raise Broken(
                f"the {word} count holds {hand_votes[channel]} votes but only "
                f"{cast[f'votes_{word}']} were recorded as cast on {word}"
            )
    return hand, hand_votes


def check_tally(
    data: dict[str, Any],
    box: Counter[int],
    votes: int,
    hand: dict[str, Counter[int]],
    hand_votes: Counter[str],
) -> None:
    """The stored tally against the box and the hand counts, option by option."""
    tally, kinds = data["tally"], _options(data)
    if set(tally["options"]) != {str(p) for p in kinds}:
        raise Broken("totals differ: the tally's options are not the ballot's options")
    where = {"digital": "in the box", "salen": "in the hall count", "papir": "in the paper count"}
    for position in kinds:
        row = tally["options"][str(position)]
        found = {"digital": box[position], **{ch: hand[ch][position] for ch in CHANNELS}}
        for key, n in [*found.items(), ("total", sum(found.values()))]:
            if int(row[key]) != n:
                said = where.get(key, "in all")
                raise Broken(
                    f"totals differ: option {position} has {n} {said} but {row[key]} in the tally"
                )
    blank = sum(
        box[p] + hand["salen"][p] + hand["papir"][p] for p, k in kinds.items() if k == "blank"
    )
    expected = {
        "votes_digital": votes,
        "votes_hall": hand_votes["salen"],
        "votes_paper": hand_votes["papir"],
        "votes": votes + hand_votes["salen"] + hand_votes["papir"],
        "blank": blank,
        "households": int(data["participation"]["households"]),
        "box_size": len(data["entries"]),
        "chain_head": data["chain_head"],
    }
    for key, value in expected.items():
        if key in tally and tally[key] != value:
            raise Broken(
                f"totals differ: {key} is {value} by the box but {tally[key]} in the tally"
            )


def main(argv: Sequence[str] | None = None) -> int:
    """``python3 bulletin_verify.py FILE``: 0 intact, 1 broken, 2 unreadable."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: python3 bulletin_verify.py bulletin.json", file=sys.stderr)
        return 2
    try:
        with open(args[0], encoding="utf-8") as file:
            data = json.load(file)
    except (OSError, ValueError) as exc:
        print(f"cannot read {args[0]}: {exc}", file=sys.stderr)
        return 2
    report = verify(data) if isinstance(data, dict) else Report(False, "not a bulletin")
    if not report.ok:
        print(f"BROKEN: {report.problem}", file=sys.stderr)
        return 1
    print(f"OK: {report.entries} entries, {report.digital_votes} digital votes")
    print(f"chain head {report.chain_head}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
