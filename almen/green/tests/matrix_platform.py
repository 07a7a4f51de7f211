"""The authorisation matrix's rows for grøn drift's platform part: the API and the
organisation's XLSX export. Merged into ``almen/access/tests/test_matrix.py``'s EXPECTED.

The API answers a browser session as anonymous (a session is not a token): the
meters and footprints need a token (401), the factor table is public (200). What a
token of organisation A, one of another organisation and one without ``green:read``
each get is test_platform_api.py's."""

from __future__ import annotations

from almen.access.tests import test_matrix as m

# The XLSX of organisation A's months: its staff and board; its members and those who
# read its figures (the municipality, the sector) 403; other organisations 404.
EXPORT = {
    "resident_a": 403,
    "resident_b": 403,
    "estate_board_a": 403,
    "org_board": 200,
    "org_staff": 200,
    "other_org_staff": 404,
    "municipality_officer": 403,
    "sector_staff": 403,
    "anonymous": 302,
}

EXPECTED: dict[str, dict[str, int]] = {
    "organisationer/<str:cvr>/groen-drift/eksport.xlsx": EXPORT,
    "api/v1/green/meters": m.everyone(401),
    "api/v1/green/emission-factors": m.everyone(200),
    "api/v1/estates/<public_id>/footprint": m.everyone(401),
}
