"""Managers acting on one election at the same moment, in threads with their own
database connections, on PostgreSQL (SQLite serialises every write, so the races
cannot happen there; CI runs this with DATABASE_URL=postgres://…).

The threads commit, so the test makes its election through a thread and removes it
again afterwards."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from almen.audit.models import AuditEntry
from almen.democracy import ballots_elections as elections
from almen.democracy import ballots_elections_testing as t
from almen.democracy.models import Ballot, BallotOption, ElectionDraw, OptionKind
from almen.lib.tests.threads import in_thread, parallel
from almen.register.models import Resident

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Races need a database with real concurrent transactions: run on PostgreSQL "
        "(CI does, with DATABASE_URL=postgres://…).",
    ),
]
AT_ONCE = 4


def _teardown(ballot_pk: int, emails: list[tuple[int, str]]) -> None:
    AuditEntry.objects.filter(object_type="democracy.ballot", object_id=str(ballot_pk)).delete()
    Ballot.objects.filter(pk=ballot_pk).delete()
    for pk, email in emails:  # standable() gave the candidates an address
        Resident.objects.filter(pk=pk).update(email=email)


def test_managers_drawing_lots_at_once_draw_once(cast) -> None:
    staff = cast["org_staff"].user

    def setup() -> tuple[Ballot, list[tuple[int, str]]]:
        saved = list(Resident.objects.values_list("pk", "email"))
        return t.tied_election(), saved

    ballot, saved = in_thread(setup)
    try:
        results: list[Any] = parallel(
            [lambda: elections.draw_lots(actor=staff, ballot=ballot)] * AT_ONCE
        )
        drawn = [r for r in results if isinstance(r, ElectionDraw)]
        refused = [r for r in results if isinstance(r, ValidationError)]
        assert (len(drawn), len(refused)) == (1, AT_ONCE - 1), results
        assert in_thread(lambda: ElectionDraw.objects.filter(ballot=ballot).count()) == 1
        assert in_thread(lambda: elections.ballot_outcome(ballot).decided)
    finally:
        in_thread(lambda: _teardown(ballot.pk, saved))


def test_nominations_at_once_get_their_own_numbers_and_no_double(cast) -> None:
    staff = cast["org_staff"].user

    def setup() -> tuple[Ballot, list[Resident], list[tuple[int, str]]]:
        saved = list(Resident.objects.values_list("pk", "email"))
        ballot = t.draft_election()
        return ballot, t.standable(ballot, AT_ONCE - 1), saved

    ballot, people, saved = in_thread(setup)
    try:
        # One resident twice at once, the others once each.
        who = [people[0], *people]
        nominate = partial(elections.candidate_nominate, actor=staff, ballot=ballot)
        results = parallel([partial(nominate, resident=r) for r in who])
        refused = [r for r in results if isinstance(r, ValidationError)]
        assert len(refused) == 1 and "stiller allerede op" in str(refused[0]), results

        def read() -> list[tuple[int, int | None]]:
            return list(
                BallotOption.objects.filter(ballot=ballot, kind=OptionKind.CANDIDATE)
                .order_by("position")
                .values_list("position", "resident_id")
            )

        rows = in_thread(read)
        assert [p for p, _r in rows] == list(range(2, 2 + len(people)))
        assert sorted(r for _p, r in rows) == sorted(p.pk for p in people)
    finally:
        in_thread(lambda: _teardown(ballot.pk, saved))
