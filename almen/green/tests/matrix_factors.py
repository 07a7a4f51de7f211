"""The authorisation matrix's rows for emission factors: merged into
``almen/access/tests/test_matrix.py``'s EXPECTED.

- The national table, its suppliers and a factor's versions are public (everyone 200);
  sector staff keep them (the forms for a factor and a national supplier: sector staff
  200, everyone else logged in 403, anonymous 302).
- An organisation's suppliers and declarations: read like the organisation's green
  pages (its staff, its board, its municipality, sector staff); its other members 403;
  outsiders 404. Kept by its staff only (``can_manage_green``): members 403, everyone
  else 404."""

from __future__ import annotations

from almen.access.tests import test_matrix as m
from almen.green.testing_factors import NATIONAL_FACTOR_PK, ORG_FACTOR_PK, ORG_SUPPLIER_ID

ARGS = {
    "national_factor_id": str(NATIONAL_FACTOR_PK),
    "declaration_id": str(ORG_FACTOR_PK),
    "own_supplier_id": str(ORG_SUPPLIER_ID),
}

PUBLIC = "groen-drift/emissionsfaktorer/"
ORG = "organisationer/<str:cvr>/groen-drift/forsyninger/"

SECTOR_ONLY = {**m.everyone(403), "sector_staff": 200, m.ANON: 302}
ORG_READ = {
    "resident_a": 403,
    "resident_b": 403,
    "estate_board_a": 403,
    "org_board": 200,
    "org_staff": 200,
    "other_org_staff": 404,
    "municipality_officer": 200,
    "sector_staff": 200,
    m.ANON: 302,
}
ORG_MANAGE = {
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

EXPECTED: dict[str, dict[str, int]] = {
    PUBLIC: m.everyone(200),
    PUBLIC + "ny/": SECTOR_ONLY,
    PUBLIC + "forsyninger/ny/": SECTOR_ONLY,
    PUBLIC + "<int:national_factor_id>/": m.everyone(200),
    PUBLIC + "<int:national_factor_id>/ret/": SECTOR_ONLY,
    ORG: ORG_READ,
    ORG + "ny/": ORG_MANAGE,
    ORG + "<uuid:own_supplier_id>/ret/": ORG_MANAGE,
    ORG + "deklarationer/ny/": ORG_MANAGE,
    ORG + "deklarationer/<int:declaration_id>/": ORG_READ,
    ORG + "deklarationer/<int:declaration_id>/ret/": ORG_MANAGE,
}
