"""The estate green page is cached per green data version (``pages_views.estate_body``,
``pages_selectors.estate_year_cached``): every change that alters what the page shows
shows on the next request, readers who see different content never share an entry,
access is still decided per request, and a warm page makes fewer queries than a cold
one.

The page is the authorisation matrix's estate A (organisation A, estate 1: one
district-heating meter in MWh, 10 MWh a month in 2025, factor 0.05695 kg CO2e/kWh →
6.8 t CO2e). Each expected figure is computed afresh from the footprints with the
uncached ``pages_selectors.estate_year`` after the change, and must differ from the
figure the page showed before it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.defaultfilters import floatformat
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from almen.green import factors_services, meters_services
from almen.green import imports_services as imports
from almen.green import pages_selectors as sel
from almen.green.models import EmissionFactor, EnergyKind, Meter, MeterUnit
from almen.green.testing import MATRIX_YEAR, METER_ID, aware
from almen.imports.models import ImportStatus
from almen.register.models import Building, Estate, Organisation

pytestmark = pytest.mark.django_db

CVR = "29190909"
URL = f"/organisationer/{CVR}/afdelinger/1/groen-drift/"


def _estate() -> Estate:
    return Estate.objects.select_related("organisation").get(organisation__cvr=CVR, number=1)


def _page(client: Client, year: int = MATRIX_YEAR) -> str:
    response = client.get(URL, {"aar": str(year)})
    assert response.status_code == 200
    return response.content.decode()


def _tons(year: int = MATRIX_YEAR) -> str:
    """The year's CO2e as the page writes it, computed without any cache."""
    ey = sel.estate_year(_estate(), year, timezone.localdate())
    with translation.override("da"):
        return f"{floatformat(ey.tons, '1g')} t CO2e"


def _area_text() -> str:
    with translation.override("da"):
        return f"delt med {floatformat(sel.estate_area(_estate()), '0g')} m²"


def _meter() -> Meter:
    return Meter.objects.select_related("estate").get(public_id=METER_ID)


@pytest.fixture
def staff(client_for: Callable[[str], Client]) -> Client:
    return client_for("org_staff")


@pytest.fixture
def actor(cast: dict) -> object:
    return cast["org_staff"].user


def _changed(client: Client, before: str, year: int = MATRIX_YEAR) -> str:
    """The page after a change: the old figure gone, the fresh one shown."""
    after = _tons(year)
    assert after != before
    html = _page(client, year)
    assert before not in html
    assert after in html
    return html


# --- every kind of change shows on the next request -------------------------------------


def test_a_typed_reading_and_its_deletion(staff: Client, actor: object) -> None:
    before = _tons()
    assert before == "6,8 t CO2e" and before in _page(staff)  # warm
    # 1 January 2026: 1,120 → 1,220 MWh: December 110 MWh, the year 220 MWh = 12.5 t.
    reading, _old = meters_services.reading_create(
        actor=actor, meter=_meter(), at=aware(dt.date(2026, 1, 1)), value=Decimal(1220)
    )
    assert _changed(staff, before) and _tons() == "12,5 t CO2e"
    # Deleted: December has no reading after it, 110 MWh = 6.3 t.
    meters_services.reading_delete(actor=actor, reading=reading)
    _changed(staff, "12,5 t CO2e")
    assert _tons() == "6,3 t CO2e"


def test_an_imported_file(staff: Client) -> None:
    year = 2023  # before the matrix's readings (1 January 2025, 1,000 MWh)
    assert f"Der er ingen aflæsninger for {year}" in _page(staff, year)
    content = f"dato;aflaesning\n01-01-{year};500\n01-02-{year};530\n".encode()
    base = f"/organisationer/{CVR}/groen-drift/import/"
    response = staff.post(
        base,
        {
            "kind": imports.READINGS,
            "file": SimpleUploadedFile("f.csv", content),
            "meter": _meter().pk,
        },
    )
    assert response.status_code == 302
    run_id = response["Location"].rstrip("/").split("/")[-1]
    assert staff.post(f"{base}{run_id}/godkend/").status_code == 302
    html = _page(staff, year)
    assert f"Der er ingen aflæsninger for {year}" not in html
    # January 30 MWh, then 470 MWh spread over February 2023 … December 2024.
    assert "Nøgletal for 2023" in html and _tons(year) in html


