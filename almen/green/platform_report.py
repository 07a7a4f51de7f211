"""Grøn drift's section in the report packs (``lib.report_sections``): consumption and
CO2e by kind for the last whole year, beside the year before, with a bar chart and its
table. The board and the municipality get the organisation's figures (the
municipality: its estates there); the residents' handout its estate's, in plain words
("Sidste år brugte afdelingen … – det svarer til … t CO2e").

Only for readers who may see the figures (``green.access``), and only when the year has
months: no section says "0 t" for lack of readings."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Sum
from django.db.models.functions import ExtractYear
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from almen.green import access
from almen.green.footprint import models_case_missing
from almen.green.models import EnergyKind, MonthlyFootprint
from almen.green.units import base_unit, unit_label
from almen.lib import report_sections
from almen.lib.charts import bar_chart_svg
from almen.lib.report_sections import Section, SectionScope, SectionTable
from almen.register.models import Estate, Organisation

APP = "green"
# Big numbers read better in MWh; the rest in the kind's base unit.
KWH_KINDS = {EnergyKind.DISTRICT_HEATING, EnergyKind.ELECTRICITY, EnergyKind.OTHER}


def _num(value: Decimal | None, places: int = 1) -> str:
    """Danish format, rounded half up (``number_format`` alone cuts the digits off)."""
    if value is None:
        return "–"
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=places, use_l10n=True, force_grouping=True)


def _allowed(scope: SectionScope) -> dict[str, Any] | None:
    """The months' filter for the pack, or None when the reader may not see them."""
    p = scope.principal
    if scope.kind == "handout":
        if scope.estate_id is None:
            return None
        estate = Estate.objects.select_related("organisation").get(pk=scope.estate_id)
        return {"estate_id": estate.pk} if access.can_read_green(p, estate) else None
    organisation = Organisation.objects.get(pk=scope.organisation_id)
    if not access.can_read_organisation_green(p, organisation):
        return None
    where: dict[str, Any] = {"organisation_id": organisation.pk}
    if scope.kind == "municipality" and scope.municipality_id is not None:
        where["municipality_id"] = scope.municipality_id
    return where


def _amount(kind: str, consumption: Decimal) -> tuple[Decimal, str]:
    """Consumption as printed: MWh for heat and electricity over 10,000 kWh."""
    if kind in KWH_KINDS and consumption >= 10_000:
        return consumption / 1000, "MWh"
    return consumption, unit_label(base_unit(kind))


