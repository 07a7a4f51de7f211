"""Every action the product writes to the audit log has words (``display.ACTIONS``,
filled by the modules' manifests): the log shows "Måler slettet", never
"Green meter delete". The actions are found in the source, as the code writes them."""

from __future__ import annotations

import re
from pathlib import Path

from almen.audit.display import ACTIONS, action_label

ROOT = Path(__file__).resolve().parents[2]
WRITTEN = re.compile(r'action="([a-z_.]+)"')
# Keys that are not audit actions: argparse's and the rate limiter's.
NOT_AUDIT = {"store_true", "activate_code"}
# Written with an f-string in proposals_services (accept, reject or defer).
COMPUTED = {"democracy.proposal_accept", "democracy.proposal_reject", "democracy.proposal_defer"}


def _written() -> set[str]:
    found = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        found |= set(WRITTEN.findall(path.read_text(encoding="utf-8")))
    return found - NOT_AUDIT


def test_the_source_is_read() -> None:
    written = _written()
    assert {"create", "green.meter_delete", "democracy.ballot_vote", "invite"} <= written


def test_every_written_action_has_words() -> None:
    missing = sorted(a for a in _written() | COMPUTED if a not in ACTIONS)
    assert not missing, missing


def test_an_unknown_action_is_still_readable() -> None:
    assert action_label("green.meter_delete") == "Måler slettet"
    assert action_label("some.new_thing") == "Some new thing"
