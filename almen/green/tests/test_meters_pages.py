"""The meters part's pages: what each persona sees (content, not only status codes),
the forms with good and bad input, the confirmation before deleting, and query counts
that stay flat when the data grows.

The matrix data (almen/green/testing.py and testing_meters.py): organisation A's
estate 1 has the district-heating meter MATRIX-FV-1 (MWh, 10 MWh a month in 2025)
and its sub-meter MATRIX-FV-1.1 in the building "Målervej 1 (matrix)", which has a
label C."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from almen.green import footprint
from almen.green import meters_services as services
from almen.green.models import EnergyKind, EnergyLabel, Meter, MeterUnit, Reading
from almen.green.testing import METER_ID, aware, monthly_readings
from almen.green.testing_meters import BUILDING_PK, LABEL_ID, READING_PK
from almen.register.models import Building, Estate, Unit

pytestmark = pytest.mark.django_db

ESTATE_1 = "/organisationer/29190909/afdelinger/1/groen-drift/"
ESTATE_2 = "/organisationer/29190909/afdelinger/2/groen-drift/"
METERS = ESTATE_1 + "maalere/"
METER = f"{METERS}{METER_ID}/"


def _text(response) -> str:
    return response.content.decode()


# --- who sees what --------------------------------------------------------------------


# Tokens on the meter list, by persona (from the rules in access.py's docstring,
# written by hand): readers see both meters and their supplier; only staff get the
# "Ny måler" button; resident_b (estate 2) and the outsider see nothing of them.
SEES_METERS = {
    "resident_a": True,
    "resident_b": False,
    "estate_board_a": True,
    "org_board": True,
    "org_staff": True,
    "other_org_staff": False,
    "municipality_officer": True,
    "sector_staff": True,
}


@pytest.mark.parametrize("persona", sorted(SEES_METERS))
def test_meter_list_per_persona(persona: str, client_for) -> None:
    response = client_for(persona).get(METERS)
    page = _text(response)
    create_url = METERS + "ny/"
    if SEES_METERS[persona]:
        assert response.status_code == 200
        for token in ("MATRIX-FV-1", "MATRIX-FV-1.1", "Matrix Fjernvarme", "Målervej 1 (matrix)"):
            assert token in page
        # The sub-meter names its parent; the main meter has 12 months of 2025.
        assert ">12</td>" in page
        assert (create_url in page) is (persona == "org_staff")
    else:
        assert response.status_code == {"resident_b": 403, "other_org_staff": 404}[persona]
        assert "MATRIX-FV-1" not in page
        assert "Matrix Fjernvarme" not in page


def test_the_resident_reads_the_meter_but_cannot_change_it(client_for) -> None:
    page = _text(client_for("resident_a").get(METER))
    # 10 MWh a month = 10,000 kWh, at Fjernvarme Fyn's 0.05695 kg/kWh = 569.5 kg.
    assert "10.000" in page and "569,5" in page
    assert "januar 2025" in page
    assert "Skriv en aflæsning" not in page
    assert "/slet/" not in page
    assert "/rediger/" not in page
    assert "MATRIX-FV-1.1" in page  # its sub-meter


def test_staff_get_the_forms_on_the_meter(client_for) -> None:
    page = _text(client_for("org_staff").get(METER))
    assert "Skriv en aflæsning" in page
    assert f"{METER}aflaesninger/ny/" in page
    assert f"{METER}udskiftning/" in page


def test_other_org_staff_get_404_everywhere(client_for) -> None:
    client = client_for("other_org_staff")
    for path in (
        METERS,
        METER,
        ESTATE_1 + "bygninger/",
        ESTATE_1 + "energimaerker/",
        f"{ESTATE_1}energimaerker/{LABEL_ID}/rediger/",
        f"{METERS}aflaesninger/{READING_PK}/slet/",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "MATRIX" not in _text(response)


def test_a_meter_of_another_estate_is_not_found(client_for) -> None:
    # Estate 2's address with estate 1's meter.
    assert client_for("org_staff").get(f"{ESTATE_2}maalere/{METER_ID}/").status_code == 404
    path = f"{ESTATE_2}maalere/aflaesninger/{READING_PK}/slet/"
    assert client_for("org_staff").get(path).status_code == 404


# --- forms ----------------------------------------------------------------------------


def test_creating_a_meter_with_a_wrong_unit_says_why(client_for) -> None:
    client = client_for("org_staff")
    data = {"number": "V-1", "kind": "water", "unit": "GJ", "mode": "cumulative"}
    response = client.post(METERS + "ny/", data)
    assert response.status_code == 400
    assert "Enheden GJ passer ikke til vand" in _text(response)
    data["unit"] = "m3"
    response = client.post(METERS + "ny/", data)
    meter = Meter.objects.get(number="V-1")
    assert response.status_code == 302
    assert response["Location"] == f"{METERS}{meter.public_id}/"
    # A duplicate number is refused with a message.
    response = client.post(METERS + "ny/", data)
    assert response.status_code == 400
    assert "allerede en måler med nummeret V-1" in _text(response)


def test_the_meter_form_says_which_price_area_the_municipality_gives(client_for) -> None:
    # Estate 1 is in København (Region Hovedstaden): DK2.
    page = _text(client_for("org_staff").get(METERS + "ny/"))
    assert "Ud fra kommunen: DK2" in page


def test_typing_in_readings(client_for) -> None:
    client = client_for("org_staff")
    url = f"{METER}aflaesninger/ny/"
    # The matrix meter's last reading is 1,120 MWh on 1 January 2026.
    response = client.post(url, {"date": "2026-02-01", "value": "1100"})
    assert response.status_code == 400
    page = _text(response)
    assert "lavere end den forrige aflæsning (1120 den 01-01-2026 00:00)" in page
    assert "registrér målerudskiftningen" in page
    response = client.post(url, {"date": "2026-02-01", "value": "abc"})
    assert response.status_code == 400
    assert "Skriv et tal" in _text(response)
    response = client.post(url, {"date": "2026-02-01", "value": "1.130,5"})
    assert response.status_code == 302
    meter = Meter.objects.get(public_id=METER_ID)
    assert meter.readings.get(at=aware(dt.date(2026, 2, 1))).value == Decimal("1130.5")
    # January 2026: 1,130.5 − 1,120 = 10.5 MWh = 10,500 kWh.
    assert meter.months.get(month=dt.date(2026, 1, 1)).consumption == Decimal("10500")
    # The same time again overwrites, with a warning.
    response = client.post(url, {"date": "2026-02-01", "value": "1131"}, follow=True)
    assert "Der var allerede en aflæsning på det tidspunkt (1130,5)" in _text(response)
    assert meter.readings.filter(at=aware(dt.date(2026, 2, 1))).count() == 1


def test_recording_an_exchange_through_the_page(client_for) -> None:
    client = client_for("org_staff")
    response = client.post(
        f"{METER}udskiftning/",
        {"date": "2026-01-15", "old_end": "1125", "new_start": "0", "new_number": "FV-NY"},
    )
    assert response.status_code == 302
    meter = Meter.objects.get(public_id=METER_ID)
    assert meter.number == "FV-NY"
    exchange = meter.exchanges.get()
    assert exchange.old_number == "MATRIX-FV-1"
    # Now the new meter's 3 MWh is accepted: January 2026 = 1,125 − 1,120 + 3 − 0 = 8.
    response = client.post(f"{METER}aflaesninger/ny/", {"date": "2026-02-01", "value": "3"})
    assert response.status_code == 302
    assert meter.months.get(month=dt.date(2026, 1, 1)).consumption == Decimal("8000")
    page = _text(client.get(METER))
    assert "FV-NY" in page and "MATRIX-FV-1" in page


def test_deleting_a_reading_asks_first(client_for) -> None:
    client = client_for("org_staff")
    url = f"{METERS}aflaesninger/{READING_PK}/slet/"
    response = client.get(url)
    assert response.status_code == 200
    assert "Vil du slette aflæsningen af måler MATRIX-FV-1.1" in _text(response)
    assert Reading.objects.filter(pk=READING_PK).exists()
    # A POST without the confirmation deletes nothing.
    assert client.post(url, {}).status_code == 400
    assert Reading.objects.filter(pk=READING_PK).exists()
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    assert not Reading.objects.filter(pk=READING_PK).exists()


def test_labels_page_shows_the_share_and_expired_labels(client_for, cast) -> None:
    base = Estate.objects.get(organisation__cvr="29190909", number=2)
    estate = Estate.objects.create(
        organisation=base.organisation,
        number=991,
        name="Mærkeparken",
        municipality=base.municipality,
    )
    staff = cast["org_staff"].user
    for address, homes, label, issued in (
        ("Mærkevej 1", 4, "C", dt.date(2021, 5, 1)),
        ("Mærkevej 3", 2, "E", dt.date(2022, 5, 1)),
        ("Mærkevej 5", 6, "A2015", dt.date(2023, 5, 1)),
    ):
        building = Building.objects.create(estate=estate, address=address)
        for i in range(homes):
            Unit.objects.create(
                estate=estate, building=building, number=f"{address}-{i}", area_m2=70, rooms=3
            )
        services.label_create(
            actor=staff,
            building=building,
            label=label,
            issued_on=issued,
            expires_on=issued.replace(year=issued.year + 10),
        )
    services.label_create(
        actor=staff,
        building=building,
        label="D",
        issued_on=dt.date(2005, 1, 1),
        expires_on=dt.date(2015, 1, 1),
    )
    page = _text(
        client_for("resident_a").get(
            "/organisationer/29190909/afdelinger/991/groen-drift/energimaerker/"
        )
    )
    # resident_a lives in estate 1, not 991: a member of the organisation, 403.
    assert "Mærkevej" not in page
    response = client_for("org_staff").get(
        "/organisationer/29190909/afdelinger/991/groen-drift/energimaerker/"
    )
    page = _text(response)
    # 10 of 12 homes = 83.3 %.
    assert "83,3 pct." in page
    assert "10 af 12 boliger" in page
    assert "Udløbet" in page  # the D of 2005
    assert "Gældende" in page


def test_buildings_show_the_area_used(client_for) -> None:
    building = Building.objects.filter(estate__organisation__cvr="29190909", estate__number=1)
    persona_building = building.exclude(pk=BUILDING_PK).first()
    assert persona_building is not None
    units_area = sum(u.area_m2 for u in persona_building.units.all())
    page = _text(client_for("resident_a").get(ESTATE_1 + "bygninger/"))
    assert "boligernes areal (ikke skrevet ind)" in page
    assert f"{units_area:.2f}".replace(".", ",").rstrip("0").rstrip(",") in page
    assert "/rediger/" not in page
    client = client_for("org_staff")
    url = f"{ESTATE_1}bygninger/{persona_building.pk}/rediger/"
    assert client.post(url, {"built_year": "1500", "heated_area_m2": ""}).status_code == 400
    assert client.post(url, {"built_year": "1971", "heated_area_m2": "1.250,5"}).status_code == 302
    persona_building.refresh_from_db()
    assert persona_building.heated_area_m2 == Decimal("1250.5")
    assert persona_building.built_year == 1971


def test_label_form_refuses_a_second_label_the_same_day(client_for) -> None:
    client = client_for("org_staff")
    response = client.post(
        ESTATE_1 + "energimaerker/ny/",
        {
            "building": str(BUILDING_PK),
            "label": "B",
            "issued_on": "2020-03-01",
            "expires_on": "2030-03-01",
        },
    )
    assert response.status_code == 400
    assert "allerede et energimærke udstedt 01-03-2020" in _text(response)
    response = client.post(
        f"{ESTATE_1}energimaerker/{LABEL_ID}/rediger/",
        {"label": "C", "issued_on": "2020-03-01", "expires_on": "2019-03-01"},
    )
    assert response.status_code == 400
    assert "Udløbsdatoen skal ligge efter udstedelsesdatoen." in _text(response)
    assert client.get(f"{ESTATE_1}energimaerker/{LABEL_ID}/slet/").status_code == 200
    assert (
        client.post(f"{ESTATE_1}energimaerker/{LABEL_ID}/slet/", {"confirm": "yes"}).status_code
        == 302
    )
    assert not EnergyLabel.objects.filter(public_id=LABEL_ID).exists()


# --- query counts ---------------------------------------------------------------------


def _queries(client, path: str) -> int:
    """Queries of a warm page: what is cached until the register's names change (the
    menu's places) is cached in every count alike."""
    client.get(path)
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context)


