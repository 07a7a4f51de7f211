"""The write-matrix rows for running a ballot: merged into
``almen/access/tests/test_writes.py``'s WRITES (imported at its end; use ``w.Write``,
``w._post_only``).

Each row's ``path`` makes a ballot in the state its write needs
(``ballots_admin_testing``); its managers (estate A's board, the organisation's staff)
write, everyone else gets the ballot's answer and nothing changes. A hand count to check
was entered by someone who is none of the personas, so either manager may confirm it."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from almen.access.tests import test_writes as w
from almen.democracy import ballots_admin_testing as t
from almen.democracy.testing import DECISION_ID
from almen.democracy.tests.matrix_ballots_admin import BALLOT, ESTATE, MANAGE

WRITE = w._post_only(MANAGE)
CONFIRM = {"confirm": "yes"}


def _create() -> dict[str, Any]:
    opens = t.later(2)
    closes = t.later(2 + 24 * 7)
    return {
        "title": "Urafstemning fra skrivetesten",
        "question": "Skal skrivetesten have en urafstemning?",
        "authorised_by": str(DECISION_ID),
        "opens_date": timezone.localtime(opens).date().isoformat(),
        "opens_time": f"{timezone.localtime(opens):%H:%M}",
        "closes_date": timezone.localtime(closes).date().isoformat(),
        "closes_time": f"{timezone.localtime(closes):%H:%M}",
    }


WRITES: dict[str, Any] = {
    f"{ESTATE}ny/": w.Write(data=_create),
    f"{BALLOT}rediger/": w.Write(path=t.edit_path, data=lambda: {"title": "Ændret overskrift"}),
    f"{BALLOT}muligheder/": w.Write(
        form=False, path=t.options_path, data=lambda: {"label": "Jordvarme"}, outcomes=WRITE
    ),
    f"{BALLOT}aabn/": w.Write(form=False, path=t.open_path, data=lambda: CONFIRM, outcomes=WRITE),
    f"{BALLOT}luk/": w.Write(form=False, path=t.close_path, data=lambda: CONFIRM, outcomes=WRITE),
    f"{BALLOT}papir/": w.Write(
        form=False,
        path=t.paper_path,
        data=lambda: {"household": str(t.LAST["household"].public_id), "votes": "1", "q": ""},
        outcomes=WRITE,
    ),
    f"{BALLOT}optaelling/": w.Write(
        form=False,
        path=t.counts_path,
        data=lambda: {"channel": "papir", "option_1": "2", "option_2": "0", "option_3": "0"},
        outcomes=WRITE,
    ),
    f"{BALLOT}optaelling/<int:count_id>/kontrol/": w.Write(
        form=False, path=t.check_path, data=lambda: {"action": "confirm"}, outcomes=WRITE
    ),
    f"{BALLOT}optael/": w.Write(
        form=False, path=t.count_path, data=lambda: CONFIRM, outcomes=WRITE
    ),
    f"{BALLOT}offentliggoer/": w.Write(
        form=False, path=t.publish_path, data=lambda: CONFIRM, outcomes=WRITE
    ),
}
