"""The open-data registry: the tables each module publishes.

A module registers, from ``AppConfig.ready()``, each table it publishes: its name, what
it holds, its columns (type, meaning, unit) and a function giving its public rows.
``almen.api.opendata`` assembles the zip and its README from this registry (in
registration order) and imports no module's models. A module whose public data changes
between reads also registers a *version*: a function whose value changes when its data
does; the cached zip is keyed on all of them.

    opendata.register(Table("goals", _("Offentliggjorte lokale mål."), columns, rows),
                      app="goals")
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from almen.lib.registry import Registry

TEXT = _("tekst")
INTEGER = _("heltal")
DECIMAL = _("decimaltal")
DATE = _("dato (ÅÅÅÅ-MM-DD)")
UUID = _("id (UUID)")
TIMESTAMP = _("tidspunkt (ISO 8601, UTC)")


@dataclass(frozen=True)
class Column:
    name: str
    type: Promise
    meaning: Promise
    unit: Promise | str = ""


@dataclass(frozen=True)
class Table:
    name: str
    meaning: Promise
    columns: tuple[Column, ...]
    rows: Callable[[], Iterable[tuple[Any, ...]]]


_tables: Registry[Table] = Registry("open-data tables")
_versions: Registry[Callable[[], Any]] = Registry("open-data versions")


def register(table: Table, *, app: str) -> None:
    _tables.register(table.name, table, app=app)


def register_version(version: Callable[[], Any], *, app: str) -> None:
    """``version()`` changes whenever the app's published rows change."""
    _versions.register(app, version, app=app)


def tables() -> list[Table]:
    return _tables.items()


def version() -> str:
    """The zip's version: the registered tables and every app's data version, so a
    change to either gives a new one."""
    parts = [table.name for table in tables()]
    parts += [f"{entry.key}={entry.item()}" for entry in _versions.entries()]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
