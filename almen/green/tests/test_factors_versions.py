"""Emission factors: the default national table, versions, recomputation, an
organisation's own plant declaration, validation, and what each persona sees. Every
expected number is worked out by hand in the comment beside it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from almen.accounts.tests.helpers import login_with_mfa
from almen.audit.models import AuditEntry
from almen.green import factors_services as services
from almen.green import footprint
from almen.green.models import (
    EmissionFactor,
    EnergyKind,
    Meter,
    MeterMode,
    MeterUnit,
    MonthlyFootprint,
    Reading,
    ReadingSource,
    Supplier,
)
from almen.green.testing import aware
from almen.green.testing_factors import (
    CVR_A,
    CVR_OTHER,
    NATIONAL_FACTOR_PK,
    ORG_FACTOR_PK,
    OTHER_ORG_FACTOR_PK,
)
from almen.register.models import Estate, Municipality, Organisation

pytestmark = pytest.mark.django_db


def _estate(cvr: str = CVR_A, number: int = 2) -> Estate:
    return Estate.objects.filter(organisation__cvr=cvr).order_by("number").get(number=number)


def _meter(estate: Estate, **kw) -> Meter:
    defaults = {
        "estate": estate,
        "number": "F-1",
        "kind": EnergyKind.NATURAL_GAS,
        "unit": MeterUnit.NM3,
        "mode": MeterMode.CUMULATIVE,
    }
    defaults.update(kw)
    return Meter.objects.create(**defaults)


def _read(meter: Meter, day: dt.date, value: str) -> None:
    Reading.objects.create(
        meter=meter, at=aware(day), value=Decimal(value), source=ReadingSource.MANUAL
    )


def _national(kind: str, year: int, supplier: Supplier | None = None) -> EmissionFactor:
    return EmissionFactor.objects.get(
        kind=kind,
        year=year,
        organisation=None,
        supplier=supplier,
        price_area="",
        superseded_at__isnull=True,
    )


def _sector_user():
    from almen.accounts.models import User

    return User.objects.get(email="sektor@almen.demo")


def _staff_user():
    from almen.accounts.models import User

    return User.objects.get(email="administration@almen.demo")


# --- the default table ---------------------------------------------------------------


def test_the_default_table_is_shipped_with_sources() -> None:
    gas = {
        f.year: f.kg_co2e_per_unit
        for f in EmissionFactor.objects.filter(kind=EnergyKind.NATURAL_GAS, organisation=None)
    }
    # Evida's table: 2020 2,1986 · 2021 2,1966 · 2022 2,2326 · 2023 2,2627 kg CO2/Nm³.
    assert gas[2022] == Decimal("2.2326") and gas[2023] == Decimal("2.2627")
    assert gas[2020] == Decimal("2.1986") and gas[2021] == Decimal("2.1966")
    el = {
        f.year: f
        for f in EmissionFactor.objects.filter(kind=EnergyKind.ELECTRICITY, organisation=None)
    }
    # 96 g and 60 g per kWh = 0.096 and 0.060 kg per kWh, for the whole country.
    assert el[2023].kg_co2e_per_unit == Decimal("0.096") and el[2023].price_area == ""
    assert el[2024].kg_co2e_per_unit == Decimal("0.060")
    assert "foreløbig" in el[2023].source.lower() or "foreløbig" in el[2023].note.lower()
    fyn = Supplier.objects.get(name="Fjernvarme Fyn", organisation=None)
    assert fyn.kind == EnergyKind.DISTRICT_HEATING
    assert [m.code for m in fyn.municipalities.all()] == ["0461"]
    # 56.95 kg CO2e/MWh = 0.05695 kg/kWh.
    assert _national(EnergyKind.DISTRICT_HEATING, 2023, fyn).kg_co2e_per_unit == Decimal("0.05695")
    shipped = EmissionFactor.objects.filter(organisation=None).exclude(source__startswith="Matrix")
    assert shipped.count() == 9
    for f in shipped:
        assert f.source and f.source_url.startswith("https://"), f
        assert f.key == EmissionFactor.make_key(
            year=f.year,
            kind=f.kind,
            price_area=f.price_area,
            supplier_id=f.supplier_id,
            method=f.method,
            organisation_id=None,
        )
    # No official factor for water, none for oil, no national district-heating average.
    assert not shipped.filter(kind__in=[EnergyKind.WATER, EnergyKind.OIL]).exists()
    assert not shipped.filter(kind=EnergyKind.DISTRICT_HEATING, supplier=None).exists()


# --- versions and recomputation ------------------------------------------------------------


def test_a_change_adds_a_version_and_the_footprint_names_it(
    django_capture_on_commit_callbacks,
) -> None:
    meter = _meter(_estate())
    _read(meter, dt.date(2023, 3, 1), "1000")
    _read(meter, dt.date(2023, 4, 1), "1100")
    footprint.meter_refresh([meter.pk])
    month = MonthlyFootprint.objects.get(meter=meter)
    # 100 Nm³ × 2.2627 kg/Nm³ (Evida 2023, shipped) = 226.27 kg.
    assert month.kg_co2e == Decimal("226.27")
    old = _national(EnergyKind.NATURAL_GAS, 2023)
    assert month.factor_id == old.pk and old.version == 1

    with django_capture_on_commit_callbacks(execute=True):
        new = services.factor_change(
            actor=_sector_user(),
            factor=old,
            kg_co2e_per_unit=Decimal("2.5"),
            source="Evida 2023, rettet",
            source_url="https://www.evida.dk/co2-faktor/",
            note="",
            reason="Test: nyt tal",
        )
    old.refresh_from_db()
    assert old.superseded_at is not None and old.kg_co2e_per_unit == Decimal("2.2627")
    assert new.version == 2 and new.superseded_at is None and new.key == old.key
    # Recomputed in the background (the immediate backend in tests):
    # 100 Nm³ × 2.5 = 250 kg, naming version 2.
    month = MonthlyFootprint.objects.get(meter=meter)
    assert month.kg_co2e == Decimal("250") and month.factor_id == new.pk
    assert month.factor.version == 2  # type: ignore[union-attr]
    assert [v.version for v in services.factor_history(new)] == [2, 1]
    entry = AuditEntry.objects.get(object_id=str(new.pk), action="update")
    assert entry.after is not None and entry.before is not None
    assert (
        entry.after["reason"] == "Test: nyt tal" and entry.before["kg_co2e_per_unit"] == "2.262700"
    )


def test_an_old_version_cannot_be_changed_again() -> None:
    old = _national(EnergyKind.NATURAL_GAS, 2022)
    services.factor_change(
        actor=None,
        factor=old,
        kg_co2e_per_unit=Decimal("2.3"),
        source="x",
        source_url="",
        note="",
        reason="første",
    )
    with pytest.raises(ValidationError, match="afløst"):
        services.factor_change(
            actor=None,
            factor=old,
            kg_co2e_per_unit=Decimal("2.4"),
            source="x",
            source_url="",
            note="",
            reason="anden",
        )
    assert EmissionFactor.objects.filter(key=old.key).count() == 2


def test_a_new_factor_is_audited_and_recomputes(django_capture_on_commit_callbacks) -> None:
    meter = _meter(_estate(), kind=EnergyKind.ELECTRICITY, unit=MeterUnit.KWH, number="EL-9")
    _read(meter, dt.date(2021, 1, 1), "0")
    _read(meter, dt.date(2021, 2, 1), "1000")
    footprint.meter_refresh([meter.pk])
    # 2021 has no electricity factor and no earlier year has one either.
    assert MonthlyFootprint.objects.get(meter=meter).kg_co2e is None
    with django_capture_on_commit_callbacks(execute=True):
        factor = services.factor_create(
            actor=_sector_user(),
            year=2021,
            kind=EnergyKind.ELECTRICITY,
            kg_co2e_per_unit=Decimal("0.150"),
            source="Test 2021",
        )
    # 1,000 kWh × 0.15 = 150 kg.
    month = MonthlyFootprint.objects.get(meter=meter)
    assert month.kg_co2e == Decimal("150") and month.factor_id == factor.pk
    assert AuditEntry.objects.filter(object_id=str(factor.pk), action="create").count() == 1
    with pytest.raises(ValidationError, match="findes allerede"):
        services.factor_create(
            actor=None,
            year=2021,
            kind=EnergyKind.ELECTRICITY,
            kg_co2e_per_unit=Decimal("0.2"),
            source="igen",
        )


def test_an_organisations_declaration_is_used_for_its_own_meters_only(
    django_capture_on_commit_callbacks,
) -> None:
    fyn = Supplier.objects.get(name="Fjernvarme Fyn", organisation=None)
    mine = _meter(
        _estate(CVR_A), kind=EnergyKind.DISTRICT_HEATING, unit=MeterUnit.MWH, supplier=fyn
    )
    theirs = _meter(
        _estate(CVR_OTHER, 1),
        kind=EnergyKind.DISTRICT_HEATING,
        unit=MeterUnit.MWH,
        supplier=fyn,
    )
    for meter in (mine, theirs):
        _read(meter, dt.date(2023, 1, 1), "100")
        _read(meter, dt.date(2023, 2, 1), "110")
    footprint.meter_refresh([mine.pk, theirs.pk])
    # 10 MWh = 10,000 kWh × 0.05695 = 569.5 kg for both.
    assert {m.kg_co2e for m in MonthlyFootprint.objects.filter(meter__in=[mine, theirs])} == {
        Decimal("569.5")
    }
    with django_capture_on_commit_callbacks(execute=True):
        own = services.factor_create(
            actor=_staff_user(),
            year=2023,
            kind=EnergyKind.DISTRICT_HEATING,
            supplier=fyn,
            organisation=Organisation.objects.get(cvr=CVR_A),
            kg_co2e_per_unit=Decimal("0.04"),
            source="Fjernvarme Fyn: vores egen opgørelse",
        )
    # Organisation A's meter: 10,000 kWh × 0.04 = 400 kg with its own declaration;
    # the other organisation's meter on the same plant keeps the national 569.5 kg.
    assert MonthlyFootprint.objects.get(meter=mine).kg_co2e == Decimal("400")
    assert MonthlyFootprint.objects.get(meter=mine).factor_id == own.pk
    national = _national(EnergyKind.DISTRICT_HEATING, 2023, fyn)
    assert MonthlyFootprint.objects.get(meter=theirs).kg_co2e == Decimal("569.5")
    assert MonthlyFootprint.objects.get(meter=theirs).factor_id == national.pk
    # Only organisation A's meters were in the recomputation.
    assert services.factor_meter_ids(own) == [mine.pk]


# --- validation ------------------------------------------------------------------------------


def _national_post(client: Client, **data: str):
    base = {
        "year": "2031",
        "kind": "natural_gas",
        "price_area": "",
        "supplier": "",
        "kg_co2e_per_unit": "2,2",
        "per": "base",
        "source": "Test",
        "source_url": "",
        "note": "",
    }
    return client.post("/groen-drift/emissionsfaktorer/ny/", {**base, **data})


@pytest.fixture
def sector_client() -> Client:
    client = Client()
    login_with_mfa(client, _sector_user())
    return client


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"year": "1989"}, "Året skal ligge mellem 1990 og 2100."),
        ({"year": "2101"}, "Året skal ligge mellem 1990 og 2100."),
        ({"year": "tyve"}, "Skriv året som fire cifre"),
        ({"kg_co2e_per_unit": "-1"}, "Faktoren kan ikke være negativ."),
        ({"kg_co2e_per_unit": "100"}, "Faktoren skal være under 100 kg CO2e pr. enhed."),
        ({"kg_co2e_per_unit": "abc"}, "Skriv faktoren som et tal"),
        ({"source_url": "ikke et link"}, "Skriv et gyldigt link"),
        ({"source": ""}, "Skriv hvor tallet kommer fra."),
        ({"per": "MWh"}, "MWh, GJ og g pr. kWh passer kun til fjernvarme og el."),
        ({"kind": "water", "price_area": "DK1"}, "Kun el har et prisområde."),
    ],
)
def test_validation_messages(sector_client: Client, data: dict, message: str) -> None:
    before = EmissionFactor.objects.count()
    response = _national_post(sector_client, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert EmissionFactor.objects.count() == before


def test_supplier_kind_must_match_the_factor_kind(sector_client: Client) -> None:
    fyn = Supplier.objects.get(name="Fjernvarme Fyn", organisation=None)
    response = _national_post(sector_client, kind="electricity", supplier=str(fyn.pk))
    assert response.status_code == 400
    assert "Forsyningen leverer fjernvarme, men faktoren er for el." in response.content.decode()
    with pytest.raises(ValidationError):
        services.factor_create(
            actor=None,
            year=2031,
            kind=EnergyKind.ELECTRICITY,
            supplier=fyn,
            kg_co2e_per_unit=Decimal("0.1"),
            source="x",
        )


def test_a_value_per_mwh_is_stored_per_kwh(sector_client: Client) -> None:
    fyn = Supplier.objects.get(name="Fjernvarme Fyn", organisation=None)
    response = _national_post(
        sector_client,
        year="2024",
        kind="district_heating",
        supplier=str(fyn.pk),
        kg_co2e_per_unit="56,95",
        per="MWh",
    )
    assert response.status_code == 302
    # 56.95 kg/MWh ÷ 1,000 = 0.05695 kg/kWh.
    assert _national(EnergyKind.DISTRICT_HEATING, 2024, fyn).kg_co2e_per_unit == Decimal("0.05695")


def test_a_change_asks_for_confirmation_first(sector_client: Client) -> None:
    factor = _national(EnergyKind.NATURAL_GAS, 2021)
    path = f"/groen-drift/emissionsfaktorer/{factor.pk}/ret/"
    data = {
        "kg_co2e_per_unit": "2,2",
        "per": "base",
        "source": factor.source,
        "source_url": factor.source_url,
        "note": factor.note,
        "reason": "Endeligt tal",
    }
    response = sector_client.post(path, data)
    assert response.status_code == 200
    assert "Er du sikker?" in response.content.decode()
    assert EmissionFactor.objects.filter(key=factor.key).count() == 1
    response = sector_client.post(path, {**data, "confirm": "yes"})
    assert response.status_code == 302
    assert [v.version for v in services.factor_history(factor)] == [2, 1]
    # Without a reason nothing is saved.
    new = _national(EnergyKind.NATURAL_GAS, 2021)
    response = sector_client.post(
        f"/groen-drift/emissionsfaktorer/{new.pk}/ret/",
        {**data, "reason": "", "kg_co2e_per_unit": "2,1", "confirm": "yes"},
    )
    assert response.status_code == 400
    assert "Skriv hvorfor faktoren ændres." in response.content.decode()


# --- pages and what each persona sees ------------------------------------------------------


def test_the_public_list_filters_and_says_what_is_missing(client: Client) -> None:
    page = client.get("/groen-drift/emissionsfaktorer/", {"year": "2023", "kind": "natural_gas"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Der findes ingen officiel faktor for vand" in text
    assert "2,2627 kg CO2e pr. Nm³" in text
    assert "https://www.evida.dk/co2-faktor/" in text
    assert "2,2326" not in text  # 2022 filtered out
    # Organisations' own declarations are not in the national table.
    assert "Matrix: organisation A" not in text
    bad = client.get("/groen-drift/emissionsfaktorer/", {"year": "3000", "kind": "plutonium"})
    assert bad.status_code == 400
    assert "Året skal ligge mellem 1990 og 2100." in bad.content.decode()


def test_the_public_list_has_a_flat_query_count(
    client: Client, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(8):
        client.get("/groen-drift/emissionsfaktorer/")


def test_history_lists_every_version() -> None:
    factor = EmissionFactor.objects.get(pk=NATIONAL_FACTOR_PK)
    services.factor_change(
        actor=None,
        factor=factor,
        kg_co2e_per_unit=Decimal("0.07"),
        source="Matrix: ny",
        source_url="",
        note="",
        reason="Matrix: en grund",
    )
    page = Client().get(f"/groen-drift/emissionsfaktorer/{NATIONAL_FACTOR_PK}/").content.decode()
    assert "Matrix: en grund" in page and "Matrix: national testværdi" in page
    assert "0,06 kg CO2e pr. kWh" in page and "0,07 kg CO2e pr. kWh" in page
    # An organisation's declaration is not a public page.
    assert Client().get(f"/groen-drift/emissionsfaktorer/{ORG_FACTOR_PK}/").status_code == 404


ORG_A_DECLARATION = "Matrix: organisation A&#x27;s deklaration"
OTHER_DECLARATION = "Matrix: den anden organisations deklaration"


@pytest.mark.parametrize(
    ("persona", "cvr", "sees", "hidden"),
    [
        ("org_staff", CVR_A, [ORG_A_DECLARATION, "Matrix Varmeværk A"], [OTHER_DECLARATION]),
        ("org_board", CVR_A, [ORG_A_DECLARATION], [OTHER_DECLARATION]),
        ("municipality_officer", CVR_A, [ORG_A_DECLARATION], [OTHER_DECLARATION]),
        (
            "other_org_staff",
            CVR_OTHER,
            [OTHER_DECLARATION, "Matrix Varmeværk Anden"],
            [ORG_A_DECLARATION, "Matrix Varmeværk A<"],
        ),
    ],
)
def test_who_sees_which_declarations(cast, persona: str, cvr: str, sees, hidden) -> None:
    client = Client()
    login_with_mfa(client, cast[persona].user)
    page = client.get(f"/organisationer/{cvr}/groen-drift/forsyninger/")
    assert page.status_code == 200
    text = page.content.decode()
    for token in sees:
        assert token in text, (persona, token)
    for token in hidden:
        assert token not in text, (persona, token)
    # Another organisation's declaration page is not found for them.
    other_pk = ORG_FACTOR_PK if cvr == CVR_OTHER else OTHER_ORG_FACTOR_PK
    assert (
        client.get(
            f"/organisationer/{cvr}/groen-drift/forsyninger/deklarationer/{other_pk}/"
        ).status_code
        == 404
    )


def test_other_org_staff_cannot_reach_organisation_a(cast) -> None:
    client = Client()
    login_with_mfa(client, cast["other_org_staff"].user)
    assert client.get(f"/organisationer/{CVR_A}/groen-drift/forsyninger/").status_code == 404
    assert (
        client.get(
            f"/organisationer/{CVR_A}/groen-drift/forsyninger/deklarationer/{ORG_FACTOR_PK}/"
        ).status_code
        == 404
    )


def test_staff_create_and_edit_their_supplier(cast) -> None:
    client = Client()
    login_with_mfa(client, cast["org_staff"].user)
    base = f"/organisationer/{CVR_A}/groen-drift/forsyninger/"
    response = client.post(base + "ny/", {"name": "Testværket", "kind": "district_heating"})
    assert response.status_code == 302
    supplier = Supplier.objects.get(name="Testværket")
    assert supplier.organisation.cvr == CVR_A  # type: ignore[union-attr]
    response = client.post(base + f"{supplier.public_id}/ret/", {"name": "Testværket Nord"})
    assert response.status_code == 302
    supplier.refresh_from_db()
    assert supplier.name == "Testværket Nord" and supplier.kind == EnergyKind.DISTRICT_HEATING
    assert (
        AuditEntry.objects.filter(object_type="green.supplier", object_id=str(supplier.pk)).count()
        == 2
    )
    # A national plant is not the organisation's to edit.
    fyn = Supplier.objects.get(name="Fjernvarme Fyn", organisation=None)
    assert client.get(base + f"{fyn.public_id}/ret/").status_code == 404
    # Its declaration for the new plant, typed per GJ: 15.82 kg/GJ × 0.0036 = 0.056952 kg/kWh.
    response = client.post(
        base + "deklarationer/ny/",
        {
            "year": "2023",
            "kind": "district_heating",
            "supplier": str(supplier.pk),
            "kg_co2e_per_unit": "15,82",
            "per": "GJ",
            "source": "Testværket 2023",
        },
    )
    assert response.status_code == 302
    own = EmissionFactor.objects.get(supplier=supplier)
    assert own.kg_co2e_per_unit == Decimal("0.056952") and own.organisation.cvr == CVR_A  # type: ignore[union-attr]


def test_changing_an_old_version_goes_to_the_current_one(sector_client: Client) -> None:
    old = _national(EnergyKind.NATURAL_GAS, 2020)
    new = services.factor_change(
        actor=None,
        factor=old,
        kg_co2e_per_unit=Decimal("2.2"),
        source="x",
        source_url="",
        note="",
        reason="y",
    )
    response = sector_client.get(f"/groen-drift/emissionsfaktorer/{old.pk}/ret/")
    assert response.status_code == 302
    assert response["Location"] == f"/groen-drift/emissionsfaktorer/{new.pk}/ret/"


def test_the_organisation_page_has_a_flat_query_count(
    cast,
    django_assert_max_num_queries,
) -> None:
    client = Client()
    login_with_mfa(client, cast["org_staff"].user)
    organisation = Organisation.objects.get(cvr=CVR_A)
    for n in range(5):
        services.supplier_create(
            actor=None,
            organisation=organisation,
            name=f"Værk {n}",
            kind=EnergyKind.DISTRICT_HEATING,
            municipalities=[organisation.municipality],
        )
    client.get(f"/organisationer/{CVR_A}/groen-drift/forsyninger/")  # warm the session
    with django_assert_max_num_queries(20):
        page = client.get(f"/organisationer/{CVR_A}/groen-drift/forsyninger/")
    assert page.status_code == 200 and "Værk 4" in page.content.decode()


# --- national suppliers --------------------------------------------------------------

NATIONAL_SUPPLIER_NEW = "/groen-drift/emissionsfaktorer/forsyninger/ny/"


def test_sector_staff_add_a_national_supplier_that_gets_a_factor_and_every_organisation_can_use(
    sector_client: Client, cast
) -> None:
    aarhus = Municipality.objects.order_by("code").first()
    assert aarhus is not None
    response = sector_client.post(
        NATIONAL_SUPPLIER_NEW,
        {"name": "  Kredsløb  ", "kind": "district_heating", "municipalities": [aarhus.pk]},
    )
    assert response.status_code == 302
    supplier = Supplier.objects.get(name="Kredsløb", organisation=None)
    assert list(supplier.municipalities.all()) == [aarhus]
    entry = AuditEntry.objects.get(object_type="green.supplier", object_id=str(supplier.pk))
    assert entry.action == "create" and entry.organisation_id is None
    listing = sector_client.get("/groen-drift/emissionsfaktorer/").content.decode()
    assert "Kredsløb" in listing and "Ny national forsyning" in listing
    # It gets a national factor: 50 kg/MWh typed per MWh is 0.05 kg/kWh.
    response = _national_post(
        sector_client,
        year="2031",
        kind="district_heating",
        supplier=str(supplier.pk),
        kg_co2e_per_unit="50",
        per="MWh",
    )
    assert response.status_code == 302
    assert EmissionFactor.objects.get(supplier=supplier, year=2031).kg_co2e_per_unit == Decimal(
        "0.05"
    )
    # An organisation's staff may declare for it, and see it in the public list.
    staff = Client()
    login_with_mfa(staff, cast["org_staff"].user)
    form = staff.get(f"/organisationer/{CVR_A}/groen-drift/forsyninger/deklarationer/ny/")
    assert "Kredsløb" in form.content.decode()
    public = Client().get("/groen-drift/emissionsfaktorer/").content.decode()
    assert "Kredsløb" in public and "Ny national forsyning" not in public


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Fjernvarme Fyn"}, "Der findes allerede en national forsyning med det navn."),
        ({"name": "   "}, "Skriv forsyningens navn."),
        ({"name": "x" * 201}, "200"),
        ({"kind": "plutonium"}, "Vælg en forsyningsart fra listen."),
        ({"municipalities": ["999999"]}, "Vælg kommuner fra listen."),
    ],
)
def test_a_bad_national_supplier_is_refused_with_a_message_and_nothing_saved(
    sector_client: Client, data: dict, message: str
) -> None:
    before = Supplier.objects.count()
    response = sector_client.post(
        NATIONAL_SUPPLIER_NEW, {"name": "Nyt værk", "kind": "district_heating", **data}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Supplier.objects.count() == before


def test_only_sector_staff_add_national_suppliers(cast) -> None:
    for who in ("org_staff", "municipality_officer", "resident_a"):
        client = Client()
        login_with_mfa(client, cast[who].user)
        response = client.post(NATIONAL_SUPPLIER_NEW, {"name": "Snyd", "kind": "district_heating"})
        assert response.status_code == 403, who
        page = client.get("/groen-drift/emissionsfaktorer/").content.decode()
        assert "Ny national forsyning" not in page, who
    assert Client().get(NATIONAL_SUPPLIER_NEW).status_code == 302
    assert not Supplier.objects.filter(name="Snyd").exists()
