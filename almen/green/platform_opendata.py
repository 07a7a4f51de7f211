"""Grøn drift in the open-data zip: the current national emission-factor table and
the green measures an organisation has made public (estate, kind, size, date — no
person, no cost, no photo).

What is *not* published: an estate's consumption and CO2e. They are the
organisation's operational figures (decision 0031: its staff, board, residents, the
municipality and the sector read them) and an estate's water or electricity per
household says something about few households in a small estate. An organisation that
wants its figures public binds a public goal's indicator to a green metric: the goals'
open data then carries the numbers it chose to publish.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from almen.green.models import EmissionFactor, GreenMeasure
from almen.green.units import base_unit, unit_label
from almen.lib import opendata, versions
from almen.lib.opendata import DATE, DECIMAL, INTEGER, TEXT, TIMESTAMP, UUID, Column, Table
from almen.lib.visibility import Visibility

APP = "green"
VERSION_KEY = "green:opendata:version"


def green_version() -> int:
    """Bumped whenever a factor or a measure is saved or deleted (a cache read)."""
    return versions.current(VERSION_KEY)


def opendata_invalidate(**_kwargs: Any) -> None:
    versions.bump(VERSION_KEY)


def national_factors() -> Any:
    """The national table as it stands: current versions, no organisation's own."""
    return EmissionFactor.objects.filter(organisation__isnull=True, superseded_at__isnull=True)


def public_measures() -> Any:
    return GreenMeasure.objects.filter(visibility=Visibility.PUBLIC)


def _factors() -> Iterator[tuple[Any, ...]]:
    rows = (
        national_factors()
        .order_by("-year", "kind", "price_area", "key")
        .values_list(
            "key",
            "version",
            "year",
            "kind",
            "price_area",
            "supplier__name",
            "method",
            "kg_co2e_per_unit",
            "source",
            "source_url",
            "note",
            "created_at",
        )
    )
    for key, version, year, kind, area, supplier, method, value, *rest in rows.iterator(
        chunk_size=1000
    ):
        unit = f"kg CO2e/{unit_label(base_unit(kind))}"
        yield (key, version, year, kind, area, supplier or "", method, value, unit, *rest)


def _measures() -> Iterator[tuple[Any, ...]]:
    rows = (
        public_measures()
        .order_by("estate__organisation__cvr", "estate__number", "done_on", "id")
        .values_list(
            "public_id",
            "estate__organisation__cvr",
            "estate__number",
            "kind",
            "title",
            "area_m2",
            "quantity",
            "quantity_unit",
            "done_on",
        )
    )
    yield from rows.iterator(chunk_size=2000)


TABLES = (
    Table(
        "green_emission_factors",
        _(
            "Den nationale tabel over emissionsfaktorer, som Almen regner CO2e med: de "
            "gældende versioner pr. år, forsyningsart, prisområde og værk, med kilde. Der "
            "findes ingen officiel faktor for vand."
        ),
        (
            Column("key", TEXT, _("År/art/prisområde/forsyning/metode/organisation.")),
            Column("version", INTEGER, _("Faktorens version; en rettelse giver en ny.")),
            Column("year", INTEGER, _("Året, faktoren gælder for.")),
            Column(
                "kind",
                TEXT,
                _("district_heating, electricity, water, natural_gas, oil eller other."),
            ),
            Column("price_area", TEXT, _("Elprisområdet DK1 eller DK2; tomt, hvis ikke el.")),
            Column("supplier", TEXT, _("Fjernvarmeværket, hvis faktoren er et værks.")),
            Column("method", TEXT, _("location (lokationsbaseret) eller market.")),
            Column("kg_co2e_per_unit", DECIMAL, _("kg CO2e pr. enhed."), _("se unit")),
            Column("unit", TEXT, _("Enheden, fx kg CO2e/kWh eller kg CO2e/Nm³.")),
            Column("source", TEXT, _("Kilden, som den er angivet.")),
            Column("source_url", TEXT, _("Link til kilden.")),
            Column("note", TEXT, _("Bemærkning, fx at tallet er foreløbigt.")),
            Column("created_at", TIMESTAMP, _("Hvornår versionen blev oprettet.")),
        ),
        _factors,
    ),
    Table(
        "green_measures",
        _(
            "Grønne tiltag og tiltag for biodiversitet, som boligorganisationen har gjort "
            "offentlige: afdeling, type, størrelse og dato. Ingen personer og ingen udgifter."
        ),
        (
            Column("id", UUID, _("Tiltagets id.")),
            Column("organisation_cvr", TEXT, _("Boligorganisationens CVR-nummer.")),
            Column("estate_number", INTEGER, _("Afdelingens nummer i boligorganisationen.")),
            Column("kind", TEXT, _("Typen, fx wildflower_meadow, nest_boxes, solar_panels.")),
            Column("title", TEXT, _("Tiltagets titel.")),
            Column("area_m2", DECIMAL, _("Arealet, der tæller som biodiversitet."), "m²"),
            Column("quantity", DECIMAL, _("Antal eller størrelse."), _("se quantity_unit")),
            Column("quantity_unit", TEXT, _("Enheden for quantity, fx stk. eller kWp.")),
            Column("done_on", DATE, _("Hvornår tiltaget blev gennemført.")),
        ),
        _measures,
    ),
)


def register() -> None:
    for table in TABLES:
        opendata.register(table, app=APP)
    opendata.register_version(green_version, app=APP)
    for model in (EmissionFactor, GreenMeasure):
        post_save.connect(opendata_invalidate, sender=model, dispatch_uid=f"green-od-{model}")
        post_delete.connect(opendata_invalidate, sender=model, dispatch_uid=f"green-od-d-{model}")
