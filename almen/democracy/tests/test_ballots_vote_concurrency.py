"""A vote under way while the ballot closes, on PostgreSQL (SQLite runs one writer at a
time, so the race cannot happen there; CI runs this with DATABASE_URL=postgres://…).

A vote that found the ballot open but was committed after the close had moved the
pool into the box would stay in the pool: counted in the participation, missing from
the box and the tally. ``ballots_box._ballot_for_cast`` makes the close wait for a vote under
way, and a vote that starts during a close read the ballot closed. The threads commit
(they are not inside the test's transaction), so the test makes what it needs through a
thread and removes it afterwards."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from almen.audit.models import AuditEntry
from almen.democracy import ballots_box, ballots_testing
from almen.democracy.models import Ballot, BallotEntry, BallotInbox, Participation
from almen.lib.tests.threads import in_thread

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Races need a database with real concurrent transactions: run on PostgreSQL "
        "(CI does, with DATABASE_URL=postgres://…).",
    ),
]


def _setup() -> dict[str, Any]:
    ballot = ballots_testing.yes_no_ballot(title="Afstemning med lukning under stemmen")
    household = ballots_box.roll(ballot).order_by("pk").first()
    assert household is not None
    return {"ballot": ballot, "household": household}


def _teardown(made: dict[str, Any]) -> None:
    pk = made["ballot"].pk
    AuditEntry.objects.filter(object_type="democracy.ballot", object_id=str(pk)).delete()
    Ballot.objects.filter(pk=pk).delete()


def _start(fn: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    """``fn`` in a thread of its own, on its own connection; its result or exception."""
    out: list[Any] = []

    def run() -> None:
        try:
            out.append(fn())
        except BaseException as exc:
            out.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


def _cast(made: dict[str, Any]) -> Any:
    return ballots_box.cast(
        ballot=made["ballot"], household=made["household"], user=None, marks=[1], votes=2
    )


def _close(made: dict[str, Any]) -> Any:
    return ballots_testing.close_now(Ballot.objects.get(pk=made["ballot"].pk))


def _state(made: dict[str, Any]) -> tuple[str, int, int, int, int]:
    ballot = Ballot.objects.get(pk=made["ballot"].pk)
    part = Participation.objects.filter(ballot=ballot).first()
    return (
        ballot.state,
        ballot.box_size,
        BallotEntry.objects.filter(ballot=ballot).count(),
        BallotInbox.objects.filter(ballot=ballot).count(),
        part.votes if part else 0,
    )


def _waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()"
        )
        return bool(cursor.fetchone()[0])


def test_a_close_waits_for_a_vote_under_way_and_boxes_it(monkeypatch) -> None:
    made = in_thread(_setup)
    checked, go = threading.Event(), threading.Event()
    real = ballots_box.clean_marks

    def paused(ballot: Any, marks: Any) -> str:
        # The vote has found the ballot open (and holds it open); it waits here.
        stored = real(ballot, marks)
        checked.set()
        assert go.wait(30)
        return stored

    monkeypatch.setattr(ballots_box, "clean_marks", paused)
    try:
        voting, vote = _start(lambda: _cast(made))
        assert checked.wait(30)
        closing, closed = _start(lambda: _close(made))
        # The close is blocked by the vote's lock (polled, not timed).
        for _attempt in range(2000):
            if in_thread(_waiting_for_a_lock):
                break
        else:
            pytest.fail("the close did not wait for the vote under way")
        go.set()
        voting.join(30)
        closing.join(30)
        assert isinstance(vote[0], ballots_box.Receipt), vote
        assert isinstance(closed[0], Ballot), closed
        # The vote is in the box, the pool is empty, the household used its 2 votes.
        assert in_thread(lambda: _state(made)) == ("lukket", 1, 1, 0, 2)
    finally:
        go.set()
        in_thread(lambda: _teardown(made))


def test_a_vote_that_starts_during_a_close_is_refused(monkeypatch) -> None:
    made = in_thread(_setup)
    flushing, go = threading.Event(), threading.Event()
    real = ballots_box.flush

    def paused(ballot_pk: int, *, everything: bool = False) -> int:
        if everything:  # the close, holding the ballot FOR UPDATE, waits here
            flushing.set()
            assert go.wait(30)
        return real(ballot_pk, everything=everything)

    monkeypatch.setattr(ballots_box, "flush", paused)
    try:
        closing, closed = _start(lambda: _close(made))
        assert flushing.wait(30)
        voting, vote = _start(lambda: _cast(made))
        for _attempt in range(2000):
            if in_thread(_waiting_for_a_lock):
                break
        else:
            pytest.fail("the vote did not wait for the close")
        go.set()
        closing.join(30)
        voting.join(30)
        assert isinstance(closed[0], Ballot), closed
        assert isinstance(vote[0], ValidationError), vote
        assert "Afstemningen lukkede" in " ".join(vote[0].messages)
        # Nothing half-cast: no participation, nothing left in the pool.
        assert in_thread(lambda: _state(made)) == ("lukket", 0, 0, 0, 0)
    finally:
        go.set()
        in_thread(lambda: _teardown(made))
