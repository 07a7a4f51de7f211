"""The authorisation matrix's rows for grøn drift's platform part: the API and the
organisation's XLSX export. Merged into ``almen/access/tests/test_matrix.py``'s EXPECTED.

The API answers a browser session as anonymous (a session is not a token): the
meters and footprints need a token (401), the factor table is public (200). What a
token of organisation A, one of another organisation and one without ``green:read``
each get is test_platform_api.py's."""

from __future__ import annotations

from almen.access.tests import test_matrix as m

EXPECTED: dict[str, dict[str, int]] = {
    "api/v1/green/meters": m.everyone(401),
    "api/v1/green/emission-factors": m.everyone(200),
    "api/v1/estates/<public_id>/footprint": m.everyone(401),
}
