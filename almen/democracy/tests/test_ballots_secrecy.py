"""Nothing links a ballot paper to the household that cast it (issue 9, decision 0030,
docs/voting.md): no column, no ordering, no timestamp, no audit entry, no log line and
no stored message.

One ballot, 100 households of estate A voting one after another (more than
POOL_FULL, so that shuffled batches enter the box while the ballot is open), each
through its resident's account; then the rows on both sides are compared."""

from __future__ import annotations

import itertools
import json
import logging
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, models

from almen.audit.models import AuditEntry
from almen.democracy import ballots_box
from almen.democracy.ballots_testing import close_now, yes_no_ballot
from almen.democracy.models import Ballot, BallotEntry, BallotInbox, Participation
from almen.democracy.tests.ballots_helpers import households
from almen.notify.models import Notification
from almen.register.models import Household, Resident

pytestmark = pytest.mark.django_db
VOTERS = 100


def _fields(model: type[models.Model]) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def test_the_ballot_rows_hold_no_household_user_resident_or_time() -> None:
    """The exact columns: a new one on either side must be thought about here."""
    assert _fields(BallotInbox) == {"id", "ballot", "tracker", "marks", "weight"}
    assert _fields(BallotEntry) == {
        "id", "ballot", "seq", "batch", "tracker", "marks", "weight", "prev_hash", "hash",
    }  # fmt: skip
    assert _fields(Participation) == {
        "id", "ballot", "household", "votes_digital", "votes_hall", "votes_paper", "residents",
    }  # fmt: skip
    times = (models.DateField, models.DateTimeField, models.TimeField)
    for model in (BallotInbox, BallotEntry, Participation):
        assert not [f for f in model._meta.get_fields() if isinstance(f, times)], model
    # The pool's key is random (no order of arrival in it); the box's id follows its
    # shuffled order (below), not the order of voting.
    assert isinstance(BallotInbox._meta.pk, models.UUIDField)


class Voting:
    """The 100 households' votes, in the order they were cast, with what each side
    of the separation recorded."""

    def __init__(self) -> None:
        self.ballot = yes_no_ballot()
        self.households = households(VOTERS, residents=True)
        self.residents = {
            r.household_id: r
            for r in Resident.objects.filter(household__in=self.households).select_related("user")
        }
        self.trackers: list[str] = []  # in the order cast
        self.pool_order_while_open: list[str] = []

    def run(self) -> None:
        for n, household in enumerate(self.households):
            resident = self.residents[household.pk]
            receipt = ballots_box.cast(
                ballot=self.ballot,
                household=household,
                user=resident.user,
                resident=resident,
                marks=[1 + n % 3],
                votes=1,
            )
            self.trackers.append(receipt.tracker)
            # What the cast's on_commit does in production (the test's transaction
            # never commits): once 40 wait, a shuffled batch enters the box.
            ballots_box.flush(self.ballot.pk)
            if n == 29:  # 30 in the pool, none in the box yet
                self.pool_order_while_open = list(
                    BallotInbox.objects.filter(ballot=self.ballot)
                    .order_by("pk")
                    .values_list("tracker", flat=True)
                )
        self.ballot = close_now(self.ballot)


@pytest.fixture
def voting(cast) -> Voting:
    made = Voting()
    made.run()
    return made


def _sorted(values: list[int]) -> bool:
    return all(a < b for a, b in itertools.pairwise(values))


def test_the_box_order_does_not_mirror_the_order_of_voting(voting: Voting) -> None:
    """The households' participation rows are in the order they voted (their ids);
    the box is not. Each batch of 20 entered in a random order: all five in the order
    cast would happen once in (20!)^5 ≈ 10^91 runs."""
    cast_order = {tracker: n for n, tracker in enumerate(voting.trackers)}
    participations = Participation.objects.filter(ballot=voting.ballot).order_by("pk")
    assert list(participations.values_list("household_id", flat=True)) == [
        h.pk for h in voting.households
    ]
    box = list(
        BallotEntry.objects.filter(ballot=voting.ballot)
        .order_by("seq")
        .values_list("seq", "batch", "tracker", "id")
    )
    assert sorted(t for _s, _b, t, _i in box) == sorted(voting.trackers)
    batches: dict[int, list[int]] = {}
    for _seq, batch, tracker, _id in box:
        batches.setdefault(batch, []).append(cast_order[tracker])
    # Once 40 wait, 20 random ones move (each hidden among at least 20), the rest at close.
    assert [len(v) for v in batches.values()] == [20, 20, 20, 20, 20]
    for batch, order in batches.items():
        assert not _sorted(order), f"batch {batch} entered the box in the order cast"
    assert [cast_order[t] for _s, _b, t, _i in box] != list(range(VOTERS))
    # The box's primary keys add nothing: they follow the (shuffled) seq.
    assert [i for _s, _b, _t, i in box] == sorted(i for _s, _b, _t, i in box)
    # While the ballot was open, the pool's random keys did not keep the order either.
    assert len(voting.pool_order_while_open) == 30
    by_key = [cast_order[t] for t in voting.pool_order_while_open]
    assert not _sorted(by_key)


