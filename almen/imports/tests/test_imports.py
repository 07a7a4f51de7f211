"""Register import: reading, findings, the diff, all-or-nothing, command, views, API."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from openpyxl import Workbook

from almen.audit.models import AuditEntry
from almen.imports import services
from almen.imports.models import ImportRun, ImportStatus
from almen.lib import versions
from almen.lib.csvsafe import neutralise
from almen.lib.tabular import parse_date, parse_decimal
from almen.register.models import Estate, Household, Organisation, Resident, Unit

CVR = "29190909"
HEADER = [
    "Afdelingsnummer",
    "Afdelingsnavn",
    "Lejemålsnummer",
    "Adresse",
    "Boligtype",
    "Areal",
    "Værelser",
    "Indflytningsdato",
    "Beboer navn",
    "Beboer_email",
]


def row(unit: str, name: str, moved_in: str = "01-02-2020", **over: str) -> list[str]:
    values = {
        "afd": "90",
        "navn": "Æblehaven",
        "unit": unit,
        "adresse": f"Søvej {unit}",
        "type": "familie",
        "areal": "72,5",
        "rum": "3",
        "ind": moved_in,
        "beboer": name,
        "email": "",
    }
    values.update(over)
    return list(values.values())


GOOD = [
    row("1", "Anne Ørsted", email="anne@example.dk"),
    row("1", "Bo Ørsted"),
    row("2", "Carl Åberg", "15.03.2021", areal="1.234,5"),
    row("3", "Dina Holm", "2019-07-01", type="ældre"),
]


def csv_bytes(rows: list[list[str]], sep: str = ";", encoding: str = "utf-8", header=HEADER):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def upload(data: bytes, name: str = "register.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def org(db) -> Organisation:
    return Organisation.objects.select_related("municipality").get(cvr=CVR)


def run_file(
    org,
    data: bytes,
    name: str = "register.csv",
    commit: bool = True,
    confirm: int | None = None,
) -> ImportRun:
    run = services.import_run_create(actor=None, organisation=org, uploaded_file=upload(data, name))
    run = services.import_run_validate(run=run)
    if commit and run.status == ImportStatus.VALIDATED:
        run = services.import_run_commit(actor=None, run=run, confirm_move_outs=confirm)
    return run


def counts() -> tuple[int, int, int, int]:
    return (
        Estate.objects.count(),
        Unit.objects.count(),
        Household.objects.count(),
        Resident.objects.count(),
    )


def errors(run: ImportRun) -> list[tuple[int | None, str]]:
    return [(f["row"], f["column"]) for f in run.findings if f["level"] == "error"]


# --- ground floor ---------------------------------------------------------------------


def test_values_parse() -> None:
    assert str(parse_decimal("72,5")) == "72.5"
    assert str(parse_decimal("1.234,5")) == "1234.5"
    assert parse_date("31-12-2024").day == 31
    assert parse_date("01.02.2020").month == 2
    with pytest.raises(ValueError):
        parse_date("31-02-2025")
    with pytest.raises(ValueError):
        parse_decimal("abc")


def test_neutralise() -> None:
    assert neutralise("=SUM(A1)") == "'=SUM(A1)"
    assert neutralise("@x") == "'@x"
    assert neutralise("\tx") == "'\tx"
    assert neutralise("Anne") == "Anne"
    assert neutralise(5) == 5


# --- reading --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sep", "encoding"), [(";", "utf-8"), (",", "utf-8"), (";", "utf-8-sig"), (";", "cp1252")]
)
def test_csv_variants_commit(org, sep, encoding) -> None:
    run = run_file(org, csv_bytes(GOOD, sep=sep, encoding=encoding))
    assert run.status == ImportStatus.COMMITTED, run.findings
    estate = Estate.objects.get(organisation=org, number=90)
    assert estate.name == "Æblehaven"
    assert Resident.objects.filter(household__unit__estate=estate, name="Anne Ørsted").exists()
    assert str(Unit.objects.get(estate=estate, number="2").area_m2) == "1234.50"
    assert run.summary["households_moved_in"] == 3
    assert run.summary["residents_added"] == 4


def test_xlsx(org) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in GOOD:
        ws.append(r)
    ws.append([None] * len(HEADER))  # an empty row is skipped
    buffer = io.BytesIO()
    wb.save(buffer)
    run = run_file(org, buffer.getvalue(), "register.xlsx")
    assert run.status == ImportStatus.COMMITTED, run.findings
    assert run.format == "xlsx"
    assert (
        Household.objects.filter(unit__estate__number=90, unit__estate__organisation=org).count()
        == 3
    )


def test_xlsx_formula_cell_is_rejected(org) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(row("1", '=HYPERLINK("http://x","klik")'))
    buffer = io.BytesIO()
    wb.save(buffer)
    run = run_file(org, buffer.getvalue(), "register.xlsx")
    assert run.status == ImportStatus.REJECTED
    assert (2, "beboer_navn") in errors(run)


def test_utf16_is_refused(org) -> None:
    before = counts()
    run = run_file(org, csv_bytes(GOOD).decode().encode("utf-16"))
    assert run.status == ImportStatus.REJECTED
    assert "UTF-16" in run.findings[0]["message"]
    assert counts() == before


def test_wrong_separator(org) -> None:
    run = run_file(org, csv_bytes(GOOD, sep="\t"))
    assert run.status == ImportStatus.REJECTED
    assert "semikolon" in run.findings[0]["message"]


def test_missing_and_extra_columns(org) -> None:
    header = [h for h in HEADER if h not in {"Areal", "Værelser"}]
    run = run_file(org, csv_bytes([], header=header) + b"90;x;1;v;familie;01-01-2020;A;\r\n")
    assert run.status == ImportStatus.REJECTED
    assert "areal" in run.findings[0]["message"] and "værelser" in run.findings[0]["message"]

    data = csv_bytes([[*r, "x"] for r in GOOD], header=[*HEADER, "Kommentar"])
    run = run_file(org, data, commit=False)
    assert run.status == ImportStatus.VALIDATED
    assert run.warning_count == 1 and "Kommentar" in run.findings[0]["message"]


def test_row_findings_and_empty_lines(org) -> None:
    bad = [
        *GOOD,
        row("1", "Eva", areal="80"),  # unit 1 again, other area
        row("4", "Finn", "31-02-2025"),  # impossible date
        row("5", "Gry", areal="stor"),
        row("6", "Hans", email="ikke-en-mail"),
        row("7", "@Ida"),
        row(
            "8",
            "Jon",
            "01-01-2020",
        ),
    ]
    data = csv_bytes(bad).replace(b"\r\n90;", b"\r\n\r\n90;", 1)  # an empty line after the header
    run = run_file(org, data)
    assert run.status == ImportStatus.REJECTED
    found = errors(run)
    # Line numbers as in the file: header 1, empty line 2, GOOD on 3-6.
    assert (7, "lejemålsnummer") in found
    assert (8, "indflytningsdato") in found
    assert (9, "areal") in found
    assert (10, "beboer_email") in found
    assert (11, "beboer_navn") in found
    assert len(found) == 5


def test_cpr_is_refused_and_not_kept(org) -> None:
    run = run_file(org, csv_bytes([[*r, "010180-1234"] for r in GOOD], header=[*HEADER, "CPR"]))
    assert run.status == ImportStatus.REJECTED and "CPR" in run.findings[0]["message"]
    assert not run.file
    run = run_file(org, csv_bytes([row("1", "A", email="010180-1234")]))
    assert run.status == ImportStatus.REJECTED and "CPR" in run.findings[0]["message"]


@override_settings(IMPORT_MAX_BYTES=100)
def test_file_over_size_limit(org) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="for stor"):
        services.import_run_create(
            actor=None, organisation=org, uploaded_file=upload(csv_bytes(GOOD))
        )
    assert not ImportRun.objects.register().exists()


# --- the diff -------------------------------------------------------------------------


def test_one_bad_row_changes_nothing(org) -> None:
    before = counts()
    run = run_file(org, csv_bytes([*GOOD, row("9", "Kim", rum="mange")]))
    assert run.status == ImportStatus.REJECTED
    assert errors(run) == [(6, "værelser")]
    assert counts() == before


def test_reimport_is_a_diff(org) -> None:
    run_file(org, csv_bytes(GOOD))
    after_first = counts()
    again = run_file(org, csv_bytes(GOOD))
    assert again.status == ImportStatus.COMMITTED
    assert again.summary.pop("rows_read") == len(GOOD)
    assert set(again.summary.values()) == {0}
    assert counts() == after_first

    # Unit 3's household is gone; unit 2 has a new one (the old one moved out too).
    # Two of the estate's three households: the move-outs must be confirmed.
    changed = [GOOD[0], GOOD[1], row("4", "Lise Berg", "01-05-2024")]
    run = run_file(org, csv_bytes(changed), confirm=2)
    assert run.status == ImportStatus.COMMITTED, run.findings
    assert run.summary["households_moved_in"] == 1
    assert run.summary["households_moved_out"] == 2
    current = Household.objects.filter(
        unit__estate__organisation=org, unit__estate__number=90, moved_out__isnull=True
    )
    assert sorted(current.values_list("unit__number", flat=True)) == ["1", "4"]
    assert counts()[2] == after_first[2] + 1  # no duplicates: only the new household


def test_preview_counts_without_writing(org) -> None:
    before = counts()
    run = run_file(org, csv_bytes(GOOD), commit=False)
    assert run.status == ImportStatus.VALIDATED
    assert run.summary["units_created"] == 3 and run.summary["estates_created"] == 1
    assert counts() == before


def test_unknown_estate_without_name(org) -> None:
    run = run_file(org, csv_bytes([row("1", "A", navn="")]))
    assert run.status == ImportStatus.REJECTED
    assert errors(run) == [(2, "afdelingsnummer")]


def test_dry_run_cannot_commit(org) -> None:
    from django.core.exceptions import ValidationError

    run = services.import_run_create(
        actor=None, organisation=org, uploaded_file=upload(csv_bytes(GOOD)), dry_run=True
    )
    run = services.import_run_validate(run=run)
    with pytest.raises(ValidationError):
        services.import_run_commit(actor=None, run=run)


def tasks(callbacks: list) -> list:
    """The on-commit callbacks that are not data-version bumps (almen.lib.versions)."""
    return [c for c in callbacks if not isinstance(c, versions.Bump)]


def test_big_file_goes_through_the_task(org, django_capture_on_commit_callbacks) -> None:
    rows = [row(str(n), f"Person {n}") for n in range(60)]  # above IMPORT_BACKGROUND_ROWS
    run = services.import_run_create(
        actor=None, organisation=org, uploaded_file=upload(csv_bytes(rows))
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.import_run_start(actor=None, run=run, commit=True)
    assert len(tasks(callbacks)) == 1
    run.refresh_from_db()
    assert run.status == ImportStatus.COMMITTED
    assert run.processed_rows == run.total_rows == 60


# --- command --------------------------------------------------------------------------


def test_command(org, tmp_path, capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([*GOOD, row("9", "Kim", "31-02-2025")]))
    with pytest.raises(CommandError):
        call_command("import_register", str(bad), organisation=CVR)
    err = capsys.readouterr().err
    assert "række 6" in err and "indflytningsdato" in err

    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(GOOD))
    call_command("import_register", str(good), organisation=CVR, dry_run=True)
    assert not Estate.objects.filter(organisation=org, number=90).exists()
    capsys.readouterr()
    call_command("import_register", str(good), organisation=CVR)
    assert Estate.objects.filter(organisation=org, number=90).exists()
    # The command shows a progress bar on stderr while it checks and loads.
    err = capsys.readouterr().err
    assert "Indlæser" in err and "100%" in err


# --- views ----------------------------------------------------------------------------


def test_list_page_query_bound(org, client_for, django_assert_max_num_queries) -> None:
    for _ in range(30):
        run_file(org, csv_bytes(GOOD), commit=False)
    client = client_for("org_staff")
    with django_assert_max_num_queries(12):
        response = client.get(f"/import/{CVR}/")
    assert response.status_code == 200
    assert b"register.csv" in response.content


def test_upload_and_commit_views(org, client_for) -> None:
    client = client_for("org_staff")
    response = client.post(f"/import/{CVR}/", {"file": upload(csv_bytes(GOOD))})
    assert response.status_code == 302
    run = ImportRun.objects.register().get(organisation=org)
    assert run.status == ImportStatus.VALIDATED
    page = client.get(response["Location"])
    assert "Godkend import" in page.content.decode()
    partial = client.get(response["Location"], headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and partial["HX-Refresh"] == "true"
    response = client.post(f"/import/{CVR}/{run.public_id}/godkend/")
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportStatus.COMMITTED
    # Committing twice is refused with a message, not a 500.
    response = client.post(f"/import/{CVR}/{run.public_id}/godkend/")
    assert response.status_code == 409


def test_upload_bad_input(org, client_for) -> None:
    client = client_for("org_staff")
    response = client.post(f"/import/{CVR}/", {"file": upload(b"x", "register.pdf")})
    assert response.status_code == 400
    assert "CSV- eller XLSX" in response.content.decode()
    response = client.post(f"/import/{CVR}/", {})
    assert response.status_code == 400


def test_views_wrong_method_and_access(org, client_for) -> None:
    run = run_file(org, csv_bytes(GOOD), commit=False)
    staff = client_for("org_staff")
    assert staff.put(f"/import/{CVR}/").status_code == 405
    assert staff.get(f"/import/{CVR}/{run.public_id}/godkend/").status_code == 405
    data = {"file": upload(csv_bytes(GOOD))}
    assert client_for("org_board").post(f"/import/{CVR}/", data).status_code == 403
    assert (
        client_for("org_board").post(f"/import/{CVR}/{run.public_id}/godkend/").status_code == 403
    )
    assert client_for("other_org_staff").get(f"/import/{CVR}/{run.public_id}/").status_code == 404
    assert (
        client_for("other_org_staff").post(f"/import/{CVR}/{run.public_id}/godkend/").status_code
        == 404
    )
    run.refresh_from_db()
    assert run.status == ImportStatus.VALIDATED


# --- API ------------------------------------------------------------------------------


def test_api(org, client) -> None:
    from almen.register.tokens import api_token_create

    _token, secret = api_token_create(
        actor=None, organisation=org, name="ERP", scopes=["register:import"]
    )
    _read, read_secret = api_token_create(
        actor=None, organisation=org, name="Læs", scopes=["register:read"]
    )
    auth = {"Authorization": f"Bearer {secret}"}
    response = client.post(
        "/api/v1/imports", {"file": upload(csv_bytes(GOOD)), "dry_run": "true"}, headers=auth
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "validated" and body["summary"]["units_created"] == 3
    response = client.get(f"/api/v1/imports/{body['id']}", headers=auth)
    assert response.status_code == 200 and response.json()["id"] == body["id"]
    response = client.post("/api/v1/imports", {"file": upload(csv_bytes(GOOD))}, headers=auth)
    assert response.json()["status"] == "committed"
    denied = client.post(
        "/api/v1/imports",
        {"file": upload(csv_bytes(GOOD))},
        headers={"Authorization": f"Bearer {read_secret}"},
    )
    assert denied.status_code == 403
    assert client.get(f"/api/v1/imports/{body['id']}").status_code == 401


# --- XLSX: zip bombs and understated dimensions (issue 6, items 3 and 6) ---------------


def xlsx_bytes(rows: list[list[str]], header=HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def with_dimension(data: bytes, ref: str) -> bytes:
    """The XLSX with its sheet's <dimension ref> rewritten (as some exports write it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content, n = re.subn(
                    rb'<dimension ref="[^"]+"', f'<dimension ref="{ref}"'.encode(), content
                )
                assert n == 1
            dst.writestr(info, content)
    return out.getvalue()


