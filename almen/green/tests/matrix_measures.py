"""The authorisation matrix's rows for green measures and involvement: merged into
``almen/access/tests/test_matrix.py``'s EXPECTED (with ARGS for the new parameters).

The matrix's measure (``testing_measures.MEASURE_ID``) is estate A's, shared with the
municipality; its involvement entry is shared with the organisation.

- The estate's register: grøn drift's readers of estate A (its residents and board,
  the organisation's board and staff, the municipality's officer and sector staff);
  resident_b (another estate of the organisation) 403, outsiders 404.
- The measure: those readers who may see its visibility: sector staff do not see a
  measure shared with the municipality (404).
- Writes: the organisation's staff and the estate's board; the organisation's other
  members 403, outsiders 404.
- The organisation's overview: its staff and its board."""

from __future__ import annotations

from almen.access.tests import test_matrix as m
from almen.green.testing_measures import INVOLVEMENT_ID, MEASURE_ID

ARGS = {"measure_id": str(MEASURE_ID), "activity_id": str(INVOLVEMENT_ID)}

ESTATE = "organisationer/<str:cvr>/afdelinger/<int:number>/groen-drift/tiltag/"
MEASURE = f"{ESTATE}<uuid:measure_id>/"
LOG = "organisationer/<str:cvr>/afdelinger/<int:number>/groen-drift/inddragelse/"
INVOLVEMENT = f"{LOG}<uuid:activity_id>/"

READ = {
    **m.everyone(200),
    "resident_b": 403,
    "other_org_staff": 404,
    m.ANON: 302,
}
MEASURE_READ = {**READ, "sector_staff": 404}
MANAGE = {
    **m.everyone(404),
    "resident_a": 403,
    "resident_b": 403,
    "org_board": 403,
    "estate_board_a": 200,
    "org_staff": 200,
    m.ANON: 302,
}
ORGANISATION = {
    **m.everyone(404),
    "resident_a": 403,
    "resident_b": 403,
    "estate_board_a": 403,
    "org_board": 200,
    "org_staff": 200,
    m.ANON: 302,
}

EXPECTED: dict[str, dict[str, int]] = {
    ESTATE: READ,
    f"{ESTATE}nyt/": MANAGE,
    MEASURE: MEASURE_READ,
    f"{MEASURE}rediger/": MANAGE,
    f"{MEASURE}slet/": MANAGE,
    f"{MEASURE}fotos/ny/": MANAGE,
    f"{LOG}ny/": MANAGE,
    f"{INVOLVEMENT}rediger/": MANAGE,
    f"{INVOLVEMENT}slet/": MANAGE,
    "organisationer/<str:cvr>/groen-drift/tiltag/": ORGANISATION,
}
