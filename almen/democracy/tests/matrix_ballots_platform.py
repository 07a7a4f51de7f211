"""The authorisation matrix's rows for the secret ballots' API (the platform part):
merged into ``almen/access/tests/test_matrix.py``'s EXPECTED (imported there, so the
helpers of test_matrix can be used here through ``m``).

The API answers a session as anonymous (a session is not a token). What a token of
organisation A, one of organisation B and an anonymous caller each see is
test_ballots_api.py's."""

from __future__ import annotations

from almen.access.tests import test_matrix as m
from almen.democracy.ballots_testing import BALLOT_COUNTED_ID, BALLOT_OPEN_ID

# The ballot the matrix's ``ballot_id`` names: the parts that add ballot pages set it
# too (setdefault: whichever part comes first decides). The open urafstemning is the
# organisation's only (404 to everyone through the API); the counted one is published
# and public (200).
_args: dict[str, str] = m.ARGS  # type: ignore[has-type]
_ballot = _args.setdefault("ballot_id", str(BALLOT_OPEN_ID))
_visible = _ballot == str(BALLOT_COUNTED_ID)

EXPECTED: dict[str, dict[str, int]] = {
    "api/v1/ballots": m.everyone(200),
    "api/v1/ballots/<ballot_id>": m.everyone(200 if _visible else 404),
    "api/v1/ballots/<ballot_id>/result": m.everyone(200 if _visible else 404),
    "api/v1/ballots/<ballot_id>/bulletin": m.everyone(200 if _visible else 404),
}