FIVE = [row(str(n), f"Person {n}") for n in range(1, 6)]


def test_xlsx_rows_past_the_dimension_are_all_imported(org) -> None:
    understated = with_dimension(xlsx_bytes(FIVE), "A1:J2")  # claims one data row
    first = run_file(org, understated, "register.xlsx")
    assert first.status == ImportStatus.COMMITTED, first.findings
    assert first.summary["rows_read"] == len(FIVE)
    assert first.summary["households_moved_in"] == 5

    # The same register again: nobody moves out.
    again = run_file(org, understated, "register.xlsx")
    assert again.status == ImportStatus.COMMITTED, again.findings
    assert again.summary["rows_read"] == len(FIVE)
    assert again.summary["households_moved_out"] == 0
    current = Household.objects.filter(
        unit__estate__organisation=org, unit__estate__number=90, moved_out__isnull=True
    )
    assert current.count() == 5


def test_rows_read_is_every_data_row(org) -> None:
    bad = [*GOOD, row("9", "Kim", "31-02-2025"), GOOD[0]]  # an error and a repeated resident
    run = run_file(org, csv_bytes(bad), commit=False)
    assert run.status == ImportStatus.REJECTED and run.error_count == 1
    assert run.summary["rows_read"] == len(bad)
    assert run.total_rows == run.processed_rows == len(bad)
    run = run_file(org, csv_bytes(GOOD))
    assert run.summary["rows_read"] == len(GOOD)


