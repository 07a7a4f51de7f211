"""The authorisation matrix's rows for the democracy's meetings: merged into
``almen/access/tests/test_matrix.py``'s EXPECTED (imported at its end, so the
helpers of test_matrix can be used here through ``m``).

The matrix meeting (democracy/testing.py) is estate A's noticed ordinary meeting:
estate A's residents and board, the organisation's staff and board read it; the
organisation's other members (resident_b) get 403; everyone else 404."""

from __future__ import annotations

from almen.access.tests import test_matrix as m

# Agenda items are addressed by their position on the agenda; the matrix meeting's
# first item is its "Valg af dirigent".
# (through vars(): mypy cannot type ARGS across the import cycle with test_matrix)
vars(m)["ARGS"].setdefault("position", "1")

MEETING_READ = {
    "resident_a": 200,
    "resident_b": 403,
    "estate_board_a": 200,
    "org_board": 200,
    "org_staff": 200,
    "other_org_staff": 404,
    "municipality_officer": 404,
    "sector_staff": 404,
    m.ANON: 302,
}
# Planning estate A's meetings: its board and the organisation's staff.
MEETING_MANAGE = {**MEETING_READ, "resident_a": 403, "org_board": 403}
# The organisation's calendar and deadlines: its staff and board; its other members 403.
ORGANISATION_READ = {
    **MEETING_READ,
    "resident_a": 403,
    "estate_board_a": 403,
}
# The organisation's own bodies' meetings: its staff plan them.
ORGANISATION_MANAGE = {**ORGANISATION_READ, "org_board": 403}

EXPECTED: dict[str, dict[str, int]] = {
    "organisationer/<str:cvr>/afdelinger/<int:number>/moeder/": MEETING_READ,
    "organisationer/<str:cvr>/afdelinger/<int:number>/moeder/ny/": MEETING_MANAGE,
    "organisationer/<str:cvr>/moeder/": ORGANISATION_READ,
    "organisationer/<str:cvr>/moeder/ny/": ORGANISATION_MANAGE,
    "moeder/<uuid:meeting_id>/": MEETING_READ,
    "moeder/<uuid:meeting_id>/rediger/": MEETING_MANAGE,
    "moeder/<uuid:meeting_id>/aflys/": MEETING_MANAGE,
    # The matrix meeting is already noticed: the page says so (200) to those who plan.
    "moeder/<uuid:meeting_id>/indkald/": MEETING_MANAGE,
    "moeder/<uuid:meeting_id>/materiale/offentliggoer/": MEETING_MANAGE,
    "moeder/<uuid:meeting_id>/dagsorden/ny/": MEETING_MANAGE,
    "moeder/<uuid:meeting_id>/dagsorden/<int:position>/rediger/": MEETING_MANAGE,
    # Moving an item is a POST (the buttons on the meeting page).
    "moeder/<uuid:meeting_id>/dagsorden/<int:position>/flyt/": m.everyone(405),
    "moeder/<uuid:meeting_id>/dagsorden/<int:position>/fjern/": MEETING_MANAGE,
}
