"""The hall's rows of the GET and write matrices, run here as well: test_matrix.py and
test_writes.py build their parametrisations before they merge the democracy parts' rows
(their ``CASES`` and ``sorted(WRITES)`` are taken first), so without this the rows in
matrix_hall.py and writes_hall.py would only be checked for existence. The same test
functions are called, row by row."""

from __future__ import annotations

import pytest

from almen.access.tests import test_matrix as m
from almen.access.tests import test_writes as w
from almen.conftest import PERSONA_KEYS
from almen.democracy.tests import matrix_hall, writes_hall


@pytest.mark.parametrize(
    ("route", "persona"),
    [(route, persona) for route in sorted(matrix_hall.EXPECTED) for persona in PERSONA_KEYS],
)
def test_hall_matrix(route: str, persona: str, client_for) -> None:
    m.test_matrix(route, persona, client_for)


@pytest.mark.parametrize("route", sorted(writes_hall.WRITES))
def test_hall_write(route: str, cast) -> None:
    w.test_write(route, cast)


def test_every_hall_post_route_has_a_write_row() -> None:
    posts = {r for r in matrix_hall.EXPECTED if matrix_hall.EXPECTED[r] == m.everyone(405)}
    assert posts <= set(writes_hall.WRITES)
