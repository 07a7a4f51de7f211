"""The import pages as people use them (upload → preview → commit), what each persona
sees of a run's preview, and the energy-label and degree-day imports on the same
flow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from almen.audit.models import AuditEntry
from almen.green import imports_services as services
from almen.green.models import (
    DegreeDay,
    DegreeDaySeries,
    EnergyKind,
    EnergyLabel,
    Meter,
    MeterMode,
    MeterUnit,
)
from almen.green.testing_imports import RUN_ID
from almen.imports.models import ImportRun, ImportStatus
from almen.register.models import Building, Estate, Organisation

pytestmark = pytest.mark.django_db

CVR = "29190909"
BASE = f"/organisationer/{CVR}/groen-drift/import/"


def _meter() -> Meter:
    return Meter.objects.create(
        estate=Estate.objects.get(organisation__cvr=CVR, number=2),
        number="PAGE-1",
        kind=EnergyKind.DISTRICT_HEATING,
        unit=MeterUnit.KWH,
        mode=MeterMode.CUMULATIVE,
    )


def _upload(client, content: bytes, **data):
    return client.post(
        BASE, {"kind": services.READINGS, "file": SimpleUploadedFile("f.csv", content), **data}
    )


def test_staff_uploads_a_file_with_a_bad_row_fixes_it_and_commits(client_for) -> None:
    meter = _meter()
    client = client_for("org_staff")
    bad = b"dato;aflaesning\n01-01-2025;100\n01-02-2025;50\n"
    response = _upload(client, bad, meter=meter.pk)
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Negativt forbrug – er måleren udskiftet?" in html
    assert "Godkend og gem" not in html
    assert "median absolut afvigelse" in html  # the rule explained
    good = b"dato;aflaesning\n01-01-2025;100\n01-02-2025;150\n"
    response = _upload(client, good, meter=meter.pk)
    run = ImportRun.objects.get(public_id=response["Location"].rstrip("/").split("/")[-1])
    assert run.status == ImportStatus.VALIDATED
    assert "Godkend og gem" in client.get(response["Location"]).content.decode()
    committed = client.post(f"{BASE}{run.public_id}/godkend/")
    assert committed.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportStatus.COMMITTED
    assert meter.readings.count() == 2
    entry = AuditEntry.objects.filter(action="import", object_id=str(run.pk)).get()
    assert entry.after is not None and entry.after["readings_new"] == 2
    # Readings runs stay out of the register import's list.
    register_list = client.get(f"/import/{CVR}/").content.decode()
    assert "f.csv" not in register_list


def test_upload_form_refuses_bad_input_with_400(client_for) -> None:
    client = client_for("org_staff")
    assert client.post(BASE, {"kind": "nonsense"}).status_code == 400
    response = client.post(
        BASE,
        {"kind": services.DEGREE_DAYS, "file": SimpleUploadedFile("g.csv", b"x")},
    )
    assert response.status_code == 400
    assert "Giv graddageserien et navn." in response.content.decode()
    response = client.post(
        BASE, {"kind": services.READINGS, "file": SimpleUploadedFile("g.pdf", b"%PDF")}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("org_staff", 200),
        ("other_org_staff", 404),
        ("org_board", 403),
        ("resident_a", 403),
        ("municipality_officer", 404),
        ("anonymous", 302),
    ],
)
def test_preview_per_persona(client_for, persona: str, status: int) -> None:
    response = client_for(persona).get(f"{BASE}{RUN_ID}/")
    assert response.status_code == status
    html = response.content.decode()
    if status == 200:
        assert "matrix-aflaesninger.csv" in html
        assert "Godkend og gem" in html
    else:
        assert "matrix-aflaesninger.csv" not in html


def test_other_organisations_run_is_404_for_staff(client_for) -> None:
    # The matrix run belongs to organisation A; its id under organisation B is 404.
    response = client_for("org_staff").get(f"/organisationer/31415926/groen-drift/import/{RUN_ID}/")
    assert response.status_code == 404
    # A register run is not a green one.
    register_run = ImportRun.objects.create(
        organisation=Organisation.objects.get(cvr=CVR), original_name="r.csv", format="csv"
    )
    assert client_for("org_staff").get(f"{BASE}{register_run.public_id}/").status_code == 404


def test_preview_query_count_is_bounded(client_for, django_assert_max_num_queries) -> None:
    client = client_for("org_staff")
    with django_assert_max_num_queries(20):
        assert client.get(f"{BASE}{RUN_ID}/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(BASE).status_code == 200


# --- energy labels --------------------------------------------------------------------


def _labels_run(content: bytes, commit: bool = True) -> ImportRun:
    run = services.green_run_create(
        actor=None,
        organisation=Organisation.objects.get(cvr=CVR),
        uploaded_file=SimpleUploadedFile("maerker.csv", content),
        kind=services.LABELS,
    )
    return services.green_run_start(actor=None, run=run, commit=commit)


def test_energy_labels_import() -> None:
    estate = Estate.objects.get(organisation__cvr=CVR, number=2)
    building = Building.objects.create(estate=estate, address="Mærkevej 1")
    content = (
        "Bygning;Energimærke;Udstedt;Udløber;Mærkenummer\n"
        "Mærkevej 1;c;01-03-2020;01-03-2030;311000123\n"
        "Mærkevej 1;A2020;15.06.2024;2034-06-15;311000999\n"
    ).encode("cp1252")
    run = _labels_run(content)
    assert run.status == ImportStatus.COMMITTED, run.findings
    labels = list(
        EnergyLabel.objects.filter(building=building)
        .order_by("issued_on")
        .values_list("label", "issued_on", "expires_on", "number")
    )
    assert labels == [
        ("C", dt.date(2020, 3, 1), dt.date(2030, 3, 1), "311000123"),
        ("A2020", dt.date(2024, 6, 15), dt.date(2034, 6, 15), "311000999"),
    ]
    again = _labels_run(content)
    assert again.summary["labels_unchanged"] == 2
    assert EnergyLabel.objects.filter(building=building).count() == 2


def test_energy_labels_bad_rows_reject_the_file() -> None:
    estate = Estate.objects.get(organisation__cvr=CVR, number=2)
    Building.objects.create(estate=estate, address="Mærkevej 2")
    content = (
        "adresse;energimærke;udstedt;udløber\n"
        "Mærkevej 2;H;01-03-2020;01-03-2030\n"
        "Ukendt vej 9;B;01-03-2020;01-03-2030\n"
        "Mærkevej 2;B;01-03-2020;01-03-2019\n"
        "Mærkevej 2;B;01-03-2021;01-03-2031\n"
    ).encode()
    run = _labels_run(content, commit=False)
    assert run.status == ImportStatus.REJECTED
    assert sorted({f["row"] for f in run.findings if f["level"] == "error"}) == [2, 3, 4]
    assert not EnergyLabel.objects.filter(building__address="Mærkevej 2").exists()


# --- degree days ----------------------------------------------------------------------


def _dd_run(content: bytes, name: str, organisation: str = CVR) -> ImportRun:
    run = services.green_run_create(
        actor=None,
        organisation=Organisation.objects.get(cvr=organisation),
        uploaded_file=SimpleUploadedFile("graddage.csv", content),
        kind=services.DEGREE_DAYS,
        options={"series": name, "source": "Egen vejrstation", "normal_year": "2906.0"},
    )
    return services.green_run_start(actor=None, run=run, commit=True)


def test_degree_days_import_creates_the_series_and_updates_it() -> None:
    run = _dd_run(b"maaned;graddage\n2025-01;412,3\n02-2025;380\n01-03-2025;300,5\n", "Egen serie")
    assert run.status == ImportStatus.COMMITTED, run.findings
    series = DegreeDaySeries.objects.get(name="Egen serie")
    assert series.normal_year == Decimal("2906.0")
    assert list(series.days.order_by("month").values_list("month", "value")) == [
        (dt.date(2025, 1, 1), Decimal("412.3")),
        (dt.date(2025, 2, 1), Decimal("380.0")),
        (dt.date(2025, 3, 1), Decimal("300.5")),
    ]
    # The same organisation may update its own series.
    run = _dd_run(b"maaned;graddage\n2025-03;301\n", "Egen serie")
    assert run.status == ImportStatus.COMMITTED
    assert run.warning_count == 1
    assert DegreeDay.objects.get(series=series, month=dt.date(2025, 3, 1)).value == Decimal("301.0")
    # Another organisation may not overwrite it; nor anyone a series not made by import.
    other = _dd_run(b"maaned;graddage\n2025-03;1\n", "Egen serie", organisation="31415926")
    assert other.status == ImportStatus.REJECTED
    DegreeDaySeries.objects.create(name="DMI Danmark (test)", source="DMI", normal_year=2906)
    national = _dd_run(b"maaned;graddage\n2025-03;1\n", "DMI Danmark (test)")
    assert national.status == ImportStatus.REJECTED
    assert DegreeDay.objects.get(series=series, month=dt.date(2025, 3, 1)).value == Decimal("301.0")


def test_degree_days_bad_rows() -> None:
    run = _dd_run(
        b"maaned;graddage\n2025-13;10\n2025-01;-1\n2025-02;x\n2025-04;1\n2025-04;2\n", "Fejlserie"
    )
    assert run.status == ImportStatus.REJECTED
    assert [f["row"] for f in run.findings if f["level"] == "error"] == [2, 3, 4, 6]
    assert not DegreeDaySeries.objects.filter(name="Fejlserie").exists()