def test_the_audit_trail_says_who_voted_never_what(voting: Voting) -> None:
    about = AuditEntry.objects.filter(object_type="democracy.ballot", object_id=voting.ballot.pk)
    votes = about.filter(action="democracy.ballot_vote")
    assert votes.count() == VOTERS
    for entry in votes:
        after: dict[str, Any] = entry.after or {}
        assert entry.before is None
        assert set(after) == {"husstand", "stemmer"}
        assert after["stemmer"] == 1
    text = json.dumps(
        list(about.values("before", "after", "object_repr", "actor_label")),
        default=str,
    )
    assert not [t for t in voting.trackers if t in text]
    assert "marks" not in text and "kryds" not in text


def test_no_stored_message_holds_a_tracker(voting: Voting) -> None:
    """The outbox keeps its messages (and sends them later): none may carry a tracker
    code, which beside its recipient would say how that person voted."""
    rows = json.dumps(
        list(Notification.objects.values("kind", "address", "context", "key", "last_error")),
        default=str,
    )
    assert not [t for t in voting.trackers if t in rows]


def test_an_emailed_receipt_leaves_no_tracker_in_the_outbox(voting: Voting, client_for) -> None:
    """The voter's own receipt e-mail carries the tracker to them, but once sent the
    outbox row must not keep it beside the recipient (the kind is ephemeral)."""
    from django.core.management import call_command

    from almen.democracy.ballots_testing import BALLOT_OPEN_ID
    from almen.democracy.tests.test_ballots_vote import KEY, TRACKER, _text, _url, _vote

    client = client_for("resident_a")
    receipt = _text(_vote(client, BALLOT_OPEN_ID, "1", "2"))
    code, key = TRACKER.search(receipt), KEY.search(receipt)
    assert code and key
    sent = client.post(
        _url(BALLOT_OPEN_ID, "kvittering"), {"tracker": code.group(0), "key": key[1]}
    )
    assert sent.status_code == 200
    assert Notification.objects.filter(kind="democracy.ballot_receipt").exists()
    call_command("notify_worker", "--once")
    voting.trackers.append(code.group(0))
    test_no_stored_message_holds_a_tracker(voting)


def _every_logger_at_debug() -> list[tuple[logging.Logger, int]]:
    """Every logger to DEBUG, except that the database's statements stay at the level
    the settings give them (INFO: they would carry the rows' values)."""
    configured: dict[str, Any] = settings.LOGGING
    kept: dict[str, dict[str, str]] = configured["loggers"]
    changed = []
    for name in ["", *list(logging.root.manager.loggerDict)]:
        logger = logging.getLogger(name)
        changed.append((logger, logger.level))
        level = kept.get(name, {}).get("level")
        logger.setLevel(logging.getLevelName(level) if level else logging.DEBUG)
    return changed


def _voting_logs(caplog, *, statements: bool) -> tuple[Voting, str]:
    """Vote 45 times with every logger's records captured (and, with ``statements``,
    the database's statements logged with their values, as a debugging developer
    might)."""
    changed = _every_logger_at_debug()
    handler = caplog.handler
    # Also where a logger does not pass its records on to the root (caplog's own).
    added = [logger for logger, _level in changed if logger is not logging.root]
    for logger in added:
        logger.addHandler(handler)
    connection.force_debug_cursor = True
    if statements:
        logging.getLogger("django.db.backends").setLevel(logging.DEBUG)
    try:
        made = Voting()
        made.households = made.households[:45]
        caplog.clear()
        made.run()
        text = "\n".join(f"{r.name} {r.getMessage()} {r.__dict__}" for r in caplog.records)
    finally:
        connection.force_debug_cursor = False
        for logger, level in changed:
            logger.setLevel(level)
        for logger in added:
            logger.removeHandler(handler)
    return made, text


def _linked(made: Voting, text: str) -> list[str]:
    """Log records that hold a tracker code, or a mark beside who voted."""
    who = [str(h.public_id) for h in made.households] + [r.email for r in made.residents.values()]
    found = [t for t in made.trackers if t in text]
    for line in text.splitlines():
        if any(w in line for w in who) and ("marks" in line or "tracker" in line):
            found.append(line[:200])
    return found


def test_the_logs_never_hold_a_tracker_or_a_choice_beside_who_voted(cast, caplog) -> None:
    made, text = _voting_logs(caplog, statements=False)
    assert made.ballot.box_size == 45
    assert not _linked(made, text)


def test_the_log_check_finds_a_leak_when_there_is_one(cast, caplog) -> None:
    """The check above can fail: with the database's statements logged with their
    values (not what the settings allow), the same votes leak."""
    configured: dict[str, Any] = settings.LOGGING
    assert configured["loggers"]["django.db.backends"]["level"] in ("INFO", "WARNING")
    made, text = _voting_logs(caplog, statements=True)
    assert _linked(made, text)


def test_the_bulletin_holds_no_household(voting: Voting) -> None:
    from almen.democracy.ballots_bulletin import bulletin_data, bulletin_json

    ballot = Ballot.objects.get(pk=voting.ballot.pk)
    text = bulletin_json(bulletin_data(ballot)).decode()
    assert all(t in text for t in voting.trackers)
    people: list[Any] = [str(h.public_id) for h in voting.households]
    people += [r.email for r in voting.residents.values()]
    people += [r.name for r in voting.residents.values()]
    assert not [p for p in people if p in text]
    assert json.loads(text)["participation"] == {
        "households": VOTERS,
        "votes_digital": VOTERS,
        "votes_hall": 0,
        "votes_paper": 0,
    }
    assert Household.objects.filter(pk__in=[h.pk for h in voting.households]).count() == VOTERS