def xlsx_bomb() -> bytes:
    """A real register XLSX whose shared strings unpack to 50 MB of one character."""
    data = xlsx_bytes(GOOD)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            if info.filename != "xl/sharedStrings.xml":
                dst.writestr(info, src.read(info.filename))
        with dst.open("xl/sharedStrings.xml", "w") as handle:
            handle.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            handle.write(b"<si><t>")
            for _ in range(50):
                handle.write(b"a" * 1024 * 1024)
            handle.write(b"</t></si></sst>")
    return out.getvalue()


def test_xlsx_bomb_is_refused_at_upload(org, client_for) -> None:
    bomb = xlsx_bomb()
    with pytest.raises(ValidationError, match="pakkes ud til"):
        services.import_run_create(
            actor=None, organisation=org, uploaded_file=upload(bomb, "register.xlsx")
        )
    response = client_for("org_staff").post(
        f"/import/{CVR}/", {"file": upload(bomb, "register.xlsx")}
    )
    assert response.status_code == 400
    assert "Regnearket er afvist" in response.content.decode()
    assert not ImportRun.objects.register().filter(organisation=org).exists()


def test_big_xlsx_is_parsed_by_the_worker_not_the_request(
    org, django_capture_on_commit_callbacks
) -> None:
    data = xlsx_bytes(GOOD)  # few rows, but above the (lowered) inline size
    with override_settings(TABULAR_XLSX_INLINE_BYTES=1000):
        run = services.import_run_create(
            actor=None, organisation=org, uploaded_file=upload(data, "register.xlsx")
        )
        assert run.total_rows == 0  # not even counted in the request
        with pytest.raises(services.FileRejected):  # the request's reader refuses it …
            services.parse_file(io.BytesIO(data), today=dt.date(2026, 1, 1))
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.import_run_start(actor=None, run=run, commit=False)
        assert len(tasks(callbacks)) == 1  # … so it went to the worker
    run.refresh_from_db()
    assert run.status == ImportStatus.VALIDATED, run.findings
    assert run.total_rows == run.summary["rows_read"] == len(GOOD)


