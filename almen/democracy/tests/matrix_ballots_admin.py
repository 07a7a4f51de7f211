"""The authorisation matrix's rows for running a ballot: merged into
``almen/access/tests/test_matrix.py``'s EXPECTED (imported at its end, so the helpers
of test_matrix can be used here through ``m``).

The matrix ballot (``ballots_testing.BALLOT_OPEN_ID``) is estate A's open urafstemning,
its result for the organisation: its readers are estate A's residents, its board, the
organisation's staff and board; resident_b (organisation A, estate 2) is a member who
may not (403); everyone else is an outsider (404). Its managers are estate A's board
and the organisation's staff. What each page shows whom is in
``test_ballots_admin_views.py``."""

from __future__ import annotations

from almen.access.tests import test_matrix as m
from almen.democracy.ballots_testing import BALLOT_OPEN_ID

_args: dict[str, str] = m.ARGS  # type: ignore[has-type]
_args.setdefault("ballot_id", str(BALLOT_OPEN_ID))
_args.setdefault("count_id", "1")  # no hand count exists in the matrix's database

READ = {
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
MANAGE = {**READ, "resident_a": 403, "org_board": 403}
# The organisation's overview: its staff and board; its other members 403.
ORGANISATION = {**MANAGE, "estate_board_a": 403, "org_board": 200}
ESTATE = "organisationer/<str:cvr>/afdelinger/<int:number>/afstemninger/"
BALLOT = "afstemninger/<uuid:ballot_id>/"

EXPECTED: dict[str, dict[str, int]] = {
    ESTATE: READ,
    f"{ESTATE}ny/": MANAGE,
    "organisationer/<str:cvr>/afstemninger/": ORGANISATION,
    BALLOT: READ,
    # The managers' pages answer them 200 whatever the ballot's state (an open ballot's
    # edit page says it can no longer be edited, its count page that it is not closed).
    f"{BALLOT}rediger/": MANAGE,
    f"{BALLOT}muligheder/": MANAGE,
    f"{BALLOT}aabn/": MANAGE,
    f"{BALLOT}luk/": MANAGE,
    f"{BALLOT}papir/": MANAGE,
    f"{BALLOT}optaelling/": MANAGE,
    # The ballot's decision first, then the count (none exists: 404 for the managers).
    f"{BALLOT}optaelling/<int:count_id>/kontrol/": {
        **MANAGE,
        "estate_board_a": 404,
        "org_staff": 404,
    },
    f"{BALLOT}optael/": MANAGE,
    f"{BALLOT}offentliggoer/": MANAGE,
}
