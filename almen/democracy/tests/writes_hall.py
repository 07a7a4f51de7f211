"""The write-matrix rows for the democracy's hall: merged into
``almen/access/tests/test_writes.py``'s WRITES (imported at its end; use
``w.Write``, ``w._post_only``).

Every route writes only on a meeting that is under way, so each row's ``path`` makes
one (``hall_testing.meeting_today``) with what the write needs; the row's data then
names what was made. The managers (estate A's board, the organisation's staff) write;
everyone else gets the hall's answer and nothing changes."""

from __future__ import annotations

from typing import Any

from almen.access.tests import test_writes as w
from almen.democracy import hall_testing as t
from almen.democracy.testing import DECISION_ID
from almen.democracy.tests.matrix_hall import HALL, HALL_MANAGE

MANAGE = w._post_only(HALL_MANAGE)
VOTES = {"votes_for": "2", "votes_against": "0", "votes_blank": "0", "outcome": ""}

WRITES: dict[str, Any] = {
    f"{HALL}tjek-ind/": w.Write(
        form=False,
        path=t.checkin_path,
        data=lambda: {"household": str(t.LAST["household"].public_id), "q": ""},
        outcomes=MANAGE,
    ),
    # The first POST asks; confirm=yes undoes.
    f"{HALL}fremmoede/<int:attendance_id>/fortryd/": w.Write(
        form=False, path=t.undo_path, data=lambda: {"confirm": "yes"}, outcomes=MANAGE
    ),
    f"{HALL}fuldmagt/": w.Write(
        form=False,
        path=t.proxy_path,
        data=lambda: {
            "holder": str(t.LAST["holder"].public_id),
            "represented": str(t.LAST["represented"].public_id),
            "shown": "on",
        },
        outcomes=MANAGE,
    ),
    f"{HALL}punkter/<int:item_id>/afstemning/": w.Write(
        form=False, path=t.item_vote_path, data=lambda: dict(VOTES), outcomes=MANAGE
    ),
    f"{HALL}punkter/<int:item_id>/kandidater/": w.Write(
        form=False,
        path=t.candidate_path,
        data=lambda: {"name": "Amalie Juhl", "post": "medlem"},
        outcomes=MANAGE,
    ),
    f"{HALL}punkter/<int:item_id>/valg/": w.Write(
        form=False,
        path=t.election_path,
        data=lambda: {
            f"votes_{t.LAST['candidate'].pk}": "2",
            "elected": [str(t.LAST["candidate"].pk)],
        },
        outcomes=MANAGE,
    ),
    f"{HALL}aendringsforslag/<int:amendment_id>/afstemning/": w.Write(
        form=False, path=t.amendment_vote_path, data=lambda: dict(VOTES), outcomes=MANAGE
    ),
    # The first POST asks; confirm=yes marks the meeting held.
    f"{HALL}afslut/": w.Write(
        form=False, path=t.close_path, data=lambda: {"confirm": "yes"}, outcomes=MANAGE
    ),
    # The letter's QR code, for a meeting under way and a household on its roll.
    "moeder/<uuid:meeting_id>/tjek-ind/<str:token>/": w.Write(
        form=False,
        path=t.scan_path,
        data=lambda: {"household": str(t.LAST["household"].public_id)},
        outcomes=MANAGE,
    ),
    # Proxies allowed (cap 2) by the matrix decision of estate A's meeting.
    "organisationer/<str:cvr>/afdelinger/<int:number>/moederegler/": w.Write(
        data=lambda: {
            "proxies_allowed": "on",
            "proxy_cap": "2",
            "proxy_decision": str(DECISION_ID),
        }
    ),
}
