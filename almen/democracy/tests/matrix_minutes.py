"""The authorisation matrix's rows for the democracy's minutes: merged into
``almen/access/tests/test_matrix.py``'s EXPECTED (imported at its end, so the
helpers of test_matrix can be used here through ``m``).

The matrix meeting (democracy.testing) is estate A's noticed ordinary meeting, not yet
held, without minutes: its readers are estate A's residents, its board, the
organisation's staff and board; resident_b (organisation A, estate 2) is a member who
may not (403); everyone else is an outsider (404)."""

from __future__ import annotations

from almen.access.tests import test_matrix as m

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
# Those who manage the meeting: estate A's board and the organisation's staff.
MEETING_MANAGE = {**MEETING_READ, "resident_a": 403, "org_board": 403}
# The printed minutes: there are none published, so the meeting's readers find
# nothing (404); its managers get the draft, marked as one.
MINUTES_PRINT = {**MEETING_READ, "resident_a": 404, "org_board": 404}
# Estate A's decision register: its residents (published decisions), board, the
# organisation's staff and board (all).
ESTATE_REGISTER = MEETING_READ
ESTATE_RECORD = MEETING_MANAGE
# The organisation's register: its staff and board; its other members 403.
ORG_RECORD: dict[str, int] = {
    "resident_a": 403,
    "resident_b": 403,
    "estate_board_a": 403,
    "org_board": 403,
    "org_staff": 200,
    "other_org_staff": 404,
    "municipality_officer": 404,
    "sector_staff": 404,
    m.ANON: 302,
}
ORG_REGISTER = {**ORG_RECORD, "org_board": 200}

EXPECTED: dict[str, dict[str, int]] = {
    # The page answers every reader of the meeting; what it shows (the draft to the
    # managers only) is in test_minutes_pages.py.
    "moeder/<uuid:meeting_id>/referat/": MEETING_READ,
    "moeder/<uuid:meeting_id>/referat/rediger/": MEETING_MANAGE,
    "moeder/<uuid:meeting_id>/referat/udkast/": m.everyone(405),  # POST only
    # The confirmation page (there is nothing to publish yet: it says so).
    "moeder/<uuid:meeting_id>/referat/offentliggoer/": MEETING_MANAGE,
    "moeder/<uuid:meeting_id>/referat.pdf": MINUTES_PRINT,
    "moeder/<uuid:meeting_id>/referat.docx": MINUTES_PRINT,
    "organisationer/<str:cvr>/beslutninger/": ORG_REGISTER,
    "organisationer/<str:cvr>/beslutninger/ny/": ORG_RECORD,
    "organisationer/<str:cvr>/afdelinger/<int:number>/beslutninger/": ESTATE_REGISTER,
    "organisationer/<str:cvr>/afdelinger/<int:number>/beslutninger/ny/": ESTATE_RECORD,
}