def test_a_meter_edited_and_exchanged(staff: Client, actor: object) -> None:
    assert "Måler MATRIX-FV-1 måler i MWh" in _page(staff)
    meters_services.meter_update(actor=actor, meter=_meter(), number="MATRIX-FV-9")
    html = _page(staff)
    assert "Måler MATRIX-FV-9 måler i MWh" in html
    assert "Måler MATRIX-FV-1 måler" not in html
    before = _tons()
    # Exchanged on 15 June 2025, the old one ending at 1,055, the new one from 0: the
    # readings after it (1,060 …) are the new meter's.
    meters_services.meter_exchange_create(
        actor=actor,
        meter=_meter(),
        on=aware(dt.date(2025, 6, 15)),
        old_end=Decimal(1055),
        new_start=Decimal(0),
    )
    _changed(staff, before)


def test_a_new_meter_with_readings(staff: Client, actor: object) -> None:
    assert "Vand" not in _page(staff).split('id="noegletal"')[1].split("</table>")[0]
    water = meters_services.meter_create(
        actor=actor, estate=_estate(), number="CACHE-V-1", kind=EnergyKind.WATER, unit=MeterUnit.M3
    )
    for month, value in ((1, 0), (2, 40)):
        meters_services.reading_create(
            actor=actor, meter=water, at=aware(dt.date(2025, month, 1)), value=Decimal(value)
        )
    table = _page(staff).split('id="noegletal"')[1].split("</table>")[0]
    assert "Vand" in table and "40,0 m³" in table


def test_a_changed_factor(
    staff: Client, cast: dict, django_capture_on_commit_callbacks: Callable
) -> None:
    before = _tons()
    assert before in _page(staff)
    factor = EmissionFactor.objects.get(
        year=MATRIX_YEAR, kind=EnergyKind.DISTRICT_HEATING, supplier=_meter().supplier
    )
    with django_capture_on_commit_callbacks(execute=True):  # the recompute task runs
        factors_services.factor_change(
            actor=cast["sector_staff"].user,
            factor=factor,
            kg_co2e_per_unit=Decimal("0.1"),
            source="Test: rettet",
            source_url="",
            note="",
            reason="Test",
        )
    # 120,000 kWh × 0.1 = 12,000 kg.
    assert _changed(staff, before) and _tons() == "12,0 t CO2e"
    assert "Test: rettet" in _page(staff)


def test_imported_degree_days(staff: Client, settings: object) -> None:
    settings.GREEN_DEGREE_DAY_SERIES = "Cache-testserie"  # type: ignore[attr-defined]
    assert "Graddageserie: Cache-testserie" not in _page(staff)
    rows = "".join(f"{MATRIX_YEAR}-{m:02d};250\n" for m in range(1, 13))
    run = imports.green_run_create(
        actor=None,
        organisation=Organisation.objects.get(cvr=CVR),
        uploaded_file=SimpleUploadedFile("graddage.csv", f"maaned;graddage\n{rows}".encode()),
        kind=imports.DEGREE_DAYS,
        options={"series": "Cache-testserie", "source": "Test", "normal_year": "2906"},
    )
    run = imports.green_run_start(actor=None, run=run, commit=True)
    assert run.status == ImportStatus.COMMITTED, run.findings
    html = _page(staff)
    assert "Graddageserie: Cache-testserie" in html
    assert "I et normalår ville fjernvarmen have været" in html


def test_a_buildings_heated_area(staff: Client, actor: object) -> None:
    estate = _estate()
    building = Building.objects.create(estate=estate, address="Cachevej 1")
    before = _area_text()
    assert before in _page(staff)
    meters_services.building_update(
        actor=actor, building=building, built_year=None, heated_area_m2=Decimal(777)
    )
    after = _area_text()
    assert after != before
    html = _page(staff)
    assert before not in html and after in html


def test_the_registers_figures_of_the_estate(staff: Client) -> None:
    # The register's recount writes the estate row; the page is keyed on it.
    assert "delt med 41 husstande" not in _page(staff)
    Estate.objects.filter(pk=_estate().pk).update(household_count=41)
    assert "delt med 41 husstande" in _page(staff)
    Estate.objects.filter(pk=_estate().pk).update(name="Omdøbt Park")
    assert "Grøn drift i Omdøbt Park" in _page(staff)


# --- who shares an entry ---------------------------------------------------------------


