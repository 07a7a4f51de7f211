"""The write-matrix rows for elections: merged into ``almen/access/tests/test_writes.py``'s
WRITES (imported at its end; use ``w.Write``, ``w._post_only``).

Nominating writes only while nomination is open and drawing only for a counted
election with an undecided tie, so each row's ``path`` makes one
(``ballots_elections_testing``). The managers (estate A's board, the organisation's
staff) write; everyone else gets the page's answer and nothing changes. Standing
oneself and withdrawing are walked persona by persona in
test_ballots_elections_views.py."""

from __future__ import annotations

from typing import Any

from almen.access.tests import test_writes as w
from almen.democracy import ballots_elections_testing as t
from almen.democracy.tests.matrix_ballots_elections import BALLOT, ELECTION_MANAGE

MANAGE = w._post_only(ELECTION_MANAGE)

WRITES: dict[str, Any] = {
    # A manager nominates a resident on the roll found by the search.
    f"{BALLOT}kandidater/": w.Write(
        form=False,
        path=t.candidates_path,
        data=lambda: {"action": "nominate", "resident": str(t.LAST["resident"].public_id)},
        outcomes=MANAGE,
    ),
    # The first POST asks; confirm=yes draws.
    f"{BALLOT}lodtraekning/": w.Write(
        form=False, path=t.draw_path, data=lambda: {"confirm": "yes"}, outcomes=MANAGE
    ),
}
