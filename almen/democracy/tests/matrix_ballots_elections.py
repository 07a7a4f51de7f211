"""The authorisation matrix's rows for elections (candidates and the draw): merged into
``almen/access/tests/test_matrix.py``'s EXPECTED (imported at its end, so the helpers
of test_matrix can be used here through ``m``)."""

from __future__ import annotations

from almen.access.tests import test_matrix as m
from almen.democracy.ballots_testing import BALLOT_OPEN_ID

# The matrix's ballot is the open urafstemning of estate A (ballots_testing); the other
# ballot parts use the same id.
_args: dict[str, str] = m.ARGS  # type: ignore[has-type]
_args.setdefault("ballot_id", str(BALLOT_OPEN_ID))

BALLOT = "afstemninger/<uuid:ballot_id>/"

# Who may read an election's candidates is decided first, then whether the ballot is
# an election: the matrix's ballot is an urafstemning, so its readers (estate A's
# residents, its board, the organisation's staff and board) get 404, its organisation's
# other members 403, outsiders 404. An election is walked persona by persona in
# test_ballots_elections_views.py (draft, open and counted).
CANDIDATES = {
    **m.everyone(404),
    "resident_b": 403,
    m.ANON: 302,
}
# The managers of an election (estate A's board, the organisation's staff), for the
# write matrix: the organisation board and estate A's residents read it (403), the
# organisation's other members 403, everyone else 404.
ELECTION_MANAGE = {
    **m.everyone(404),
    "resident_a": 403,
    "resident_b": 403,
    "estate_board_a": 200,
    "org_board": 403,
    "org_staff": 200,
    m.ANON: 302,
}

EXPECTED: dict[str, dict[str, int]] = {
    f"{BALLOT}kandidater/": CANDIDATES,
    # POST-only (the first POST shows the tie and asks, confirm=yes draws).
    f"{BALLOT}lodtraekning/": m.everyone(405),
}
