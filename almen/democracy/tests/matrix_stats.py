"""The authorisation matrix's rows for the democracy's stats: merged into
``almen/access/tests/test_matrix.py``'s EXPECTED (imported at its end, so the
helpers of test_matrix can be used here through ``m``)."""

from __future__ import annotations

from almen.access.tests import test_matrix as m

# Estate A's participation: its residents, its board, the organisation's staff and
# board; resident_b (estate 2 of the same organisation) is a member who may not (403).
ESTATE_A_READERS = {
    "resident_a": 200,
    "resident_b": 403,
    "estate_board_a": 200,
    "org_board": 200,
    "org_staff": 200,
    "other_org_staff": 404,
    "municipality_officer": 404,
    "sector_staff": 404,
    m.ANON: 302,
}
# Organisation A's participation across its estates: its staff and board.
ORG_A_STAFF_AND_BOARD = {
    **ESTATE_A_READERS,
    "resident_a": 403,
    "estate_board_a": 403,
}

EXPECTED: dict[str, dict[str, int]] = {
    "organisationer/<str:cvr>/afdelinger/<int:number>/deltagelse/": ESTATE_A_READERS,
    "organisationer/<str:cvr>/afdelinger/<int:number>/deltagelse.csv": ESTATE_A_READERS,
    "organisationer/<str:cvr>/deltagelse/": ORG_A_STAFF_AND_BOARD,
    "organisationer/<str:cvr>/deltagelse.csv": ORG_A_STAFF_AND_BOARD,
    # The API answers a session as anonymous (a session is not a token): no meetings,
    # and the matrix meeting and its proposals are 404; the matrix decision is the
    # organisation's (not public), so 404 too. Tokens: test_stats_api.py.
    "api/v1/meetings": m.everyone(200),
    "api/v1/meetings/<meeting_id>": m.everyone(404),
    "api/v1/meetings/<meeting_id>/proposals": m.everyone(404),
    "api/v1/decisions": m.everyone(200),
    "api/v1/decisions/<decision_id>": m.everyone(404),
}