def test_readers_in_two_languages_do_not_share_an_entry(
    client_for: Callable[[str], Client],
) -> None:
    from django.conf import settings

    danish = client_for("org_staff")
    assert "Hvad indgår i tallet?" in _page(danish)
    english = client_for("resident_a")
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _page(english)
    assert "Hvad indgår i tallet?" not in html
    assert "What goes into this number?" in html
    assert "Hvad indgår i tallet?" in _page(danish)


def test_access_is_decided_per_request_on_a_warm_page(client_for: Callable[[str], Client]) -> None:
    staff = client_for("org_staff")
    assert "6,8 t CO2e" in _page(staff)  # warm
    assert client_for("resident_a").get(URL, {"aar": MATRIX_YEAR}).status_code == 200
    assert client_for("resident_b").get(URL, {"aar": MATRIX_YEAR}).status_code == 403
    assert client_for("other_org_staff").get(URL, {"aar": MATRIX_YEAR}).status_code == 404
    anonymous = client_for("anonymous").get(URL, {"aar": MATRIX_YEAR})
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    # A bad year is still refused after access is decided.
    assert staff.get(URL, {"aar": "x"}).status_code == 400
    assert client_for("other_org_staff").get(URL, {"aar": "x"}).status_code == 404


def test_each_reader_gets_their_own_layout(client_for: Callable[[str], Client], cast: dict) -> None:
    staff_html = _page(client_for("org_staff"))
    resident_html = _page(client_for("resident_a"))
    # The same cached content, inside each reader's own page (menu, name).
    assert "6,8 t CO2e" in staff_html and "6,8 t CO2e" in resident_html
    for key, html, other in (
        ("org_staff", staff_html, resident_html),
        ("resident_a", resident_html, staff_html),
    ):
        short = cast[key].user.get_short_name()
        name = f'class="username weight-semibold" href="/konto/profil/">{short}<'
        assert name in html
        assert name not in other


# --- queries --------------------------------------------------------------------------


def _count(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        _page(client)
    return len(captured)


def test_a_warm_page_makes_fewer_queries(staff: Client) -> None:
    staff.get("/")  # the session, user and menu warm
    cold = _count(staff)
    warm = _count(staff)
    # Cold: the estate's years, meters, months, negative intervals, area and degree
    # days (and the benchmark's four); warm: none of them.
    assert warm <= cold - 6, (cold, warm)
    # A change makes the next request cold again.
    Building.objects.create(estate=_estate(), address="Cachevej 2")  # no version bump
    assert _count(staff) == warm
    sel.green_data_changed()
    assert _count(staff) >= warm + 6


# --- the organisation page ------------------------------------------------------------

ORGANISATION_URL = f"/organisationer/{CVR}/groen-drift/"


def _organisation_page(client: Client) -> str:
    response = client.get(ORGANISATION_URL, {"aar": str(MATRIX_YEAR)})
    assert response.status_code == 200
    return response.content.decode()


def test_the_organisation_page_follows_readings_and_the_register(
    staff: Client, actor: object
) -> None:
    html = _organisation_page(staff)
    assert "6,8</td>" in html  # estate A's tons in its row
    meters_services.reading_create(
        actor=actor, meter=_meter(), at=aware(dt.date(2026, 1, 1)), value=Decimal(1220)
    )
    html = _organisation_page(staff)
    assert "6,8</td>" not in html and "12,5</td>" in html
    # A renamed estate (the register does not bump the green version).
    Estate.objects.filter(pk=_estate().pk).update(name="Omdøbt Park")
    assert "1 Omdøbt Park</a>" in _organisation_page(staff)


def test_the_organisation_page_warm_and_cold(client_for: Callable[[str], Client]) -> None:
    staff = client_for("org_staff")
    staff.get("/")
    with CaptureQueriesContext(connection) as cold:
        _organisation_page(staff)
    with CaptureQueriesContext(connection) as warm:
        html = _organisation_page(staff)
    # Cold: the latest year, estates, their months, areas, totals and trend.
    assert len(warm) <= len(cold) - 4, (len(cold), len(warm))
    # Access per request on the warm page; the content is the same for every reader.
    assert client_for("resident_a").get(ORGANISATION_URL).status_code == 403
    assert client_for("other_org_staff").get(ORGANISATION_URL).status_code == 404
    officer = client_for("municipality_officer").get(ORGANISATION_URL, {"aar": MATRIX_YEAR})
    assert officer.status_code == 200
    assert (
        html.split("<h1>")[1].split("</main>")[0]
        == (officer.content.decode().split("<h1>")[1].split("</main>")[0])
    )
