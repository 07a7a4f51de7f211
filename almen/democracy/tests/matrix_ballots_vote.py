"""The authorisation matrix's rows for the voting part (a resident votes and checks
their vote): merged into ``almen/access/tests/test_matrix.py``'s EXPECTED (imported at
its end, so the helpers of test_matrix can be used here through ``m``).

The matrix's ballot is the open urafstemning of estate A (``BALLOT_OPEN_ID``). The
counted one's bulletin (public) is walked persona by persona in test_ballots_vote.py."""

from __future__ import annotations

from almen.access.tests import test_matrix as m
from almen.democracy.ballots_testing import BALLOT_OPEN_ID

_args: dict[str, str] = m.ARGS  # type: ignore[has-type]
_args.setdefault("ballot_id", str(BALLOT_OPEN_ID))

BALLOT = "afstemninger/<uuid:ballot_id>/"

# Voting: the estate's residents (estate A's board member lives there too). The
# ballot's other readers (the organisation's board and staff) may not vote (403), nor
# a resident of another estate of the organisation; outsiders 404.
VOTE = {
    **m.everyone(404),
    "resident_a": 200,
    "resident_b": 403,
    "estate_board_a": 200,
    "org_board": 403,
    "org_staff": 403,
    m.ANON: 302,
}
# The bulletin of a ballot that is not counted yet: there is none (404) for its
# readers; the organisation's other members 403, outsiders 404.
BULLETIN_BEFORE_COUNT = {**m.everyone(404), "resident_b": 403, m.ANON: 302}

EXPECTED: dict[str, dict[str, int]] = {
    f"{BALLOT}stem/": VOTE,
    # POST-only (the receipt's "Send koden til min e-mail"): GET is 405 for everyone.
    f"{BALLOT}kvittering/": m.everyone(405),
    f"{BALLOT}opslag/": BULLETIN_BEFORE_COUNT,
}
