"""One household voting from many devices at once, and votes racing the close, on
PostgreSQL (SQLite serialises every write, so the race cannot happen there; CI runs
this with DATABASE_URL=postgres://…).

Each thread has its own database connection and commits, so the test makes what it
needs through a thread and removes it again afterwards (like
``test_proposals_concurrency.py``); the persona estate is the shared fixture."""

from __future__ import annotations

import datetime as dt
import io
import threading
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from almen.audit.models import AuditEntry
from almen.democracy import ballots_box
from almen.democracy.ballots_testing import close_now, yes_no_ballot
from almen.democracy.models import Ballot, BallotEntry, BallotInbox, BallotState, Participation
from almen.democracy.tests.ballots_helpers import households
from almen.lib.tests.threads import in_thread, parallel
from almen.register.models import Household, Unit

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Races need a database with real concurrent transactions: run on PostgreSQL "
        "(CI does, with DATABASE_URL=postgres://…).",
    ),
]
THREADS = 8
BOTH_USED = "Jeres husstand har allerede brugt begge sine 2 stemmer i afstemningen."
ONE_LEFT = "Jeres husstand har kun 1 stemme tilbage."


def _setup(n_households: int, **fields: Any) -> dict[str, Any]:
    ballot = yes_no_ballot(**fields)
    return {"ballot": ballot, "households": households(n_households)}


def _teardown(made: dict[str, Any]) -> None:
    ballot = made["ballot"]
    AuditEntry.objects.filter(object_type="democracy.ballot", object_id=str(ballot.pk)).delete()
    Ballot.objects.filter(pk=ballot.pk).delete()  # its options, participation and box
    units = [h.unit_id for h in made["households"]]
    Household.objects.filter(pk__in=[h.pk for h in made["households"]]).delete()
    Unit.objects.filter(pk__in=units).delete()


@pytest.fixture
def made(request) -> Any:
    """Committed through a thread: a ballot and ``request.param`` new households."""
    made = in_thread(partial(_setup, getattr(request, "param", 1)))
    yield made
    in_thread(lambda: _teardown(made))


def _vote(made: dict[str, Any], household: Household, votes: int, marks: int = 1) -> Any:
    try:
        return ballots_box.cast(
            ballot=made["ballot"], household=household, user=None, marks=[marks], votes=votes
        )
    except ValidationError as exc:
        return exc.messages[0]


def _counts(ballot: Ballot) -> dict[str, Any]:
    """What the database holds now: votes recorded per household, votes in the pool and
    the box, and the audit entries of votes."""
    return {
        "recorded": dict(
            Participation.objects.filter(ballot=ballot).values_list("household_id", "votes_digital")
        ),
        "papers": BallotInbox.objects.filter(ballot=ballot).aggregate(w=Sum("weight"))["w"] or 0,
        "boxed": BallotEntry.objects.filter(ballot=ballot).aggregate(w=Sum("weight"))["w"] or 0,
        "audited": AuditEntry.objects.filter(
            action="democracy.ballot_vote", object_id=str(ballot.pk)
        ).count(),
    }


def _verified(ballot: Ballot) -> None:
    """Closing the ballot leaves a box that ``ballot_verify`` passes."""

    def close_and_verify() -> None:
        close_now(Ballot.objects.get(pk=ballot.pk))
        call_command("ballot_verify", str(ballot.public_id), stdout=io.StringIO())

    in_thread(close_and_verify)


@pytest.mark.parametrize(("votes", "winners", "refusal"), [(1, 2, BOTH_USED), (2, 1, BOTH_USED)])
def test_one_household_from_many_devices_at_once_records_exactly_two_votes(
    made, votes: int, winners: int, refusal: str
) -> None:
    household = made["households"][0]
    results = parallel([partial(_vote, made, household, votes) for _ in range(THREADS)])
    receipts = [r for r in results if isinstance(r, ballots_box.Receipt)]
    refused = [r for r in results if not isinstance(r, ballots_box.Receipt)]
    assert len(receipts) == winners, results
    assert sum(r.weight for r in receipts) == 2
    assert len({r.tracker for r in receipts}) == winners
    assert set(refused) <= {BOTH_USED, ONE_LEFT}, refused
    assert refusal in refused
    assert in_thread(partial(_counts, made["ballot"])) == {
        "recorded": {household.pk: 2},
        "papers": 2,
        "boxed": 0,
        "audited": winners,
    }
    _verified(made["ballot"])


