"""The register's open-data tables: the public register (no residents, no personal
data). Registered from ``RegisterConfig.ready()`` through ``almen.register.manifest``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from almen.lib.opendata import INTEGER, TEXT, UUID, Column, Table
from almen.register.models import Estate, Municipality, Organisation


def _municipalities() -> Iterator[tuple[Any, ...]]:
    yield from Municipality.objects.order_by("code").values_list("code", "name", "region")


def _organisations() -> Iterator[tuple[Any, ...]]:
    yield from (
        Organisation.objects.order_by("cvr")
        .values_list("cvr", "name", "address", "municipality__code")
        .iterator(chunk_size=2000)
    )


def _estates() -> Iterator[tuple[Any, ...]]:
    yield from (
        Estate.objects.annotate(homes=F("unit_count"))
        .order_by("organisation__cvr", "number")
        .values_list(
            "public_id",
            "organisation__cvr",
            "number",
            "name",
            "municipality__code",
            "address",
            "postal_code",
            "city",
            "homes",
        )
    )


TABLES: tuple[Table, ...] = (
    Table(
        "municipalities",
        _("De 98 kommuner."),
        (
            Column("code", TEXT, _("Officiel kommunekode, 4 cifre (fx 0101).")),
            Column("name", TEXT, _("Kommunens navn.")),
            Column("region", TEXT, _("Regionen, fx Region Hovedstaden.")),
        ),
        _municipalities,
    ),
    Table(
        "organisations",
        _("Boligorganisationer."),
        (
            Column("cvr", TEXT, _("CVR-nummer, 8 cifre.")),
            Column("name", TEXT, _("Navn.")),
            Column("address", TEXT, _("Adresse.")),
            Column("municipality_code", TEXT, _("Kommunekode (municipalities.code).")),
        ),
        _organisations,
    ),
    Table(
        "estates",
        _("Afdelinger (offentlige oplysninger og antal boliger)."),
        (
            Column("id", UUID, _("Afdelingens id.")),
            Column("organisation_cvr", TEXT, _("Boligorganisationens CVR-nummer.")),
            Column("number", INTEGER, _("Afdelingsnummer i organisationen.")),
            Column("name", TEXT, _("Navn.")),
            Column("municipality_code", TEXT, _("Kommunekode (municipalities.code).")),
            Column("address", TEXT, _("Adresse.")),
            Column("postal_code", TEXT, _("Postnummer.")),
            Column("city", TEXT, _("By.")),
            Column("homes", INTEGER, _("Antal lejemål i registret."), _("boliger")),
        ),
        _estates,
    ),
)
