"""Residents' personal data: export, erasure, retention, audited reads, no-store."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from almen.audit.models import AuditEntry
from almen.audit.services import audit_record, snapshot
from almen.register import privacy
from almen.register.models import Estate, Household, Resident
from almen.register.services import estate_counts_refresh
from almen.register.testing import RESIDENT_ID

pytestmark = pytest.mark.django_db

CVR = "29190909"


@pytest.fixture
def resident(cast) -> Resident:
    return Resident.objects.select_related("household__unit__estate").get(public_id=RESIDENT_ID)


@pytest.fixture
def housemate(resident) -> Resident:
    return Resident.objects.create(
        household=resident.household,
        name="Omar Hansen",
        email="omar.hansen@example.dk",
        phone="+45 11 22 33 44",
        birth_year=1977,
    )


def url(name: str, resident: Resident) -> str:
    return reverse(f"register:{name}", args=[CVR, resident.public_id])


# --- export ---------------------------------------------------------------------------


def test_json_export_holds_the_residents_data_and_nothing_of_another(
    client_for, resident, housemate
) -> None:
    Resident.objects.filter(pk=resident.pk).update(phone="+45 70 10 20 30")
    response = client_for("org_staff").get(url("resident_export_json", resident))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["resident"]["name"] == "Fatima Hansen"
    assert data["resident"]["email"] == "beboer.a@almen.demo"
    assert data["resident"]["phone"] == "+45 70 10 20 30"
    assert data["resident"]["birth_year"] == 1980
    assert data["tenancy"]["moved_in"] == "2024-05-01"
    assert data["tenancy"]["organisation_cvr"] == CVR
    assert data["tenancy"]["household_size"] == 2
    assert data["account"]["email"] == "beboer.a@almen.demo"
    text = response.content.decode()
    for other in ("Omar Hansen", "omar.hansen@example.dk", "11 22 33 44", "1977", "Karen Lund"):
        assert other not in text


def test_csv_export_is_the_same_data_and_spreadsheet_safe(client_for, resident, housemate) -> None:
    Resident.objects.filter(pk=resident.pk).update(phone="+4570102030")
    response = client_for("org_staff").get(url("resident_export_csv", resident))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = dict(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))
    assert rows["resident.name"] == "Fatima Hansen"
    assert rows["resident.email"] == "beboer.a@almen.demo"
    # "+…" would be read as a formula by a spreadsheet.
    assert rows["resident.phone"] == "'+4570102030"
    assert "Omar Hansen" not in response.content.decode()


def test_export_and_record_are_audited_and_not_cached(client_for, resident) -> None:
    client = client_for("org_staff")
    before = AuditEntry.objects.count()
    for name in ("resident_detail", "resident_export_json", "resident_export_csv"):
        response = client.get(url(name, resident))
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
    entries = AuditEntry.objects.order_by("id")[before:]
    assert [(e.action, e.object_id, e.actor_label) for e in entries] == [
        ("read", str(resident.pk), "Mette Schmidt"),
        ("export", str(resident.pk), "Mette Schmidt"),
        ("export", str(resident.pk), "Mette Schmidt"),
    ]
    assert {e.organisation_id for e in entries} == {resident.household.unit.estate.organisation_id}


def test_another_organisations_resident_is_404_for_staff(client_for, resident) -> None:
    other = reverse("register:resident_detail", args=["31415926", resident.public_id])
    assert client_for("other_org_staff").get(other).status_code == 404
    # Organisation A's staff asking under organisation B's CVR are outsiders there.
    assert client_for("org_staff").get(other).status_code == 404


# --- erasure --------------------------------------------------------------------------


def test_erasure_asks_first_and_needs_the_confirmation(client_for, resident) -> None:
    client = client_for("org_staff")
    page = client.get(url("resident_anonymise", resident))
    assert page.status_code == 200
    assert "Fatima Hansen" in page.content.decode()  # shows what will be erased
    refused = client.post(url("resident_anonymise", resident))
    assert refused.status_code == 400
    assert "bekræfte" in refused.content.decode()
    resident.refresh_from_db()
    assert resident.name == "Fatima Hansen"
    assert resident.anonymised_at is None


def test_confirmed_erasure_anonymises_audits_and_keeps_the_figures(
    client_for, resident, housemate
) -> None:
    estate = resident.household.unit.estate
    # An earlier (admin) entry about the resident holds their name and e-mail.
    earlier = audit_record(
        actor=None,
        action="admin.change",
        obj=resident,
        organisation_id=estate.organisation_id,
        after=snapshot(resident),
    )
    estate_counts_refresh(estate_ids=[estate.pk])
    figures = Estate.objects.values_list("household_count", "unit_count").get(pk=estate.pk)
    response = client_for("org_staff").post(url("resident_anonymise", resident), {"confirm": "yes"})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.name == privacy.ANONYMISED_NAME
    erased = (resident.email, resident.phone, resident.birth_year, resident.user)
    assert erased == ("", "", None, None)
    assert resident.anonymised_at is not None
    housemate.refresh_from_db()
    assert housemate.name == "Omar Hansen"  # only the one resident
    entry = AuditEntry.objects.get(action="anonymise", object_id=str(resident.pk))
    assert entry.actor_label == "Mette Schmidt"
    assert "Fatima" not in json.dumps(entry.after) + entry.object_repr
    earlier.refresh_from_db()
    assert "Fatima" not in json.dumps(earlier.after) + earlier.object_repr
    assert "beboer.a@almen.demo" not in json.dumps(earlier.after)
    assert (earlier.after or {})["household_id"] == resident.household_id  # the rest stays
    estate_counts_refresh(estate_ids=[estate.pk])
    assert Estate.objects.values_list("household_count", "unit_count").get(pk=estate.pk) == figures
    # The resident lost the access their tenancy gave (the login link is erased).
    assert Resident.objects.filter(user__email="beboer.a@almen.demo").count() == 0


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("resident_a", 403),
        ("resident_b", 403),
        ("estate_board_a", 403),
        ("org_board", 403),
        ("other_org_staff", 404),
        ("municipality_officer", 403),
        ("sector_staff", 404),
        ("anonymous", 302),
    ],
)
def test_only_the_organisations_staff_may_erase(client_for, resident, persona, status) -> None:
    response = client_for(persona).post(url("resident_anonymise", resident), {"confirm": "yes"})
    assert response.status_code == status
    resident.refresh_from_db()
    assert resident.anonymised_at is None


# --- search and the residents list ------------------------------------------------------


def test_search_finds_former_residents_and_is_audited(client_for, resident) -> None:
    Household.objects.filter(pk=resident.household_id).update(moved_out=dt.date(2025, 1, 31))
    client = client_for("org_staff")
    search = reverse("register:resident_search", args=[CVR])
    response = client.get(search, {"q": "BEBOER.A@almen.demo"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert url("resident_detail", resident) in response.content.decode()
    entry = AuditEntry.objects.filter(action="read").latest("id")
    assert (entry.object_type, entry.after) == ("register.resident", {"list": "search", "shown": 1})
    short = client.get(search, {"q": "x"})
    assert short.status_code == 400
    assert "mindst 2 tegn" in short.content.decode()


def test_reading_the_estates_residents_list_is_audited_and_not_cached(client_for, cast) -> None:
    path = reverse("web:estate_residents", args=[CVR, 1])
    before = AuditEntry.objects.filter(action="read").count()
    response = client_for("estate_board_a").get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.filter(action="read").latest("id")
    assert AuditEntry.objects.filter(action="read").count() == before + 1
    assert entry.actor_label == "Karen Lund"
    assert entry.after == {"list": "residents", "page": 1}


# --- retention ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moved_out", "fiscal_month", "ends"),
    [
        # Calendar year: the meeting is due by 30 September, its minutes 4 weeks later.
        (dt.date(2026, 3, 15), 1, dt.date(2026, 10, 28)),
        (dt.date(2026, 9, 30), 1, dt.date(2026, 10, 28)),
        (dt.date(2026, 10, 1), 1, dt.date(2027, 10, 28)),
        # Financial year from 1 July: the meeting by 31 March.
        (dt.date(2026, 3, 31), 7, dt.date(2026, 4, 28)),
        (dt.date(2026, 4, 1), 7, dt.date(2027, 4, 28)),
        # From 1 April: by 31 December.
        (dt.date(2026, 12, 31), 4, dt.date(2027, 1, 28)),
    ],
)
def test_retention_ends_at_the_next_ordinary_meetings_minutes_deadline(
    moved_out, fiscal_month, ends
) -> None:
    assert privacy.retention_ends(moved_out=moved_out, fiscal_year_start_month=fiscal_month) == ends


@override_settings(PRIVACY_MOVED_OUT_RETENTION_DAYS=90)
def test_a_configured_retention_replaces_the_rule() -> None:
    assert privacy.retention_ends(
        moved_out=dt.date(2026, 3, 15), fiscal_year_start_month=1
    ) == dt.date(2026, 6, 13)


def _moved_out(resident: Resident, on: dt.date) -> None:
    Household.objects.filter(pk=resident.household_id).update(moved_out=on)


def test_nightly_anonymisation_takes_exactly_the_households_past_retention(
    cast, resident, housemate
) -> None:
    estate = resident.household.unit.estate
    Estate.objects.filter(pk=estate.pk).update(fiscal_year_start_month=1)
    _moved_out(resident, dt.date(2026, 3, 15))  # kept until 28 October 2026
    other = Resident.objects.filter(household__unit__estate=estate, household__moved_out=None)
    kept = other.exclude(household=resident.household).first()
    assert kept is not None
    estate_counts_refresh(estate_ids=[estate.pk])
    figures = Estate.objects.values_list("household_count", "unit_count").get(pk=estate.pk)

    assert privacy.moved_out_anonymise(today=dt.date(2026, 10, 28)) == 0
    assert privacy.moved_out_anonymise(today=dt.date(2026, 10, 29), dry_run=True) == 2
    assert privacy.moved_out_anonymise(today=dt.date(2026, 10, 29)) == 2
    names = set(Resident.objects.filter(household=resident.household).values_list("name", "email"))
    assert names == {(privacy.ANONYMISED_NAME, "")}
    kept.refresh_from_db()
    assert kept.anonymised_at is None and kept.name != privacy.ANONYMISED_NAME
    entry = AuditEntry.objects.get(action="anonymise_moved_out")
    assert (entry.object_id, entry.after) == (str(estate.pk), {"residents": 2, "households": 1})
    assert entry.actor_label == "system"
    estate_counts_refresh(estate_ids=[estate.pk])
    assert Estate.objects.values_list("household_count", "unit_count").get(pk=estate.pk) == figures
    # Nothing left to do the next night.
    assert privacy.moved_out_anonymise(today=dt.date(2026, 10, 30)) == 0


@pytest.mark.parametrize("fiscal_month", [1, 4, 7, 10])
def test_the_nightly_cut_agrees_with_retention_ends(cast, resident, fiscal_month) -> None:
    """Day by day over two years: a household is due exactly when its retention ended."""
    estate = resident.household.unit.estate
    Estate.objects.filter(pk=estate.pk).update(fiscal_year_start_month=fiscal_month)
    today = dt.date(2027, 6, 15)
    for offset in range(0, 730, 3):
        moved_out = today - dt.timedelta(days=offset)
        due = privacy.retention_ends(moved_out=moved_out, fiscal_year_start_month=fiscal_month)
        cut = privacy._latest_due_move_out(today, fiscal_month)
        assert (moved_out <= cut) == (due < today), (moved_out, due, cut)


def test_the_command_runs(cast, resident, capsys) -> None:
    _moved_out(resident, dt.date(2025, 1, 31))
    call_command("anonymise_moved_out", "--dry-run")
    assert "1 fraflyttede beboere skal anonymiseres" in capsys.readouterr().out
    call_command("anonymise_moved_out")
    assert "1 fraflyttede beboere anonymiseret" in capsys.readouterr().out
    resident.refresh_from_db()
    assert resident.name == privacy.ANONYMISED_NAME


def test_record_and_export_queries_are_bounded_and_flat(
    client_for, resident, housemate, django_assert_max_num_queries
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("org_staff")
    paths = [url(name, resident) for name in ("resident_detail", "resident_export_json")]

    def counts() -> list[int]:
        found = []
        for path in paths:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(path).status_code == 200
            found.append(len(ctx.captured_queries))
        return found

    client.get(paths[0])  # session and MFA state warmed up
    with django_assert_max_num_queries(2 * 16):
        before = counts()
    # More about the resident (audit entries) and more housemates: the same queries.
    for n in range(5):
        Resident.objects.create(household=resident.household, name=f"Barn {n}")
    assert counts() == before