# --- scope and confirmation of move-outs (issue 6, item 7) -----------------------------


TWENTY = [row(str(n), f"Person {n}") for n in range(1, 21)]


@pytest.fixture
def estate_of_twenty(org) -> Estate:
    run = run_file(org, csv_bytes(TWENTY))
    assert run.status == ImportStatus.COMMITTED, run.findings
    return Estate.objects.get(organisation=org, number=90)


def current(estate: Estate) -> int:
    return Household.objects.filter(unit__estate=estate, moved_out__isnull=True).count()


def test_preview_lists_the_estates_the_file_covers(org, estate_of_twenty, client_for) -> None:
    run = run_file(org, csv_bytes(TWENTY[:1]), commit=False)
    assert run.status == ImportStatus.VALIDATED
    (estate,) = run.scope
    assert estate["number"] == 90 and estate["name"] == "Æblehaven"
    assert estate["households_now"] == 20 and estate["households_in_file"] == 1
    assert estate["moving_out"] == 19 and estate["remaining"] == 1
    assert estate["units_now"] == 20 and estate["units_in_file"] == 1 and estate["partial"]
    assert estate["needs_confirmation"] and run.needs_move_out_confirmation
    page = client_for("org_staff").get(f"/import/{CVR}/{run.public_id}/").content.decode()
    assert "Filen nævner kun 1 af afdelingens 20 lejemål." in page
    assert "Afdeling 90 Æblehaven: 19 af 20 husstande flytter ud." in page
    assert 'name="confirm_move_outs"' in page
    assert "flyt 19 husstande ud" in page


