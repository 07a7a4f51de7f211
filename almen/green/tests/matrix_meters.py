"""The authorisation matrix's rows for the meters part (merged into
``almen/access/tests/test_matrix.py``'s EXPECTED).

Who reads an estate's meters, readings, buildings and labels: ``access.can_read_green``
(the organisation's staff and board, the estate's board and residents, its
municipality's officer, sector staff). Who manages them: the organisation's staff
(``can_manage_green``); everyone who may read them, or is a member of the
organisation, gets 403 there, outsiders 404, anonymous visitors the login page."""

from __future__ import annotations

from almen.access.tests import test_matrix as m
from almen.green.testing import METER_ID
from almen.green.testing_meters import BUILDING_PK, LABEL_ID, READING_PK

ARGS = {
    "meter_id": str(METER_ID),
    "reading_id": str(READING_PK),
    "building_id": str(BUILDING_PK),
    "label_id": str(LABEL_ID),
}

GREEN = "organisationer/<str:cvr>/afdelinger/<int:number>/groen-drift/"
METERS = GREEN + "maalere/"
METER = METERS + "<uuid:meter_id>/"
LABELS = GREEN + "energimaerker/"

# Estate 1's green figures: resident_b lives in estate 2 (a member of the
# organisation, so 403), other_org_staff is an outsider.
READ = {
    **m.everyone(200),
    "resident_b": 403,
    "other_org_staff": 404,
    m.ANON: 302,
}
# Organisation A's staff only; readers and members 403.
MANAGE = {
    **m.everyone(403),
    "org_staff": 200,
    "other_org_staff": 404,
    m.ANON: 302,
}

EXPECTED: dict[str, dict[str, int]] = {
    METERS: READ,
    METERS + "ny/": MANAGE,
    METER: READ,
    METER + "rediger/": MANAGE,
    METER + "slet/": MANAGE,
    METER + "aflaesninger/ny/": MANAGE,
    METER + "udskiftning/": MANAGE,
    METERS + "aflaesninger/<int:reading_id>/slet/": MANAGE,
    GREEN + "bygninger/": READ,
    GREEN + "bygninger/<int:building_id>/rediger/": MANAGE,
    LABELS: READ,
    LABELS + "ny/": MANAGE,
    LABELS + "<uuid:label_id>/rediger/": MANAGE,
    LABELS + "<uuid:label_id>/slet/": MANAGE,
}
