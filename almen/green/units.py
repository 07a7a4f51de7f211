"""Units of consumption and the base unit each kind of supply is counted in.

Heat and electricity are counted in kWh (1 MWh = 1,000 kWh; 1 GJ = 1,000/3.6 kWh =
277.78 kWh), natural gas in Nm³ (normal cubic metres, what Evida's factor is per),
water in m³ (1,000 litres), fuel oil in litres. A unit that does not belong to a kind
(GJ for a water meter, m³ for an electricity meter) is refused, never guessed.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from almen.green.models import EnergyKind, MeterUnit

KWH_PER = {
    MeterUnit.KWH: Decimal(1),
    MeterUnit.MWH: Decimal(1000),
    # 1 GJ = 10^9 J; 1 kWh = 3.6 * 10^6 J.
    MeterUnit.GJ: Decimal(1000) / Decimal("3.6"),
}

BASE_UNIT: dict[str, str] = {
    EnergyKind.DISTRICT_HEATING: MeterUnit.KWH,
    EnergyKind.ELECTRICITY: MeterUnit.KWH,
    EnergyKind.NATURAL_GAS: MeterUnit.NM3,
    EnergyKind.WATER: MeterUnit.M3,
    EnergyKind.OIL: MeterUnit.LITRE,
    EnergyKind.OTHER: MeterUnit.KWH,
}

ALLOWED_UNITS: dict[str, frozenset[str]] = {
    EnergyKind.DISTRICT_HEATING: frozenset({MeterUnit.KWH, MeterUnit.MWH, MeterUnit.GJ}),
    EnergyKind.ELECTRICITY: frozenset({MeterUnit.KWH, MeterUnit.MWH}),
    EnergyKind.NATURAL_GAS: frozenset({MeterUnit.NM3}),
    EnergyKind.WATER: frozenset({MeterUnit.M3, MeterUnit.LITRE}),
    EnergyKind.OIL: frozenset({MeterUnit.LITRE}),
    EnergyKind.OTHER: frozenset({MeterUnit.KWH, MeterUnit.MWH, MeterUnit.GJ}),
}

# What people type in files: "kwh", "MWH", "m³", "nm3", "Gj" …
UNIT_ALIASES = {
    "kwh": MeterUnit.KWH,
    "mwh": MeterUnit.MWH,
    "gj": MeterUnit.GJ,
    "m3": MeterUnit.M3,
    "m³": MeterUnit.M3,
    "kubikmeter": MeterUnit.M3,
    "nm3": MeterUnit.NM3,
    "nm³": MeterUnit.NM3,
    "l": MeterUnit.LITRE,
    "liter": MeterUnit.LITRE,
}


class UnitMismatch(ValueError):
    """``message`` is for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_unit(text: str) -> str | None:
    """The unit ``text`` names, or None."""
    return UNIT_ALIASES.get(text.strip().lower().replace(" ", ""))


def base_unit(kind: str) -> str:
    return BASE_UNIT[kind]


def unit_label(unit: str) -> str:
    return str(MeterUnit(unit).label)


def check_unit(kind: str, unit: str) -> None:
    if unit not in ALLOWED_UNITS[kind]:
        raise UnitMismatch(
            _("Enheden %(unit)s passer ikke til %(kind)s (brug %(allowed)s).")
            % {
                "unit": unit_label(unit),
                "kind": EnergyKind(kind).label.lower(),
                "allowed": ", ".join(sorted(unit_label(u) for u in ALLOWED_UNITS[kind])),
            }
        )


def factor_to_base(kind: str, unit: str) -> Decimal:
    """How many base units one ``unit`` is for ``kind`` (raises ``UnitMismatch``)."""
    check_unit(kind, unit)
    base = BASE_UNIT[kind]
    if base == MeterUnit.KWH:
        return KWH_PER[MeterUnit(unit)]
    if base == MeterUnit.M3 and unit == MeterUnit.LITRE:
        return Decimal("0.001")
    return Decimal(1)


def to_base(kind: str, unit: str, value: Decimal) -> Decimal:
    return value * factor_to_base(kind, unit)


def convert(kind: str, value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """``value`` in ``from_unit`` expressed in ``to_unit``, both units of ``kind``."""
    return value * factor_to_base(kind, from_unit) / factor_to_base(kind, to_unit)
