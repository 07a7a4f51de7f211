"""Hand-computed cases for the meters part's services: a meter's rules (unit against
kind, parent cycles and kinds, supplier kind, unique number), typed-in readings that
go down (refused, then accepted after an exchange), an exchange continuing the series
into the monthly footprint, energy-label rules and the share of homes with label C or
better. Every expected number is worked out in the comment beside it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from almen.audit.models import AuditEntry
from almen.green import meters_selectors as selectors
from almen.green import meters_services as services
from almen.green.models import (
    EnergyKind,
    EnergyLabel,
    Meter,
    MeterExchange,
    MeterUnit,
    MonthlyFootprint,
    Reading,
    Supplier,
)
from almen.green.testing import aware
from almen.register.models import Building, Estate, Organisation, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(cast):
    return cast["org_staff"].user


def _estate(number: int = 2) -> Estate:
    return Estate.objects.select_related("organisation", "municipality").get(
        organisation__cvr="29190909", number=number
    )


def _meter(staff, **kw) -> Meter:
    values = {"number": "T-1", "kind": EnergyKind.DISTRICT_HEATING, "unit": MeterUnit.KWH}
    values.update(kw)
    return services.meter_create(actor=staff, estate=_estate(), **values)


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- meters ---------------------------------------------------------------------------


def test_a_unit_that_does_not_fit_the_kind_is_refused(staff) -> None:
    with pytest.raises(ValidationError) as exc:
        _meter(staff, kind=EnergyKind.WATER, unit=MeterUnit.GJ)
    [message] = _errors(exc)["unit"]
    assert message == "Enheden GJ passer ikke til vand (brug liter, m³)."
    assert not Meter.objects.filter(estate=_estate()).exists()


def test_the_meter_number_is_unique_in_the_estate(staff) -> None:
    _meter(staff, number="FV-7")
    with pytest.raises(ValidationError) as exc:
        _meter(staff, number=" FV-7 ", kind=EnergyKind.WATER, unit=MeterUnit.M3)
    assert "allerede en måler med nummeret FV-7" in _errors(exc)["number"][0]
    # Another estate may use the same number.
    services.meter_create(
        actor=staff, estate=_estate(1), number="FV-7", kind="water", unit=MeterUnit.M3
    )


def test_a_parent_of_another_kind_or_estate_is_refused(staff) -> None:
    heat = _meter(staff, number="FV-1")
    with pytest.raises(ValidationError) as exc:
        _meter(staff, number="V-1", kind=EnergyKind.WATER, unit=MeterUnit.M3, parent=heat)
    assert "bimåler skal måle det samme (vand)" in _errors(exc)["parent"][0]
    other = Meter.objects.get(number="MATRIX-FV-1")  # estate 1's
    with pytest.raises(ValidationError) as exc:
        _meter(staff, number="FV-2", parent=other)
    assert _errors(exc)["parent"] == ["Hovedmåleren skal høre til samme afdeling."]


def test_a_parent_cycle_is_refused(staff) -> None:
    a = _meter(staff, number="A")
    b = _meter(staff, number="B", parent=a)
    c = _meter(staff, number="C", parent=b)
    # A under C would make A → C → B → A.
    with pytest.raises(ValidationError) as exc:
        services.meter_update(actor=staff, meter=a, parent=c)
    assert "C er selv en bimåler under denne måler" in _errors(exc)["parent"][0]
    with pytest.raises(ValidationError) as exc:
        services.meter_update(actor=staff, meter=a, parent=a)
    assert _errors(exc)["parent"] == ["En måler kan ikke være sin egen hovedmåler."]
    a.refresh_from_db()
    assert a.parent_id is None
    # Moving C up under A is fine (no cycle), and C's months become a sub-meter's.
    services.meter_update(actor=staff, meter=c, parent=a)
    assert Meter.objects.get(pk=c.pk).parent_id == a.pk


def test_a_meter_with_sub_meters_keeps_their_kind(staff) -> None:
    a = _meter(staff, number="A")
    _meter(staff, number="B", parent=a)
    with pytest.raises(ValidationError) as exc:
        services.meter_update(actor=staff, meter=a, kind=EnergyKind.ELECTRICITY)
    assert "Bimåleren B måler fjernvarme" in _errors(exc)["kind"][0]


def test_the_supplier_must_deliver_the_same_kind(staff) -> None:
    plant = Supplier.objects.create(name="Testværket", kind=EnergyKind.DISTRICT_HEATING)
    with pytest.raises(ValidationError) as exc:
        _meter(staff, number="E-1", kind=EnergyKind.ELECTRICITY, supplier=plant)
    assert _errors(exc)["supplier"] == [
        "Testværket leverer fjernvarme, ikke el. Vælg en forsyning af samme art."
    ]
    # Another organisation's own supplier is not this one's to use.
    foreign = Supplier.objects.create(
        name="Deres værk",
        kind=EnergyKind.DISTRICT_HEATING,
        organisation=Organisation.objects.get(cvr="31415926"),
    )
    with pytest.raises(ValidationError) as exc:
        _meter(staff, number="FV-9", supplier=foreign)
    assert "organisationens egen" in _errors(exc)["supplier"][0]
    meter = _meter(staff, number="FV-10", supplier=plant)
    assert meter.supplier_id == plant.pk


def test_a_building_of_another_estate_is_refused(staff) -> None:
    building = Building.objects.filter(estate=_estate(1)).first()
    with pytest.raises(ValidationError) as exc:
        _meter(staff, building=building)
    assert _errors(exc)["building"] == ["Bygningen hører ikke til afdelingen."]


def test_creating_and_changing_a_meter_is_audited(staff) -> None:
    meter = _meter(staff, number="FV-1")
    services.meter_update(actor=staff, meter=meter, name="Hovedmåler")
    actions = list(
        AuditEntry.objects.filter(object_id=str(meter.pk), object_type="green.meter")
        .order_by("pk")
        .values_list("action", "after")
    )
    assert actions[0][0] == "green.meter_create"
    assert actions[1] == ("green.meter_update", {"name": "Hovedmåler"})


# --- readings and exchanges -----------------------------------------------------------


def _read(staff, meter: Meter, day: dt.date, value: str):
    return services.reading_create(actor=staff, meter=meter, at=aware(day), value=Decimal(value))


def _months(meter: Meter) -> dict[str, Decimal]:
    return {
        f"{m.month:%Y-%m}": m.consumption
        for m in MonthlyFootprint.objects.filter(meter=meter).order_by("month")
    }


def test_a_register_reading_lower_than_the_previous_is_refused(staff) -> None:
    meter = _meter(staff)
    _read(staff, meter, dt.date(2025, 1, 1), "1000")
    with pytest.raises(ValidationError) as exc:
        _read(staff, meter, dt.date(2025, 2, 1), "999.5")
    [message] = _errors(exc)["value"]
    assert "lavere end den forrige aflæsning (1000 den 01-01-2025 00:00)" in message
    assert "registrér målerudskiftningen først" in message
    # A reading put before an existing one may not be higher than it either.
    _read(staff, meter, dt.date(2025, 3, 1), "1200")
    with pytest.raises(ValidationError) as exc:
        _read(staff, meter, dt.date(2025, 2, 1), "1300")
    assert "højere end den næste aflæsning (1200" in _errors(exc)["value"][0]
    assert Reading.objects.filter(meter=meter).count() == 2


def test_an_exchange_continues_the_series(staff) -> None:
    meter = _meter(staff, number="FV-OLD")
    _read(staff, meter, dt.date(2025, 1, 1), "1000")
    _read(staff, meter, dt.date(2025, 2, 1), "1100")
    # The new meter starts at 0: its first reading (60) is lower than 1,100 and refused
    # until the exchange is recorded.
    with pytest.raises(ValidationError):
        _read(staff, meter, dt.date(2025, 3, 1), "60")
    exchange = services.meter_exchange_create(
        actor=staff,
        meter=meter,
        on=aware(dt.date(2025, 2, 15)),
        old_end=Decimal("1150"),
        new_start=Decimal("0"),
        new_number="FV-NEW",
    )
    _read(staff, meter, dt.date(2025, 3, 1), "60")
    # January: 1,100 − 1,000 = 100. February: the old meter 1,150 − 1,100 = 50 up to
    # the 15th, then the new one 60 − 0 = 60: 110.
    assert _months(meter) == {"2025-01": Decimal("100"), "2025-02": Decimal("110")}
    meter.refresh_from_db()
    assert meter.number == "FV-NEW"
    assert (exchange.old_number, exchange.new_number) == ("FV-OLD", "FV-NEW")
    # After an exchange a reading below the new meter's start is refused.
    _read(staff, meter, dt.date(2025, 3, 20), "70")
    services.meter_exchange_create(
        actor=staff,
        meter=meter,
        on=aware(dt.date(2025, 3, 25)),
        old_end=Decimal("80"),
        new_start=Decimal("5"),
    )
    with pytest.raises(ValidationError) as exc:
        _read(staff, meter, dt.date(2025, 3, 30), "4")
    assert (
        "lavere end den nye målers startstand (5 ved udskiftningen 25-03-2025"
        in (_errors(exc)["value"][0])
    )
    assert MeterExchange.objects.filter(meter=meter).count() == 2


def test_the_old_meters_end_must_reach_the_last_reading(staff) -> None:
    meter = _meter(staff)
    _read(staff, meter, dt.date(2025, 1, 1), "1000")
    with pytest.raises(ValidationError) as exc:
        services.meter_exchange_create(
            actor=staff,
            meter=meter,
            on=aware(dt.date(2025, 1, 10)),
            old_end=Decimal("990"),
            new_start=Decimal("0"),
        )
    assert (
        "mindst den sidste aflæsning før udskiftningen (1000 den 01-01-2025"
        in (_errors(exc)["old_end"][0])
    )
    # At the same moment as a reading it is ambiguous: which meter was read?
    with pytest.raises(ValidationError) as exc:
        services.meter_exchange_create(
            actor=staff,
            meter=meter,
            on=aware(dt.date(2025, 1, 1)),
            old_end=Decimal("1000"),
            new_start=Decimal("0"),
        )
    assert "time" in _errors(exc)
    assert not MeterExchange.objects.filter(meter=meter).exists()


def test_a_new_number_taken_by_another_meter_is_refused(staff) -> None:
    _meter(staff, number="TAKEN", kind=EnergyKind.WATER, unit=MeterUnit.M3)
    meter = _meter(staff)
    with pytest.raises(ValidationError) as exc:
        services.meter_exchange_create(
            actor=staff,
            meter=meter,
            on=aware(dt.date(2025, 1, 10)),
            old_end=Decimal("5"),
            new_start=Decimal("0"),
            new_number="TAKEN",
        )
    assert "new_number" in _errors(exc)


def test_future_and_negative_readings_are_refused(staff) -> None:
    meter = _meter(staff)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        _read(staff, meter, tomorrow, "1")
    assert _errors(exc)["date"] == ["Aflæsningen kan ikke ligge i fremtiden."]
    with pytest.raises(ValidationError) as exc:
        _read(staff, meter, dt.date(2025, 1, 1), "-1")
    assert _errors(exc)["value"] == ["Værdien kan ikke være negativ."]


def test_a_reading_at_the_same_time_replaces_the_earlier(staff) -> None:
    meter = _meter(staff)
    _read(staff, meter, dt.date(2025, 1, 1), "1000")
    _read(staff, meter, dt.date(2025, 2, 1), "1100")
    reading, replaced = _read(staff, meter, dt.date(2025, 2, 1), "1150")
    assert replaced == Decimal("1100")
    assert Reading.objects.filter(meter=meter).count() == 2
    assert reading.value == Decimal("1150")
    # 1,150 − 1,000 = 150 in January (1 Jan – 1 Feb).
    assert _months(meter) == {"2025-01": Decimal("150")}
    assert AuditEntry.objects.filter(
        action="green.reading_update", object_id=str(reading.pk), before__value="1100.0000"
    ).exists()


def test_deleting_a_reading_recomputes_the_months(staff) -> None:
    meter = _meter(staff)
    _read(staff, meter, dt.date(2025, 1, 1), "1000")
    middle, _ = _read(staff, meter, dt.date(2025, 2, 1), "1100")
    _read(staff, meter, dt.date(2025, 3, 1), "1300")
    services.reading_delete(actor=staff, reading=middle)
    # 1 Jan – 1 Mar: 300 over 59 days, 31 to January and 28 to February.
    months = _months(meter)
    assert months["2025-01"] == (Decimal(300) * 31 / 59).quantize(Decimal("0.0001"))
    assert months["2025-02"] == (Decimal(300) * 28 / 59).quantize(Decimal("0.0001"))
    assert AuditEntry.objects.filter(action="green.reading_delete").exists()


def test_an_interval_meter_needs_the_period(staff) -> None:
    meter = _meter(staff, mode="interval")
    with pytest.raises(ValidationError) as exc:
        _read(staff, meter, dt.date(2025, 2, 1), "300")
    assert "start" in _errors(exc)
    services.reading_create(
        actor=staff,
        meter=meter,
        start=aware(dt.date(2025, 1, 1)),
        at=aware(dt.date(2025, 2, 1)),
        value=Decimal("300"),
    )
    assert _months(meter) == {"2025-01": Decimal("300")}
    with pytest.raises(ValidationError):
        services.meter_exchange_create(
            actor=staff,
            meter=meter,
            on=aware(dt.date(2025, 1, 10)),
            old_end=Decimal(1),
            new_start=Decimal(0),
        )


# --- buildings and labels -------------------------------------------------------------


def _new_estate() -> Estate:
    base = _estate()
    return Estate.objects.create(
        organisation=base.organisation,
        number=990,
        name="Mærkeparken",
        municipality=base.municipality,
    )


def _building(estate: Estate, address: str, homes: int, area: str = "70") -> Building:
    building = Building.objects.create(estate=estate, address=address)
    Unit.objects.bulk_create(
        Unit(
            estate=estate,
            building=building,
            number=f"{address}-{i}",
            area_m2=Decimal(area),
            rooms=3,
        )
        for i in range(homes)
    )
    return building


def _label(staff, building: Building, label: str, issued: dt.date, years: int = 10):
    return services.label_create(
        actor=staff,
        building=building,
        label=label,
        issued_on=issued,
        expires_on=issued.replace(year=issued.year + years),
    )


def test_share_of_homes_with_label_c_or_better(staff) -> None:
    estate = _new_estate()
    a = _building(estate, "Mærkevej 1", 4)
    b = _building(estate, "Mærkevej 3", 2)
    c = _building(estate, "Mærkevej 5", 6)
    _label(staff, a, "C", dt.date(2021, 5, 1))
    _label(staff, b, "E", dt.date(2022, 5, 1))
    _label(staff, c, "A2015", dt.date(2023, 5, 1))
    # C and A2015 are C or better: 4 + 6 = 10 homes of 4 + 2 + 6 = 12.
    assert selectors.label_share([estate.pk]) == (10, 12, 12)
    assert selectors.share_percent(10, 12) == Decimal("83.3")  # 10/12 = 83.33 %


def test_share_counts_the_current_label_and_homes_without_one(staff) -> None:
    estate = _new_estate()
    a = _building(estate, "Mærkevej 1", 4)
    b = _building(estate, "Mærkevej 3", 2)
    _building(estate, "Mærkevej 5", 3)  # no label
    # A home outside any building counts nowhere.
    Unit.objects.create(estate=estate, number="løs", area_m2=Decimal(50), rooms=2)
    # Building a: an old B that expired, then a valid D (the current one).
    _label(staff, a, "B", dt.date(2010, 1, 1))  # expired 1 January 2020
    _label(staff, a, "D", dt.date(2021, 1, 1))
    # Building b: only an expired A2010: no current label.
    _label(staff, b, "A2010", dt.date(2012, 1, 1))
    today = dt.date(2026, 12, 1)
    # Labelled: only a's 4 homes (with D, not C or better); total 4 + 2 + 3 = 9.
    assert selectors.label_share([estate.pk], today=today) == (0, 4, 9)
    # On 1 June 2015 b's A2010 and a's B were both valid: 4 + 2 = 6 of 9.
    assert selectors.label_share([estate.pk], today=dt.date(2015, 6, 1)) == (6, 6, 9)
    per_estate = selectors.label_share_by_estate([estate.pk, _estate().pk], today=today)
    assert per_estate[estate.pk] == (0, 4, 9)


def test_label_share_is_one_query(staff, django_assert_num_queries) -> None:
    estate = _new_estate()
    for n in range(5):
        _label(staff, _building(estate, f"Mærkevej {n}", 2), "C", dt.date(2020, 1, 1 + n))
    ids = [estate.pk, _estate().pk]
    with django_assert_num_queries(1):
        assert selectors.label_share(ids, today=dt.date(2026, 1, 1))[0] == 10
    with django_assert_num_queries(1):
        selectors.label_share_by_estate(ids)


def test_label_rules(staff) -> None:
    building = _building(_new_estate(), "Mærkevej 1", 1)
    with pytest.raises(ValidationError) as exc:
        services.label_create(
            actor=staff,
            building=building,
            label="C",
            issued_on=dt.date(2024, 5, 1),
            expires_on=dt.date(2024, 5, 1),
        )
    assert _errors(exc)["expires_on"] == ["Udløbsdatoen skal ligge efter udstedelsesdatoen."]
    first = _label(staff, building, "C", dt.date(2024, 5, 1))
    with pytest.raises(ValidationError) as exc:
        _label(staff, building, "B", dt.date(2024, 5, 1))
    assert "allerede et energimærke udstedt 01-05-2024" in _errors(exc)["issued_on"][0]
    with pytest.raises(ValidationError) as exc:
        _label(staff, building, "B", timezone.localdate() + dt.timedelta(days=1))
    assert "fremtiden" in _errors(exc)["issued_on"][0]
    services.label_update(actor=staff, energy_label=first, label="B")
    assert EnergyLabel.objects.get(pk=first.pk).label == "B"
    services.label_delete(actor=staff, energy_label=first)
    assert not EnergyLabel.objects.filter(pk=first.pk).exists()
    assert list(
        AuditEntry.objects.filter(object_type="green.energylabel")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["green.label_create", "green.label_update", "green.label_delete"]


def test_building_update(staff) -> None:
    building = _building(_new_estate(), "Mærkevej 1", 2, area="80.5")
    services.building_update(
        actor=staff, building=building, built_year=1968, heated_area_m2=Decimal("200")
    )
    building.refresh_from_db()
    assert (building.built_year, building.heated_area_m2) == (1968, Decimal("200"))
    with pytest.raises(ValidationError):
        services.building_update(
            actor=staff, building=building, built_year=1500, heated_area_m2=None
        )
    # Empty heated area: the homes' area is used (2 × 80.5 = 161).
    services.building_update(actor=staff, building=building, built_year=None, heated_area_m2=None)
    row = selectors.buildings_with_area(building.estate).get(pk=building.pk)
    assert (row.heated_area_m2, row.units_area, row.unit_count) == (None, Decimal("161"), 2)  # type: ignore[attr-defined]


def test_the_same_reading_again_changes_nothing(staff) -> None:
    meter = _meter(staff)
    _read(staff, meter, dt.date(2025, 1, 1), "1000")
    entries = AuditEntry.objects.count()
    _, replaced = _read(staff, meter, dt.date(2025, 1, 1), "1000.0")
    assert replaced == Decimal("1000")
    assert AuditEntry.objects.count() == entries