def test_small_share_needs_no_confirmation(org, estate_of_twenty) -> None:
    run = run_file(org, csv_bytes(TWENTY[:18]))  # 2 of 20 = 10 %: not more than the share
    assert run.status == ImportStatus.COMMITTED, run.findings
    assert run.scope[0]["moving_out"] == 2 and not run.scope[0]["needs_confirmation"]
    assert current(estate_of_twenty) == 18
    run = run_file(org, csv_bytes(TWENTY[:15]), commit=False)  # 3 of 18: more
    assert run.needs_move_out_confirmation


def test_emptying_an_estate_needs_confirmation(org, estate_of_twenty) -> None:
    # With the share at 100 %, only emptying an estate needs a confirmation.
    # Every household replaced (new ones moved in on another date): 20 of 20 end, but
    # 20 new ones keep the estate from being empty.
    replaced = [row(str(n), f"Ny {n}", "01-01-2025") for n in range(1, 21)]
    with override_settings(IMPORT_MOVE_OUT_CONFIRM_SHARE=1.0):
        run = run_file(org, csv_bytes(replaced), commit=False)
    assert run.scope[0]["moving_out"] == 20 and run.scope[0]["remaining"] == 20
    assert not run.needs_move_out_confirmation
    other = [row(str(n), f"Person {n}", afd="91", navn="Pæretræet") for n in range(1, 3)]
    with override_settings(IMPORT_MOVE_OUT_CONFIRM_SHARE=1.0):
        run = run_file(org, csv_bytes(other), commit=False)
    # A file for estate 91 does not touch estate 90.
    assert [e["number"] for e in run.scope] == [91]
    assert run.summary["households_moved_out"] == 0
    # An estate whose every current household ends without a new one: empty.
    ended = [[*row(str(n), f"Person {n}"), "", "01-06-2025"] for n in range(1, 21)]
    header = [*HEADER, "Beboer telefon", "Fraflytningsdato"]
    with override_settings(IMPORT_MOVE_OUT_CONFIRM_SHARE=1.0):
        run = run_file(org, csv_bytes(ended, header=header), commit=False)
        assert run.status == ImportStatus.VALIDATED, run.findings
        assert run.scope[0]["moving_out"] == 20 and run.scope[0]["remaining"] == 0
        assert run.needs_move_out_confirmation
        with pytest.raises(services.MoveOutsNotConfirmed, match="afdelingen bliver tom"):
            services.import_run_commit(actor=None, run=run)
    assert current(estate_of_twenty) == 20