def _add_meters(estate: Estate, n: int, start: int) -> None:
    for i in range(start, start + n):
        meter = Meter.objects.create(
            estate=estate, number=f"Q-{i}", kind=EnergyKind.WATER, unit=MeterUnit.M3
        )
        monthly_readings(meter, 2024, Decimal(100), Decimal(5))


def test_pages_have_flat_query_counts(client_for, django_assert_max_num_queries) -> None:
    from almen.green import footprint

    client = client_for("org_staff")
    estate = Estate.objects.get(organisation__cvr="29190909", number=2)
    meters = f"{ESTATE_2}maalere/"
    _add_meters(estate, 2, 0)
    footprint.estate_refresh([estate.pk])
    small = _queries(client, meters)
    first = Meter.objects.get(estate=estate, number="Q-0")
    detail = f"{meters}{first.public_id}/"
    small_detail = _queries(client, detail)
    labels, buildings = f"{ESTATE_2}energimaerker/", f"{ESTATE_2}bygninger/"
    small_labels, small_buildings = _queries(client, labels), _queries(client, buildings)

    _add_meters(estate, 10, 2)
    # 300 more readings on the first meter (a day apart in 2023).
    Reading.objects.bulk_create(
        Reading(
            meter=first,
            at=aware(dt.date(2023, 1, 1)) + dt.timedelta(days=d),
            value=Decimal(d) / 10,
            source="manual",
        )
        for d in range(300)
    )
    footprint.estate_refresh([estate.pk])
    for n in range(4):
        building = Building.objects.create(estate=estate, address=f"Tællevej {n}")
        Unit.objects.create(estate=estate, building=building, number=f"T{n}", area_m2=60, rooms=2)
        for year in (2005, 2016):
            EnergyLabel.objects.create(
                building=building,
                label="C",
                issued_on=dt.date(year, 1, 1),
                expires_on=dt.date(year + 10, 1, 1),
            )
    assert _queries(client, meters) == small
    assert _queries(client, detail) == small_detail
    assert _queries(client, labels) == small_labels
    assert _queries(client, buildings) == small_buildings
    with django_assert_max_num_queries(25):
        client.get(meters)
    with django_assert_max_num_queries(25):
        client.get(detail)
    with django_assert_max_num_queries(25):
        client.get(labels)
    with django_assert_max_num_queries(25):
        client.get(buildings)
    with django_assert_max_num_queries(25):
        client.get(f"{meters}ny/")


