"""The write-matrix rows for the voting part: merged into
``almen/access/tests/test_writes.py``'s WRITES (imported at its end; use ``w.Write``,
``w._post_only``).

- Voting: the matrix sends the ballot paper (the first POST, which shows the
  confirmation and stores nothing but a nonce in the session). The confirmation needs
  that session's nonce, so casting itself (and its replay) is walked in
  test_ballots_vote.py; its access is the same function.
- The receipt: a vote is cast in the open ballot first (its tracker is the row's
  data); the estate's residents get the e-mail queued, everyone else is refused and
  nothing is written.
- The bulletin's "Find din kode" posts (so the code is not in a URL) and writes
  nothing: sent to the counted, public ballot, everyone gets the page."""

from __future__ import annotations

from typing import Any

from almen.access.tests import test_writes as w
from almen.conftest import PERSONA_KEYS
from almen.democracy import ballots_box
from almen.democracy.ballots_testing import BALLOT_COUNTED_ID, BALLOT_OPEN_ID
from almen.democracy.models import Ballot
from almen.democracy.tests.matrix_ballots_vote import BALLOT, VOTE

LAST: dict[str, str] = {}


def _receipt_path() -> str:
    ballot = Ballot.objects.get(public_id=BALLOT_OPEN_ID)
    household = ballots_box.roll(ballot).order_by("-pk").first()
    assert household is not None
    receipt = ballots_box.cast(ballot=ballot, household=household, user=None, marks=[1], votes=1)
    LAST["tracker"] = receipt.tracker
    return f"/afstemninger/{BALLOT_OPEN_ID}/kvittering/"


WRITES: dict[str, Any] = {
    f"{BALLOT}stem/": w.Write(
        form=False,
        data=lambda: {"marks": "1", "votes": "2", "action": "choose"},
        outcomes=w._post_only(VOTE),
        ok_status=(200,),
        writes=False,
    ),
    f"{BALLOT}kvittering/": w.Write(
        form=False,
        path=_receipt_path,
        data=lambda: {"tracker": LAST["tracker"], "key": "matrixens-kvittering-1"},
        outcomes=w._post_only(VOTE),
        ok_status=(200,),
    ),
    f"{BALLOT}opslag/": w.Write(
        form=False,
        path=lambda: f"/afstemninger/{BALLOT_COUNTED_ID}/opslag/",
        data=lambda: {"kode": "K7F-3QX-M2P"},
        outcomes=dict.fromkeys(PERSONA_KEYS, "ok"),
        ok_status=(200,),
        writes=False,
    ),
}
