"""The write-matrix rows for emission factors: merged into
``almen/access/tests/test_writes.py``'s WRITES. Every write is audited, so a write
shows in the audit app's rows; a refused one changes nothing.

- National factors: sector staff add one and change one (a new version; the second
  step of the confirmation is sent, ``confirm=yes``); everyone else is refused.
- An organisation's suppliers and declarations: organisation A's staff only."""

from __future__ import annotations

from typing import Any

from almen.access.tests import test_writes as w
from almen.green.models import Supplier
from almen.green.testing_factors import ORG_SUPPLIER_ID
from almen.green.tests.matrix_factors import EXPECTED, ORG, PUBLIC


def _org_supplier_pk() -> str:
    return str(Supplier.objects.get(public_id=ORG_SUPPLIER_ID).pk)


WRITES: dict[str, Any] = {
    PUBLIC + "ny/": w.Write(
        form_persona="sector_staff",
        data=lambda: {
            "year": "2030",
            "kind": "natural_gas",
            "supplier": "",
            "price_area": "",
            "kg_co2e_per_unit": "2,3",
            "per": "base",
            "source": "Matrix: ny national faktor",
        },
        outcomes=w._post_only(EXPECTED[PUBLIC + "ny/"]),
    ),
    PUBLIC + "forsyninger/ny/": w.Write(
        form_persona="sector_staff",
        data=lambda: {"name": "Matrix Nationalt Værk", "kind": "district_heating"},
        outcomes=w._post_only(EXPECTED[PUBLIC + "forsyninger/ny/"]),
    ),
    PUBLIC + "<int:national_factor_id>/ret/": w.Write(
        form_persona="sector_staff",
        data=lambda: {"kg_co2e_per_unit": "0,065", "reason": "Matrix: rettet", "confirm": "yes"},
        outcomes=w._post_only(EXPECTED[PUBLIC + "<int:national_factor_id>/ret/"]),
    ),
    ORG + "ny/": w.Write(
        data=lambda: {"name": "Matrix Nyt Værk", "kind": "district_heating"},
        outcomes=w._post_only(EXPECTED[ORG + "ny/"]),
    ),
    ORG + "<uuid:own_supplier_id>/ret/": w.Write(
        data=lambda: {"name": "Matrix Varmeværk A (nyt navn)"},
        outcomes=w._post_only(EXPECTED[ORG + "<uuid:own_supplier_id>/ret/"]),
    ),
    ORG + "deklarationer/ny/": w.Write(
        data=lambda: {
            "year": "2030",
            "kind": "district_heating",
            "supplier": _org_supplier_pk(),
            "kg_co2e_per_unit": "50",
            "per": "MWh",
            "source": "Matrix: deklaration 2030",
        },
        outcomes=w._post_only(EXPECTED[ORG + "deklarationer/ny/"]),
    ),
    ORG + "deklarationer/<int:declaration_id>/ret/": w.Write(
        data=lambda: {"kg_co2e_per_unit": "0,04", "reason": "Matrix: rettet", "confirm": "yes"},
        outcomes=w._post_only(EXPECTED[ORG + "deklarationer/<int:declaration_id>/ret/"]),
    ),
}