# Labels and buildings: readers see the matrix building's label C and its number;
# only staff get the links to change them.
@pytest.mark.parametrize("persona", sorted(SEES_METERS))
def test_labels_and_buildings_per_persona(persona: str, client_for) -> None:
    client = client_for(persona)
    labels = client.get(ESTATE_1 + "energimaerker/")
    buildings = client.get(ESTATE_1 + "bygninger/")
    if SEES_METERS[persona]:
        assert labels.status_code == buildings.status_code == 200
        assert "MATRIX-311000001" in _text(labels)
        assert "Målervej 1 (matrix)" in _text(buildings)
        staff = persona == "org_staff"
        assert (f"energimaerker/{LABEL_ID}/rediger/" in _text(labels)) is staff
        assert (f"bygninger/{BUILDING_PK}/rediger/" in _text(buildings)) is staff
    else:
        assert labels.status_code == buildings.status_code
        assert "MATRIX-311000001" not in _text(labels)
        assert "Målervej" not in _text(buildings)


# --- deleting a meter -----------------------------------------------------------------


def test_deleting_a_meter_asks_first_then_takes_its_readings_and_months_along(
    client_for, django_capture_on_commit_callbacks
) -> None:
    from almen.audit.models import AuditEntry
    from almen.green.models import MonthlyFootprint

    estate = Estate.objects.get(organisation__cvr="29190909", number=1)
    meter = services.meter_create(
        actor=None, estate=estate, number="DOBBELT-1", kind="water", unit="m3", name="Dobbelt"
    )
    monthly_readings(meter, 2025, Decimal("100"), Decimal("10"))
    footprint.meter_refresh([meter.pk])
    assert Reading.objects.filter(meter=meter).count() == 13
    assert MonthlyFootprint.objects.filter(meter=meter).count() == 12
    staff = client_for("org_staff")
    url = f"{METERS}{meter.public_id}/slet/"
    assert "Slet måleren" in _text(staff.get(f"{METERS}{meter.public_id}/"))
    page = _text(staff.get(url))
    assert "slettes med sine 13 aflæsninger" in page and "Ja, slet måleren" in page
    assert Meter.objects.filter(pk=meter.pk).exists()  # asking deletes nothing
    response = staff.post(url, {"confirm": "yes"})
    assert response.status_code == 302 and response["Location"] == METERS
    assert not Meter.objects.filter(pk=meter.pk).exists()
    assert not Reading.objects.filter(meter_id=meter.pk).exists()
    assert not MonthlyFootprint.objects.filter(meter_id=meter.pk).exists()
    entry = AuditEntry.objects.get(action="green.meter_delete", object_id=str(meter.pk))
    before = entry.before or {}
    assert before["number"] == "DOBBELT-1" and before["readings"] == 13
    listing = _text(staff.get(METERS))
    assert "Måler DOBBELT-1 er slettet med sine aflæsninger." in listing  # the message
    assert str(meter.public_id) not in listing


def test_a_meter_with_sub_meters_is_not_deleted(client_for) -> None:
    staff = client_for("org_staff")
    page = _text(staff.get(METER + "slet/"))
    assert "Måleren har bimålere." in page and "Ja, slet måleren" not in page
    response = staff.post(METER + "slet/", {"confirm": "yes"})
    assert response.status_code == 400
    assert "Måleren har bimålere." in _text(response)
    assert Meter.objects.filter(public_id=METER_ID).exists()


def test_a_meter_is_deleted_only_with_the_confirmation(client_for) -> None:
    estate = Estate.objects.get(organisation__cvr="29190909", number=1)
    meter = services.meter_create(
        actor=None, estate=estate, number="UDEN-BEKRAEFT", kind="water", unit="m3"
    )
    response = client_for("org_staff").post(f"{METERS}{meter.public_id}/slet/", {})
    assert response.status_code == 400
    assert Meter.objects.filter(pk=meter.pk).exists()
