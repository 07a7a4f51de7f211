"""The authorisation matrix's rows for grøn drift's pages (merged into
``almen/access/tests/test_matrix.py``'s EXPECTED). The matrix meter (almen/green/
testing.py) gives estate A (organisation A, estate 1) a year of heat.

- The estate's page and its CSVs: ``access.can_read_green`` — the organisation's
  staff and board, the estate's board and residents, the municipality's officers and
  sector staff; the organisation's other members 403, outsiders 404.
- The organisation's page: ``can_read_organisation_green`` — staff, the organisation
  board, the municipality and the sector; residents and estate boards 403.
- The municipality's roll-up (per organisation): its officers and sector staff only;
  everyone else 404.
- The national roll-up is public (by region, and by municipality where at least
  three organisations contribute)."""

from __future__ import annotations

from almen.access.tests import test_matrix as m

ESTATE = "organisationer/<str:cvr>/afdelinger/<int:number>/groen-drift/"
ORGANISATION = "organisationer/<str:cvr>/groen-drift/"
MUNICIPALITY = "kommuner/<str:municipality_code>/groen-drift/"
NATIONAL = "groen-drift/"

ESTATE_READERS = {
    "resident_a": 200,
    "resident_b": 403,
    "estate_board_a": 200,
    "org_board": 200,
    "org_staff": 200,
    "other_org_staff": 404,
    "municipality_officer": 200,
    "sector_staff": 200,
    m.ANON: 302,
}
ORGANISATION_READERS = {
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
MUNICIPALITY_READERS = {
    **m.everyone(404),
    "municipality_officer": 200,
    "sector_staff": 200,
    m.ANON: 302,
}

EXPECTED: dict[str, dict[str, int]] = {
    ESTATE: ESTATE_READERS,
    f"{ESTATE}maaneder.csv": ESTATE_READERS,
    f"{ESTATE}co2e.csv": ESTATE_READERS,
    f"{ESTATE}sammenligning.csv": ESTATE_READERS,
    ORGANISATION: ORGANISATION_READERS,
    f"{ORGANISATION}afdelinger.csv": ORGANISATION_READERS,
    f"{ORGANISATION}co2e.csv": ORGANISATION_READERS,
    MUNICIPALITY: MUNICIPALITY_READERS,
    f"{MUNICIPALITY}co2e.csv": MUNICIPALITY_READERS,
    f"{MUNICIPALITY}organisationer.csv": MUNICIPALITY_READERS,
    NATIONAL: m.everyone(200),
    f"{NATIONAL}regioner.csv": m.everyone(200),
    f"{NATIONAL}kommuner.csv": m.everyone(200),
}