def green_section(scope: SectionScope) -> dict[str, Any] | None:
    where = _allowed(scope)
    if where is None:
        return None
    year = scope.year
    rows = list(
        MonthlyFootprint.objects.filter(
            **where, is_sub_meter=False, month__year__in=[year - 1, year]
        )
        .annotate(year=ExtractYear("month"))
        .values("year", "kind")
        .annotate(
            consumption=Sum("consumption"), kg=Sum("kg_co2e"), missing=Sum(models_case_missing())
        )
        .order_by("kind")
    )
    this = {r["kind"]: r for r in rows if r["year"] == year}
    if not this:
        return None
    before = {r["kind"]: r for r in rows if r["year"] == year - 1}
    kinds = sorted(set(this) | set(before), key=lambda k: list(EnergyKind.values).index(k))
    tonnes = {
        k: (this[k]["kg"] / 1000 if k in this and this[k]["kg"] is not None else None)
        for k in kinds
    }
    earlier = {
        k: (before[k]["kg"] / 1000 if k in before and before[k]["kg"] is not None else None)
        for k in kinds
    }
    total = sum((t for t in tonnes.values() if t is not None), Decimal(0))
    total_before = [t for t in earlier.values() if t is not None]
    missing = sum(int(row["missing"] or 0) for row in this.values())

    header = [
        _("Forsyning"),
        _("Forbrug %(year)s") % {"year": year},
        _("Enhed"),
        _("t CO2e %(year)s") % {"year": year},
        _("t CO2e %(year)s") % {"year": year - 1},
    ]
    printed, values = [], []
    for k in kinds:
        label = str(EnergyKind(k).label)
        if k in this:
            amount, unit = _amount(k, this[k]["consumption"])
        else:
            # Only the year before had months: what it used stays out of this year's.
            amount, unit = None, _amount(k, before[k]["consumption"])[1]
        printed.append([label, _num(amount, 0), unit, _num(tonnes[k]), _num(earlier[k])])
        values.append([label, _float(amount), unit, _float(tonnes[k]), _float(earlier[k])])
    sum_before = sum(total_before, Decimal(0)) if total_before else None
    printed.append([_("I alt"), "", "", _num(total), _num(sum_before)])
    values.append([_("I alt"), None, "", float(total), _float(sum_before)])
    table = SectionTable(
        caption=_("Forbrug og CO2e pr. forsyning, %(year)s") % {"year": year},
        header=header,
        rows=printed,
        values=values,
    )
    chart = bar_chart_svg(
        title=_("CO2e pr. forsyning i %(year)s") % {"year": year},
        description=_("Ton CO2e fra hver forsyning; tallene står i tabellen under."),
        bars=[(str(EnergyKind(k).label), float(tonnes[k] or 0)) for k in kinds],
        unit=" t",
    )
    if scope.kind == "handout":
        title = _("Vores forbrug af varme, el og vand")
        used = [
            f"{_num(amount, 0)} {unit} {_what(k)}"
            for k in kinds
            if k in this
            for amount, unit in [_amount(k, this[k]["consumption"])]
        ]
        paragraphs = [
            _("Sidste år brugte afdelingen %(used)s – det svarer til %(tonnes)s t CO2e.")
            % {"used": _and(used), "tonnes": _num(total)},
            _(
                "CO2e er den klimagas, forbruget giver. Vi regner det ud fra målerne og fra, "
                "hvor meget CO2e varmeværket og elnettet oplyser pr. kWh."
            ),
        ]
    else:
        title = _("Grøn drift: forbrug og CO2e %(year)s") % {"year": year}
        paragraphs = [
            _("I %(year)s gav forbruget %(tonnes)s t CO2e.") % {"year": year, "tonnes": _num(total)}
        ]
        if sum_before:
            change = (total - sum_before) * 100 / sum_before
            paragraphs.append(
                _("Året før var det %(tonnes)s t CO2e (%(change)s procent).")
                % {"tonnes": _num(sum_before), "change": _signed(change)}
            )
        paragraphs.append(
            _(
                "Tallene er forbruget på hovedmålerne gange årets emissionsfaktor (bimålere "
                "tælles ikke igen). Vand har ingen officiel faktor."
            )
        )
        if missing:
            paragraphs.append(
                _("%(n)s målermåneder mangler en emissionsfaktor og tæller ikke med i CO2e.")
                % {"n": missing}
            )
    return {"title": title, "paragraphs": paragraphs, "tables": [table], "chart": chart}


def _what(kind: str) -> str:
    return {
        EnergyKind.DISTRICT_HEATING: _("varme"),
        EnergyKind.ELECTRICITY: _("el"),
        EnergyKind.WATER: _("vand"),
        EnergyKind.NATURAL_GAS: _("gas"),
        EnergyKind.OIL: _("olie"),
    }.get(EnergyKind(kind), _("energi"))


def _and(parts: list[str]) -> str:
    if len(parts) < 2:
        return "".join(parts)
    return _("%(first)s og %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def _signed(value: Decimal) -> str:
    text = _num(value, 0)
    return text if value < 0 or text.startswith("-") else f"+{text}"


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def register() -> None:
    report_sections.register(
        Section(
            "green",
            frozenset({"board", "handout", "municipality"}),
            green_section,
            "green/platform/report_section.html",
        ),
        app=APP,
    )
