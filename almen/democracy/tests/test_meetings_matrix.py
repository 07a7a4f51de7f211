"""The meetings part's rows of the GET and write matrices, run here as well: the
shared matrices build their parametrised cases before the parts' rows are merged in
(``test_matrix.CASES`` and ``test_writes``'s parametrize run at import, the parts'
imports come at the end of those modules), so without this file the rows would only
be checked for existing, never requested."""

from __future__ import annotations

import pytest

from almen.access.tests import test_matrix as m
from almen.access.tests import test_writes as w
from almen.conftest import PERSONA_KEYS
from almen.democracy import meetings_urls
from almen.democracy.tests import matrix_meetings, writes_meetings


@pytest.mark.parametrize(
    ("route", "persona"),
    [(route, persona) for route in sorted(matrix_meetings.EXPECTED) for persona in PERSONA_KEYS],
)
def test_meetings_matrix(route: str, persona: str, client_for) -> None:
    m.test_matrix(route, persona, client_for)


@pytest.mark.parametrize("route", sorted(writes_meetings.WRITES))
def test_meetings_writes(route: str, cast) -> None:
    w.test_write(route, cast)


def test_every_meetings_route_has_a_matrix_row_and_post_routes_a_write() -> None:
    routes = {str(pattern.pattern) for pattern in meetings_urls.urlpatterns}
    assert routes == set(matrix_meetings.EXPECTED)
    assert routes <= set(m.routes())
    # Every route but the list pages and the meeting page takes a POST.
    reads = {
        "organisationer/<str:cvr>/afdelinger/<int:number>/moeder/",
        "organisationer/<str:cvr>/moeder/",
        "moeder/<uuid:meeting_id>/",
    }
    assert set(writes_meetings.WRITES) == routes - reads
