"""The authorisation matrix's rows for the democracy's notices: merged into
``almen/access/tests/test_matrix.py``'s EXPECTED (imported at its end, so the
helpers of test_matrix can be used here through ``m``)."""

from __future__ import annotations

from almen.access.tests import test_matrix as m

# Who was notified of estate A's meeting, and sending the notices: the meeting's
# managers (estate A's board, the organisation's staff); its readers get 403, outsiders
# 404. The page shows the board counts and unit numbers, staff also the addresses
# (test_notices_views).
NOTICES_MANAGE = {
    "resident_a": 403,
    "resident_b": 403,
    "estate_board_a": 200,
    "org_board": 403,
    "org_staff": 200,
    "other_org_staff": 404,
    "municipality_officer": 404,
    "sector_staff": 404,
    m.ANON: 302,
}
# The printed letters name every household on paper with its address: the
# organisation's staff only (the data controller prints and posts them). No job exists
# in the matrix (ARGS): staff get 404.
LETTERS = {**NOTICES_MANAGE, "estate_board_a": 403, "org_staff": 404}
# The calendar file: everyone who may read the meeting.
MEETING_READ = {**NOTICES_MANAGE, "resident_a": 200, "org_board": 200}

EXPECTED: dict[str, dict[str, int]] = {
    "moeder/<uuid:meeting_id>/indkaldelser/": NOTICES_MANAGE,
    # GET asks; a POST with confirm sends (test_writes).
    "moeder/<uuid:meeting_id>/indkaldelser/send/": NOTICES_MANAGE,
    "moeder/<uuid:meeting_id>/indkaldelser/breve/": m.everyone(405),  # POST only
    "moeder/<uuid:meeting_id>/indkaldelser/breve/<uuid:job_id>/": LETTERS,
    "moeder/<uuid:meeting_id>/indkaldelser/breve/<uuid:job_id>/hent/": LETTERS,
    "moeder/<uuid:meeting_id>/moede.ics": MEETING_READ,
}
