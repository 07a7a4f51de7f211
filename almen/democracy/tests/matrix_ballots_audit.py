"""The authorisation matrix's rows for the ballots' audit (the bulletin file): merged
into ``almen/access/tests/test_matrix.py``'s EXPECTED (imported at its end, so the
helpers of test_matrix can be used here through ``m``).

The file is GET only (a POST is 405: test_writes' read-only check). Who reads it is
``access.ballot_for_bulletin``: the readers of a counted ballot. The matrix's ballot id
is shared by the ballot parts (``ARGS["ballot_id"]``); both matrix ballots' rows are
here, and test_ballots_audit_views walks both for every persona whichever is in ARGS."""

from __future__ import annotations

from almen.access.tests import test_matrix as m
from almen.democracy.ballots_testing import BALLOT_COUNTED_ID, BALLOT_OPEN_ID

_args: dict[str, str] = m.ARGS  # type: ignore[has-type]
_args.setdefault("ballot_id", str(BALLOT_COUNTED_ID))

BULLETIN_JSON = "afstemninger/<uuid:ballot_id>/opslag.json"

# BALLOT_COUNTED_ID: published to everyone, so its bulletin is everyone's.
COUNTED = m.everyone(200)
# BALLOT_OPEN_ID: votes are still being cast, so there is no bulletin: its readers (the
# estate's residents and board, the organisation's staff and board) get 404 like the
# outsiders; a resident of the organisation's other estate 403 and visitors the login
# page, as for the ballot itself.
OPEN = {**m.everyone(404), "resident_b": 403, m.ANON: 302}
ROWS = {str(BALLOT_COUNTED_ID): COUNTED, str(BALLOT_OPEN_ID): OPEN}

assert _args["ballot_id"] in ROWS, "ARGS['ballot_id'] names neither matrix ballot: add its row"
EXPECTED: dict[str, dict[str, int]] = {BULLETIN_JSON: ROWS[_args["ballot_id"]]}
