"""An organisation's footprint as XLSX, for people who compute further: one row per
estate, kind and month (top-level meters summed; sub-meters are part of their main
meter's), with consumption in the kind's base unit, kg CO2e and the factor versions
used, and a sheet with each factor version and its source."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from almen.green import access
from almen.green.models import EmissionFactor, EnergyKind, MonthlyFootprint
from almen.green.units import base_unit, unit_label
from almen.lib.csvsafe import neutralise
from almen.lib.http import no_store
from almen.register.models import Organisation

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Row:
    estate_number: int
    estate_name: str
    kind: str
    month: dt.date
    consumption: Decimal = Decimal(0)
    kg_co2e: Decimal | None = None
    meters: int = 0
    without_factor: int = 0
    factors: set[int] = field(default_factory=set)


def rows(organisation: Organisation) -> Iterator[Row]:
    """Estate × kind × month, from one query over the months (in that order)."""
    months = (
        MonthlyFootprint.objects.filter(organisation=organisation, is_sub_meter=False)
        .order_by("estate__number", "kind", "month")
        .values_list(
            "estate__number", "estate__name", "kind", "month", "consumption", "kg_co2e", "factor_id"
        )
    )
    current: Row | None = None
    for number, name, kind, month, consumption, kg, factor_id in months.iterator(chunk_size=5000):
        if current is None or (current.estate_number, current.kind, current.month) != (
            number,
            kind,
            month,
        ):
            if current is not None:
                yield current
            current = Row(number, name, kind, month)
        current.consumption += consumption
        current.meters += 1
        if kg is not None:
            current.kg_co2e = (current.kg_co2e or Decimal(0)) + kg
        if factor_id is not None:
            current.factors.add(factor_id)
        elif kind != EnergyKind.WATER:
            current.without_factor += 1
    if current is not None:
        yield current


def _cells(values: list[Any]) -> list[Any]:
    return [neutralise(v) if isinstance(v, str) else v for v in values]


def workbook_bytes(organisation: Organisation) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    factors = {
        f.pk: f
        for f in EmissionFactor.objects.filter(
            pk__in=MonthlyFootprint.objects.filter(organisation=organisation).values("factor_id")
        ).select_related("supplier")
    }
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Forbrug og CO2e")[:31])
    bold = Font(bold=True)

    def header(ws: Any, names: list[str], widths: list[int]) -> None:
        from openpyxl.utils import get_column_letter

        for n, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(n)].width = width
        ws.freeze_panes = "A2"
        cells = []
        for name in names:
            cell = WriteOnlyCell(ws, value=name)
            cell.font = bold
            cells.append(cell)
        ws.append(cells)

    header(
        sheet,
        [
            _("Afdeling nr."),
            _("Afdeling"),
            _("Forsyningsart"),
            _("Måned"),
            _("Forbrug"),
            _("Enhed"),
            _("kg CO2e"),
            _("Faktor (kg CO2e pr. enhed)"),
            _("Faktorversion"),
            _("Målere"),
            _("Målere uden faktor"),
        ],
        [12, 32, 16, 12, 16, 8, 14, 24, 30, 10, 18],
    )
    for row in rows(organisation):
        used = [factors[pk] for pk in sorted(row.factors) if pk in factors]
        value: Any = used[0].kg_co2e_per_unit if len(used) == 1 else None
        month = WriteOnlyCell(sheet, value=row.month)
        month.number_format = "MM-YYYY"
        sheet.append(
            _cells(
                [
                    row.estate_number,
                    row.estate_name,
                    str(EnergyKind(row.kind).label),
                    month,
                    row.consumption,
                    unit_label(base_unit(row.kind)),
                    row.kg_co2e,
                    value,
                    ", ".join(f"{f.year} v{f.version}" for f in used),
                    row.meters,
                    row.without_factor,
                ]
            )
        )
    sources = workbook.create_sheet(_("Faktorer")[:31])
    header(
        sources,
        [
            _("År"),
            _("Forsyningsart"),
            _("Prisområde"),
            _("Forsyning"),
            _("Version"),
            _("kg CO2e pr. enhed"),
            _("Enhed"),
            _("Kilde"),
            _("Link"),
            _("Erstattet"),
        ],
        [8, 16, 12, 28, 10, 18, 10, 60, 40, 18],
    )
    for f in sorted(factors.values(), key=lambda f: (f.year, f.kind, f.key, f.version)):
        sources.append(
            _cells(
                [
                    f.year,
                    str(EnergyKind(f.kind).label),
                    f.price_area,
                    f.supplier.name if f.supplier else "",
                    f.version,
                    f.kg_co2e_per_unit,
                    unit_label(base_unit(f.kind)),
                    f.source,
                    f.source_url,
                    _("Ja") if f.superseded_at else _("Nej"),
                ]
            )
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(organisation: Organisation) -> str:
    slug = slugify(organisation.name) or organisation.cvr
    return f"groen-drift-{slug}-{timezone.localdate():%Y-%m-%d}.xlsx"


@require_GET
@no_store
def organisation_export(request: HttpRequest, cvr: str) -> HttpResponse:
    organisation = access.organisation_for_exporter(request, cvr)
    response = HttpResponse(workbook_bytes(organisation), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename(organisation)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