def test_commit_without_confirmation_is_refused(org, estate_of_twenty, client_for) -> None:
    run = run_file(org, csv_bytes(TWENTY[:1]), commit=False)
    with pytest.raises(services.MoveOutsNotConfirmed, match="19 husstande ud"):
        services.import_run_commit(actor=None, run=run)
    with pytest.raises(services.MoveOutsNotConfirmed):
        services.import_run_commit(actor=None, run=run, confirm_move_outs=20)
    client = client_for("org_staff")
    url = f"/import/{CVR}/{run.public_id}/godkend/"
    for data in ({}, {"confirm_move_outs": "18"}, {"confirm_move_outs": "nitten"}):
        response = client.post(url, data)
        assert response.status_code == 400
        assert "Importen flytter 19 husstande ud" in response.content.decode()
    run.refresh_from_db()
    assert run.status == ImportStatus.VALIDATED and run.move_outs_confirmed is None
    assert current(estate_of_twenty) == 20  # nothing happened

    response = client.post(url, {"confirm_move_outs": "19"})
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportStatus.COMMITTED and run.move_outs_confirmed == 19
    assert current(estate_of_twenty) == 1
    entry = AuditEntry.objects.get(action="import", object_id=str(run.pk))
    assert entry.after is not None
    assert entry.after["move_outs_confirmed"] == 19
    assert entry.after["move_out_confirmation_required"] is True


