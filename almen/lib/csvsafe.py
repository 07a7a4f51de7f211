"""Spreadsheet formula injection: the characters that make Excel or LibreOffice read a
cell as a formula, and how we make such a cell harmless in the files we write.

Every CSV/XLSX export passes each text cell through ``neutralise``. Imports refuse
free-text cells that start with one of these characters (see ``is_formula_like``) rather
than storing them altered: a silently changed name or address is worse than a clear
message asking for a corrected file.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    """Would a spreadsheet treat this cell as (the start of) a formula?"""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def neutralise(value: Any) -> Any:
    """Prefix ``'`` to a text cell that a spreadsheet would evaluate; leave the rest."""
    if is_formula_like(value):
        return "'" + value
    return value


def neutralise_row(values: Iterable[Any]) -> list[Any]:
    return [neutralise(v) for v in values]
