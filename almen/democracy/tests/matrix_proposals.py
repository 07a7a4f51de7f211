"""The authorisation matrix's rows for the democracy's proposals: merged into
``almen/access/tests/test_matrix.py``'s EXPECTED (imported at its end, so the
helpers of test_matrix can be used here through ``m``)."""

from __future__ import annotations

from almen.access.tests import test_matrix as m

# Agenda items are addressed by their position on the agenda (as the meetings part
# does); the matrix meeting's first item. Another part may set it first.
# (mypy cannot type test_matrix's names: it imports this module.)
_ARGS: dict[str, str] = m.ARGS  # type: ignore[has-type]
_ARGS.setdefault("position", "1")
_ORG_A_STAFF_ONLY: dict[str, int] = m.ORG_A_STAFF_ONLY  # type: ignore[has-type]

# Estate A's noticed ordinary meeting (and its proposals): its residents (resident_a,
# and estate_board_a, who lives there), its board, the organisation's staff and board
# read; resident_b (estate B, organisation A) gets 403; other organisations' people
# and the municipality 404.
MEETING_READ = {
    **_ORG_A_STAFF_ONLY,
    "resident_a": 200,
    "estate_board_a": 200,
    "org_board": 200,
    "municipality_officer": 404,
}
# Handing in a proposal or starting a petition: residents of estate A only; those
# who may read but do not live there get 403.
ESTATE_A_RESIDENTS = {**MEETING_READ, "org_board": 403, "org_staff": 403}
# The board's own pages (handling a proposal, amendments): estate A's board and the
# organisation's staff; readers get 403.
ESTATE_A_MANAGE = {**MEETING_READ, "resident_a": 403, "org_board": 403}

EXPECTED: dict[str, dict[str, int]] = {
    "moeder/<uuid:meeting_id>/forslag/": MEETING_READ,
    "moeder/<uuid:meeting_id>/forslag/ny/": ESTATE_A_RESIDENTS,
    "moeder/<uuid:meeting_id>/dagsorden/<int:position>/aendringsforslag/ny/": ESTATE_A_MANAGE,
    # resident_a's own proposal, not yet accepted: its author, the estate's board, the
    # organisation's staff and board; resident_b must not see it (403).
    "forslag/<uuid:proposal_id>/": MEETING_READ,
    "forslag/<uuid:proposal_id>/behandl/": ESTATE_A_MANAGE,
    # Co-signing and withdrawing are POST-only.
    "forslag/<uuid:proposal_id>/medunderskriv/": m.everyone(405),
    "forslag/<uuid:proposal_id>/medunderskriv/traek-tilbage/": m.everyone(405),
    # Petitions of estate A: read by its residents and board, the organisation's staff
    # and board; resident_b (estate B) gets 403 and cannot sign.
    "organisationer/<str:cvr>/afdelinger/<int:number>/underskrifter/": MEETING_READ,
    "organisationer/<str:cvr>/afdelinger/<int:number>/underskrifter/ny/": ESTATE_A_RESIDENTS,
    "underskrifter/<uuid:petition_id>/": MEETING_READ,
    "underskrifter/<uuid:petition_id>/underskriv/": m.everyone(405),
    "underskrifter/<uuid:petition_id>/traek-tilbage/": m.everyone(405),
}