def test_confirmation_is_checked_again_at_commit(org, estate_of_twenty) -> None:
    run = run_file(org, csv_bytes(TWENTY[:1]), commit=False)
    # Between preview and commit another household ends elsewhere: 18 would move out.
    Household.objects.filter(unit__estate=estate_of_twenty, unit__number="20").update(
        moved_out=dt.date(2025, 1, 1)
    )
    run = services.import_run_commit(actor=None, run=run, confirm_move_outs=19)
    assert run.status == ImportStatus.VALIDATED
    assert run.move_outs == 18 and run.move_outs_confirmed is None
    assert current(estate_of_twenty) == 19
    run = services.import_run_commit(actor=None, run=run, confirm_move_outs=18)
    assert run.status == ImportStatus.COMMITTED


def test_command_needs_confirm_move_outs(org, estate_of_twenty, tmp_path, capsys) -> None:
    one = tmp_path / "one.csv"
    one.write_bytes(csv_bytes(TWENTY[:1]))
    with pytest.raises(CommandError, match="--confirm-move-outs 19"):
        call_command("import_register", str(one), organisation=CVR)
    assert "Filen nævner kun 1 af afdelingens 20 lejemål." in capsys.readouterr().err
    assert current(estate_of_twenty) == 20
    with pytest.raises(CommandError):
        call_command("import_register", str(one), organisation=CVR, confirm_move_outs=5)
    assert current(estate_of_twenty) == 20
    call_command("import_register", str(one), organisation=CVR, confirm_move_outs=19)
    assert current(estate_of_twenty) == 1


def test_api_needs_confirm_move_outs(org, estate_of_twenty, client) -> None:
    from almen.register.tokens import api_token_create

    _token, secret = api_token_create(
        actor=None, organisation=org, name="ERP", scopes=["register:import"]
    )
    auth = {"Authorization": f"Bearer {secret}"}
    response = client.post("/api/v1/imports", {"file": upload(csv_bytes(TWENTY[:1]))}, headers=auth)
    assert response.status_code == 400
    assert "19 husstande ud" in response.json()["detail"]
    assert current(estate_of_twenty) == 20
    response = client.post(
        "/api/v1/imports",
        {"file": upload(csv_bytes(TWENTY[:1])), "dry_run": "true"},
        headers=auth,
    )
    body = response.json()
    assert body["move_out_confirmation_required"] and body["summary"]["households_moved_out"] == 19
    assert body["scope"][0]["households_now"] == 20
    response = client.post(
        "/api/v1/imports",
        {"file": upload(csv_bytes(TWENTY[:1])), "confirm_move_outs": "19"},
        headers=auth,
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "committed"
    assert current(estate_of_twenty) == 1


def test_ambiguous_area_is_a_row_finding(org) -> None:
    run = run_file(org, csv_bytes([row("1", "Anne", areal="72.500")]))
    assert run.status == ImportStatus.REJECTED
    (finding,) = [f for f in run.findings if f["column"] == "areal"]
    assert finding["row"] == 2 and "kan læses både som 72500 og 72,5" in finding["message"]
