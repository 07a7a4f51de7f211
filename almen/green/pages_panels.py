"""The pages part's panels (``lib.panels``): a "Grøn drift" section
on the estate page and on the organisation page with two key figures (CO2e of the last
year with data, and heat or CO2e per m²) and the way to the green page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from almen.access.policy import Principal
from almen.green import access
from almen.green import pages_selectors as sel
from almen.green.models import EnergyKind
from almen.register.models import Estate, Organisation


def _figures(scope: Q, area: Any, today: dt.date) -> dict[str, Any]:
    year = sel.latest_year(scope, today)
    totals = sel.kind_totals(scope, year)
    area_m2: Decimal = area()
    heat = next((c for k, _u, c, _kg in totals.kinds if k == EnergyKind.DISTRICT_HEATING), None)
    return {
        "year": year,
        "has_data": bool(totals.kinds),
        "tons": totals.tons,
        "kg_per_m2": sel.per(totals.kg_co2e, area_m2),
        "heat_per_m2": sel.per(heat, area_m2),
    }


def estate_panel(p: Principal, estate: Estate) -> dict[str, Any] | None:
    if not access.can_read_green(p, estate):
        return None
    today = timezone.localdate()
    figures = sel.cached_on_green(
        f"panel:estate:{estate.pk}:{today.year}",
        lambda: _figures(
            Q(estate_id=estate.pk, is_sub_meter=False), lambda: sel.estate_area(estate), today
        ),
    )
    return {**figures, "estate": estate}


def organisation_panel(p: Principal, organisation: Organisation) -> dict[str, Any] | None:
    if not access.can_read_organisation_green(p, organisation):
        return None
    today = timezone.localdate()

    def area() -> Decimal:
        return sum(sel.areas_for(Q(organisation_id=organisation.pk)).values(), Decimal(0))

    figures = sel.cached_on_green(
        f"panel:organisation:{organisation.pk}:{today.year}",
        lambda: _figures(Q(organisation_id=organisation.pk, is_sub_meter=False), area, today),
    )
    return {**figures, "organisation": organisation}