@pytest.mark.parametrize("made", [2], indirect=True)
def test_two_households_from_many_devices_at_once_record_two_votes_each(made) -> None:
    first, second = made["households"]
    jobs: list[Callable[[], Any]] = [
        partial(_vote, made, h, 1) for h in (first, second) for _ in range(THREADS)
    ]
    results = parallel(jobs)
    assert Counter(isinstance(r, ballots_box.Receipt) for r in results) == {True: 4, False: 12}
    assert {r for r in results if isinstance(r, str)} == {BOTH_USED}
    counts = in_thread(partial(_counts, made["ballot"]))
    assert counts["recorded"] == {first.pk: 2, second.pk: 2}
    assert counts["papers"] + counts["boxed"] == 4
    assert counts["audited"] == 4
    _verified(made["ballot"])


@pytest.mark.parametrize("made", [90], indirect=True)
def test_many_households_at_once_fill_the_box_in_shuffled_batches_without_losing_one(
    made,
) -> None:
    """90 households from 10 threads: the pool passes POOL_FULL several times, so
    flushes run while others vote; every vote ends up in the box exactly once."""
    chunks = [made["households"][i::10] for i in range(10)]

    def vote_all(chunk: list[Household]) -> list[Any]:
        return [_vote(made, h, 1 + h.pk % 2, marks=1 + h.pk % 3) for h in chunk]

    results = [r for rs in parallel([partial(vote_all, c) for c in chunks]) for r in rs]
    assert all(isinstance(r, ballots_box.Receipt) for r in results), results
    cast = sum(r.weight for r in results)
    counts = in_thread(partial(_counts, made["ballot"]))
    assert sum(counts["recorded"].values()) == cast
    assert counts["papers"] + counts["boxed"] == cast
    assert counts["boxed"] > 0, "batches entered the box while the ballot was open"
    _verified(made["ballot"])
    boxed = in_thread(
        lambda: list(
            BallotEntry.objects.filter(ballot=made["ballot"]).values_list("seq", flat=True)
        )
    )
    assert sorted(boxed) == list(range(1, len(results) + 1))


def _blocked(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", [pid])
        return bool(cursor.fetchone()[0])


@pytest.mark.parametrize("made", [1], indirect=True)
def test_a_vote_racing_the_close_is_refused_not_left_outside_the_box(made) -> None:
    """The close holds the ballot's row; a vote that started before it waits, then
    sees the ballot closed (before: it was recorded after the box was sealed, and
    never entered it)."""
    ballot, household = made["ballot"], made["households"][0]
    locked, voter_pid = threading.Event(), threading.Event()
    pid: dict[str, int] = {}

    def close() -> str:
        from django.db import transaction

        with transaction.atomic():
            Ballot.objects.select_for_update().get(pk=ballot.pk)
            locked.set()
            voter_pid.wait(30)
            end = time.monotonic() + 30  # only so that a broken run does not hang
            while not _blocked(pid["voter"]):
                assert time.monotonic() < end, "the vote never waited for the close"
                time.sleep(0.01)
            Ballot.objects.filter(pk=ballot.pk).update(closes_at=timezone.now())
            return ballots_box.ballot_close(actor=None, ballot=ballot).state

    def vote() -> Any:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid["voter"] = cursor.fetchone()[0]
        locked.wait(30)
        voter_pid.set()
        return _vote(made, household, 2)

    state, voted = parallel([close, vote])
    assert state == BallotState.CLOSED
    assert isinstance(voted, str) and voted.startswith("Afstemningen lukkede"), voted
    counts = in_thread(partial(_counts, ballot))
    assert counts == {"recorded": {}, "papers": 0, "boxed": 0, "audited": 0}


def test_the_closing_time_in_the_past_refuses_every_device(made) -> None:
    household = made["households"][0]
    in_thread(
        lambda: Ballot.objects.filter(pk=made["ballot"].pk).update(
            closes_at=timezone.now() - dt.timedelta(seconds=1)
        )
    )
    results = parallel([partial(_vote, made, household, 1) for _ in range(THREADS)])
    assert all(isinstance(r, str) and r.startswith("Afstemningen lukkede") for r in results)
