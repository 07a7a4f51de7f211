"""Grøn drift: meters and their readings, versioned emission factors, the monthly
footprint they give, energy labels, green measures and residents' involvement.

A ``Meter`` is a *series*: the physical meter may be replaced (``MeterExchange``: the
old meter's last reading and the new one's first, on a date) and the series goes on.
A sub-meter (``parent``) measures part of what its parent measures: totals count only
meters without a parent, so nothing is counted twice (decision 0031).

``Reading`` holds what was read: for a cumulative register meter the register's value
at ``at``; for an interval meter the consumption of ``start``–``at``. Readings are
never summed on a request: ``footprint.meter_refresh`` turns a meter's readings into
``MonthlyFootprint`` rows (consumption in the kind's base unit, kg CO2e and the factor
version used), which every page, roll-up, metric and benchmark reads.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from almen.lib.bounds import LONG_TEXT, SHORT_TEXT, text_constraints, text_validators
from almen.lib.visibility import Visibility


class EnergyKind(models.TextChoices):
    DISTRICT_HEATING = "district_heating", _("Fjernvarme")
    ELECTRICITY = "electricity", _("El")
    WATER = "water", _("Vand")
    NATURAL_GAS = "natural_gas", _("Naturgas")
    OIL = "oil", _("Fyringsolie")
    OTHER = "other", _("Andet")


class MeterUnit(models.TextChoices):
    KWH = "kWh", "kWh"
    MWH = "MWh", "MWh"
    GJ = "GJ", "GJ"
    M3 = "m3", "m³"
    NM3 = "Nm3", "Nm³"
    LITRE = "l", _("liter")


class PriceArea(models.TextChoices):
    DK1 = "DK1", _("DK1 (Jylland og Fyn)")
    DK2 = "DK2", _("DK2 (Sjælland, øerne og Bornholm)")


class MeterMode(models.TextChoices):
    CUMULATIVE = "cumulative", _("Tællerstand (akkumuleret)")
    INTERVAL = "interval", _("Forbrug pr. periode")


class FactorMethod(models.TextChoices):
    LOCATION = "location", _("Lokationsbaseret")
    MARKET = "market", _("Markedsbaseret")


class Supplier(models.Model):
    """Who delivers a kind of energy: for district heating the plant (whose own
    declaration gives its CO2e), for electricity the grid company, for water the
    waterworks. National suppliers (``organisation`` empty) are kept by sector staff;
    an organisation may add its own."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(_("forsyningsart"), max_length=20, choices=EnergyKind.choices)
    organisation = models.ForeignKey(
        "register.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="green_suppliers",
        verbose_name=_("boligorganisation"),
    )
    municipalities = models.ManyToManyField(
        "register.Municipality", blank=True, related_name="green_suppliers"
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("forsyning")
        verbose_name_plural = _("forsyninger")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "name"],
                condition=Q(organisation__isnull=True),
                name="green_supplier_national_unique",
            ),
            models.UniqueConstraint(
                fields=["organisation", "kind", "name"], name="green_supplier_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Meter(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    estate = models.ForeignKey("register.Estate", on_delete=models.CASCADE, related_name="meters")
    building = models.ForeignKey(
        "register.Building",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meters",
        verbose_name=_("bygning"),
    )
    # The id printed on the meter or in the supplier's export (målernummer); unique
    # per estate. After an exchange this is the current meter's number.
    number = models.CharField(_("målernummer"), max_length=60)
    name = models.CharField(_("betegnelse"), max_length=200, blank=True)
    kind = models.CharField(_("forsyningsart"), max_length=20, choices=EnergyKind.choices)
    unit = models.CharField(_("enhed"), max_length=4, choices=MeterUnit.choices)
    mode = models.CharField(
        _("aflæsning"), max_length=10, choices=MeterMode.choices, default=MeterMode.CUMULATIVE
    )
    supplier = models.ForeignKey(
        Supplier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meters",
        verbose_name=_("forsyning"),
    )
    # Electricity's price area; empty: from the estate's municipality's region.
    price_area = models.CharField(
        _("prisområde"), max_length=3, choices=PriceArea.choices, blank=True
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_meters",
        verbose_name=_("hovedmåler"),
        help_text=_("En bimåler måler en del af hovedmålerens forbrug og tælles ikke med igen."),
    )
    installed_on = models.DateField(_("sat op"), null=True, blank=True)
    removed_on = models.DateField(_("taget ned"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["estate_id", "kind", "number"]
        verbose_name = _("måler")
        verbose_name_plural = _("målere")
        constraints = [
            models.UniqueConstraint(fields=["estate", "number"], name="green_meter_number_unique"),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=models.F("id")),
                name="green_meter_not_own_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.get_kind_display()})"


class MeterExchange(models.Model):
    """The physical meter was replaced on ``on``: the series goes on from the new
    meter's first reading. Consumption up to the exchange is the old meter's last
    reading minus the one before; after it, readings minus ``new_start``."""

    meter = models.ForeignKey(Meter, on_delete=models.CASCADE, related_name="exchanges")
    on = models.DateTimeField(_("udskiftet"))
    old_number = models.CharField(_("gammelt målernummer"), max_length=60, blank=True)
    new_number = models.CharField(_("nyt målernummer"), max_length=60, blank=True)
    old_end = models.DecimalField(_("gammel måler, slutstand"), max_digits=18, decimal_places=4)
    new_start = models.DecimalField(_("ny måler, startstand"), max_digits=18, decimal_places=4)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meter_id", "on"]
        verbose_name = _("måleropsætning")
        verbose_name_plural = _("målerudskiftninger")
        constraints = [
            models.UniqueConstraint(fields=["meter", "on"], name="green_exchange_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.meter_id} {self.on:%Y-%m-%d}"


class ReadingSource(models.TextChoices):
    MANUAL = "manual", _("Indtastet")
    IMPORT = "import", _("Importeret fil")
    API = "api", _("API")
    DEMO = "demo", _("Demo")


class Reading(models.Model):
    """One value read from a meter. Unique per meter and time: an import or an API
    feed that sends the same reading again changes nothing (or updates the value)."""

    # No index of its own: the unique (meter, at) index leads with the meter and serves
    # every lookup by meter; a second index cost each imported reading one more index
    # insert (docs/performance.md, issue 10). No foreign-key constraint either: triggers
    # check the meters once per statement instead of once per row, lock them as the
    # foreign key's check would, and delete a deleted meter's readings (decision 0037,
    # migration green/0007; on SQLite a migration that rebuilds this table or
    # green_meter must create them again — test_reading_meter_guard.py fails if not).
    meter = models.ForeignKey(
        Meter,
        on_delete=models.CASCADE,
        related_name="readings",
        db_index=False,
        db_constraint=False,
    )
    # Interval meters: the period's start (``at`` is its end). Cumulative: empty.
    start = models.DateTimeField(_("fra"), null=True, blank=True)
    at = models.DateTimeField(_("tidspunkt"))
    value = models.DecimalField(_("værdi"), max_digits=18, decimal_places=4)
    source = models.CharField(max_length=8, choices=ReadingSource.choices)
    # Which import wrote the reading: provenance, not a key the database must guard
    # (decision 0034). Without a constraint PostgreSQL does not check it for every row
    # an import writes (a deferred check per row at COMMIT, half of a 10-million-row
    # import's commit). Deleting a run still empties it: the ORM's collector sets it to
    # NULL, and import runs are deleted only through the ORM (with their organisation).
    import_run = models.ForeignKey(
        "imports.ImportRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )

    class Meta:
        ordering = ["meter_id", "at"]
        verbose_name = _("aflæsning")
        verbose_name_plural = _("aflæsninger")
        constraints = [
            models.UniqueConstraint(fields=["meter", "at"], name="green_reading_unique"),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(start__lt=models.F("at")),
                name="green_reading_interval_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meter_id} {self.at:%Y-%m-%d %H:%M} {self.value}"


class EmissionFactor(models.Model):
    """kg CO2e per base unit (kWh for heat and electricity, Nm³ for gas, m³ for
    water, litre for oil) for one year, kind and — where it matters — price area or
    supplier. A change never edits a row: it adds the next ``version`` and marks the
    old one superseded, so a footprint can always say which version it used."""

    key = models.CharField(max_length=120, editable=False)  # year/kind/area/supplier/method
    version = models.PositiveIntegerField(default=1)
    year = models.PositiveSmallIntegerField(
        _("år"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    kind = models.CharField(_("forsyningsart"), max_length=20, choices=EnergyKind.choices)
    price_area = models.CharField(
        _("prisområde"), max_length=3, choices=PriceArea.choices, blank=True
    )
    supplier = models.ForeignKey(
        Supplier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="factors",
        verbose_name=_("forsyning"),
    )
    method = models.CharField(
        _("metode"), max_length=10, choices=FactorMethod.choices, default=FactorMethod.LOCATION
    )
    kg_co2e_per_unit = models.DecimalField(_("kg CO2e pr. enhed"), max_digits=12, decimal_places=6)
    source = models.TextField(
        _("kilde"), max_length=SHORT_TEXT, validators=text_validators(SHORT_TEXT)
    )
    source_url = models.URLField(_("link til kilden"), max_length=500, blank=True)
    note = models.TextField(
        _("bemærkning"), blank=True, max_length=SHORT_TEXT, validators=text_validators(SHORT_TEXT)
    )
    # An organisation's own plant declaration; national rows have none.
    organisation = models.ForeignKey(
        "register.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="green_factors",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "kind", "price_area", "supplier_id", "-version"]
        verbose_name = _("emissionsfaktor")
        verbose_name_plural = _("emissionsfaktorer")
        constraints = [
            *text_constraints("green_factor", {"source": SHORT_TEXT, "note": SHORT_TEXT}),
            models.UniqueConstraint(fields=["key", "version"], name="green_factor_version_unique"),
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(superseded_at__isnull=True),
                name="green_factor_one_current",
            ),
            models.CheckConstraint(
                condition=Q(kg_co2e_per_unit__gte=0), name="green_factor_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} v{self.version}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def,unused-ignore]
        self.key = self.make_key(
            year=self.year,
            kind=self.kind,
            price_area=self.price_area,
            supplier_id=self.supplier_id,
            method=self.method,
            organisation_id=self.organisation_id,
        )
        super().save(*args, **kwargs)

    @staticmethod
    def make_key(
        *,
        year: int,
        kind: str,
        price_area: str,
        supplier_id: int | None,
        method: str,
        organisation_id: int | None,
    ) -> str:
        parts = [year, kind, price_area or "-", supplier_id or "-", method, organisation_id or "-"]
        return "/".join(str(p) for p in parts)


class MonthlyFootprint(models.Model):
    """A meter's consumption in one calendar month, in its kind's base unit, and the
    CO2e it caused with the factor version used. Written only by
    ``footprint.meter_refresh``; estate, organisation and municipality are copied
    so that roll-ups are one grouped sum."""

    meter = models.ForeignKey(Meter, on_delete=models.CASCADE, related_name="months")
    estate = models.ForeignKey("register.Estate", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "register.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    municipality = models.ForeignKey(
        "register.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=EnergyKind.choices)
    month = models.DateField()  # the first day of the month
    consumption = models.DecimalField(max_digits=18, decimal_places=4)  # base unit
    kg_co2e = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    factor = models.ForeignKey(
        EmissionFactor, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Share of the month covered by readings (1 = the whole month).
    coverage = models.DecimalField(max_digits=5, decimal_places=4, default=1)
    is_sub_meter = models.BooleanField(default=False)

    class Meta:
        ordering = ["meter_id", "month"]
        constraints = [
            models.UniqueConstraint(fields=["meter", "month"], name="green_month_unique"),
        ]
        indexes = [
            models.Index(fields=["estate", "month"]),
            models.Index(fields=["organisation", "month"]),
            models.Index(fields=["municipality", "month"]),
            models.Index(fields=["month", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.meter_id} {self.month:%Y-%m}"


class DegreeDaySeries(models.Model):
    """Monthly graddage for a place (e.g. DMI's for Danmark or a station), with the
    normal year they are compared with."""

    name = models.CharField(_("navn"), max_length=120, unique=True)
    source = models.TextField(
        _("kilde"), max_length=SHORT_TEXT, validators=text_validators(SHORT_TEXT)
    )
    source_url = models.URLField(_("link til kilden"), max_length=500, blank=True)
    normal_year = models.DecimalField(
        _("normalår (graddage)"),
        max_digits=8,
        decimal_places=1,
        help_text=_("Graddage i et normalår, fx 2906 for Danmark (DMI, 1991–2020)."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("graddageserie")
        verbose_name_plural = _("graddageserier")
        constraints = [*text_constraints("green_degree_series", {"source": SHORT_TEXT})]

    def __str__(self) -> str:
        return self.name


class DegreeDay(models.Model):
    series = models.ForeignKey(DegreeDaySeries, on_delete=models.CASCADE, related_name="days")
    month = models.DateField()
    value = models.DecimalField(max_digits=7, decimal_places=1)

    class Meta:
        ordering = ["series_id", "month"]
        constraints = [
            models.UniqueConstraint(fields=["series", "month"], name="green_degree_day_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="green_degree_day_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.series_id} {self.month:%Y-%m} {self.value}"


class EnergyLabelClass(models.TextChoices):
    A2020 = "A2020", "A2020"
    A2015 = "A2015", "A2015"
    A2010 = "A2010", "A2010"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"
    E = "E", "E"
    F = "F", "F"
    G = "G", "G"


# Best first; "C or better" is everything up to and including C.
LABEL_ORDER = [c.value for c in EnergyLabelClass]
C_OR_BETTER = frozenset(LABEL_ORDER[: LABEL_ORDER.index("C") + 1])


class EnergyLabel(models.Model):
    """An energy label (energimærke) for a building, from Energistyrelsen's scheme."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    building = models.ForeignKey(
        "register.Building", on_delete=models.CASCADE, related_name="energy_labels"
    )
    label = models.CharField(_("energimærke"), max_length=5, choices=EnergyLabelClass.choices)
    number = models.CharField(_("mærkenummer"), max_length=40, blank=True)
    issued_on = models.DateField(_("udstedt"))
    expires_on = models.DateField(_("udløber"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["building_id", "-issued_on"]
        verbose_name = _("energimærke")
        verbose_name_plural = _("energimærker")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("issued_on")),
                name="green_label_expires_after_issue",
            ),
            models.UniqueConstraint(
                fields=["building", "issued_on"], name="green_label_unique_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.issued_on})"


class MeasureKind(models.TextChoices):
    WILDFLOWER_MEADOW = "wildflower_meadow", _("Vild blomstereng")
    TREES = "trees", _("Træer")
    HEDGE = "hedge", _("Hæk eller buske")
    NEST_BOXES = "nest_boxes", _("Redekasser")
    INSECT_HOTEL = "insect_hotel", _("Insekthotel")
    POND = "pond", _("Vandhul")
    RAINWATER_BED = "rainwater_bed", _("Regnbed")
    GREEN_ROOF = "green_roof", _("Grønt tag")
    SOLAR_PANELS = "solar_panels", _("Solceller")
    HEAT_PUMP = "heat_pump", _("Varmepumpe")
    LED_LIGHTING = "led_lighting", _("LED-belysning")
    INSULATION = "insulation", _("Efterisolering")
    WINDOWS = "windows", _("Nye vinduer")
    WASTE_SORTING = "waste_sorting", _("Affaldssortering")
    CAR_SHARING = "car_sharing", _("Delebiler")
    EV_CHARGING = "ev_charging", _("Ladestandere")
    OTHER = "other", _("Andet")


BIODIVERSITY_KINDS = frozenset(
    {
        MeasureKind.WILDFLOWER_MEADOW,
        MeasureKind.TREES,
        MeasureKind.HEDGE,
        MeasureKind.NEST_BOXES,
        MeasureKind.INSECT_HOTEL,
        MeasureKind.POND,
        MeasureKind.RAINWATER_BED,
        MeasureKind.GREEN_ROOF,
    }
)


class GreenMeasure(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    estate = models.ForeignKey(
        "register.Estate", on_delete=models.CASCADE, related_name="green_measures"
    )
    building = models.ForeignKey(
        "register.Building",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="green_measures",
        verbose_name=_("bygning"),
    )
    kind = models.CharField(_("type"), max_length=20, choices=MeasureKind.choices)
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(
        _("beskrivelse"), blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT)
    )
    # Size: m² for areas (meadows, roofs, beds), a count for trees, boxes, chargers,
    # kWp for solar panels; ``area_m2`` is what counts as biodiversity area.
    quantity = models.DecimalField(
        _("antal/størrelse"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    quantity_unit = models.CharField(_("enhed"), max_length=20, blank=True)
    area_m2 = models.DecimalField(
        _("areal (m²)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    done_on = models.DateField(_("dato"))
    place = models.CharField(_("sted"), max_length=200, blank=True)
    # A point on the estate's map, as percentages of its width and height.
    map_x = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    map_y = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    cost_dkk = models.DecimalField(
        _("udgift (kr.)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    expected_saving_kwh = models.DecimalField(
        _("forventet besparelse (kWh/år)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    expected_saving_dkk = models.DecimalField(
        _("forventet besparelse (kr./år)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    visibility = models.CharField(
        _("synlighed"), max_length=12, choices=Visibility.choices, default=Visibility.ORGANISATION
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["estate_id", "-done_on", "-id"]
        verbose_name = _("grønt tiltag")
        verbose_name_plural = _("grønne tiltag")
        constraints = [
            *text_constraints("green_measure", {"description": LONG_TEXT}),
            models.CheckConstraint(
                condition=(Q(map_x__isnull=True) | Q(map_x__gte=0, map_x__lte=100))
                & (Q(map_y__isnull=True) | Q(map_y__gte=0, map_y__lte=100)),
                name="green_measure_map_in_range",
            ),
            models.CheckConstraint(
                condition=(Q(quantity__isnull=True) | Q(quantity__gte=0))
                & (Q(area_m2__isnull=True) | Q(area_m2__gte=0))
                & (Q(cost_dkk__isnull=True) | Q(cost_dkk__gte=0)),
                name="green_measure_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_biodiversity(self) -> bool:
        return self.kind in BIODIVERSITY_KINDS


class InvolvementKind(models.TextChoices):
    WORKDAY = "workday", _("Arbejdsdag")
    EVERYDAY_CHOICES = "everyday_choices", _("Grønne hverdagsvalg")
    WORKSHOP = "workshop", _("Workshop eller møde")
    CAMPAIGN = "campaign", _("Kampagne")
    OTHER = "other", _("Andet")


class Involvement(models.Model):
    """A log entry of residents taking part: a workday, a campaign on green
    everyday choices, a workshop — with how many took part."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    estate = models.ForeignKey(
        "register.Estate", on_delete=models.CASCADE, related_name="green_involvements"
    )
    measure = models.ForeignKey(
        GreenMeasure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="involvements",
        verbose_name=_("tiltag"),
    )
    kind = models.CharField(_("type"), max_length=20, choices=InvolvementKind.choices)
    title = models.CharField(_("titel"), max_length=200)
    held_on = models.DateField(_("dato"))
    participants = models.PositiveIntegerField(_("deltagere"))
    households = models.PositiveIntegerField(_("husstande"), null=True, blank=True)
    notes = models.TextField(
        _("noter"), blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT)
    )
    visibility = models.CharField(
        _("synlighed"), max_length=12, choices=Visibility.choices, default=Visibility.ORGANISATION
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["estate_id", "-held_on", "-id"]
        verbose_name = _("beboerinddragelse")
        verbose_name_plural = _("beboerinddragelser")
        constraints = [*text_constraints("green_involvement", {"notes": LONG_TEXT})]

    def __str__(self) -> str:
        return self.title


class MeasurePhoto(models.Model):
    """A photo of a green measure: the file is an attachment (almen/attachments, the
    measure is its owner); this row adds what a screen reader says instead of the
    picture. Removing the attachment removes the row."""

    measure = models.ForeignKey(GreenMeasure, on_delete=models.CASCADE, related_name="photos")
    attachment = models.OneToOneField(
        "attachments.Attachment", on_delete=models.CASCADE, related_name="measure_photo"
    )
    alt_text = models.CharField(_("alternativ tekst"), max_length=300)

    class Meta:
        ordering = ["measure_id", "id"]
        verbose_name = _("foto af grønt tiltag")
        verbose_name_plural = _("fotos af grønne tiltag")
        constraints = [
            models.CheckConstraint(condition=~Q(alt_text=""), name="measure_photo_alt_text")
        ]

    def __str__(self) -> str:
        return self.alt_text
