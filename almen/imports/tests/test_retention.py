"""Privacy in the register import: uploaded files are purged after their retention,
and a re-import does not bring back personal data erased after a move-out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from almen.audit.models import AuditEntry
from almen.imports import retention, services
from almen.imports.models import ImportRun, ImportStatus
from almen.imports.tests.test_imports import GOOD, csv_bytes, org, row, run_file, upload
from almen.register import privacy
from almen.register.models import Household, Resident

__all__ = ["org"]  # the fixture

pytestmark = pytest.mark.django_db


def _age(run: ImportRun, days: int) -> None:
    then = timezone.now() - dt.timedelta(days=days)
    ImportRun.objects.filter(pk=run.pk).update(created_at=then, finished_at=then)


def _exists(name: str | None) -> bool:
    assert name
    return bool(ImportRun._meta.get_field("file").storage.exists(name))


@override_settings(IMPORT_FILE_RETENTION_DAYS=30)
def test_green_files_are_purged_too(org, django_capture_on_commit_callbacks) -> None:
    """A readings file (grøn drift's kind) past its retention goes like a register file:
    the run stays, marked rejected if it was never committed, and the purge is audited."""
    readings = services.import_run_create(
        actor=None,
        organisation=org,
        uploaded_file=upload(b"m\xc3\xa5lernummer;dato;afl\xc3\xa6sning\r\nFV-1;01-01-2026;1\r\n"),
        kind="green_readings",
    )
    name = readings.file.name
    assert _exists(name)
    _age(readings, 31)
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.import_files_purge() == 1
    readings.refresh_from_db()
    assert not readings.file and not _exists(name)
    assert readings.status == ImportStatus.REJECTED
    assert AuditEntry.objects.filter(action="purge_file", object_id=str(readings.pk)).exists()


@override_settings(IMPORT_FILE_RETENTION_DAYS=30)
def test_files_past_retention_are_purged_and_the_runs_stay(
    org, django_capture_on_commit_callbacks
) -> None:
    committed = run_file(org, csv_bytes(GOOD))
    rejected = run_file(org, csv_bytes([row("1", "", navn="")]))
    dry = services.import_run_validate(
        run=services.import_run_create(
            actor=None, organisation=org, uploaded_file=upload(csv_bytes(GOOD)), dry_run=True
        )
    )
    waiting = run_file(org, csv_bytes(GOOD), commit=False)
    recent = run_file(org, csv_bytes(GOOD), commit=False)
    assert rejected.status == ImportStatus.REJECTED and dry.status == ImportStatus.VALIDATED
    old = [committed, rejected, dry, waiting]
    for run in old:
        _age(run, 31)
    _age(recent, 29)
    names = {run.pk: run.file.name for run in [*old, recent]}
    assert all(_exists(name) for name in names.values())

    with django_capture_on_commit_callbacks(execute=True):
        assert retention.import_files_purge() == 4
    for run in old:
        run.refresh_from_db()
        assert not run.file
        assert not _exists(names[run.pk])
    recent.refresh_from_db()
    assert recent.file and _exists(names[recent.pk])
    # The runs keep their record; the one waiting for a commit can no longer be committed.
    committed.refresh_from_db()
    assert committed.status == ImportStatus.COMMITTED and committed.summary
    waiting.refresh_from_db()
    assert waiting.status == ImportStatus.REJECTED and not waiting.can_commit
    assert "Upload filen igen" in waiting.findings[-1]["message"]
    assert AuditEntry.objects.filter(action="purge_file").count() == 4
    # Nothing is left to purge.
    assert retention.import_files_purge() == 0


def test_purge_command(org, capsys) -> None:
    run = run_file(org, csv_bytes(GOOD))
    _age(run, 400)
    call_command("purge_import_files", "--dry-run")
    assert "1 importfiler skal slettes" in capsys.readouterr().out
    call_command("purge_import_files")
    assert "1 importfiler slettet" in capsys.readouterr().out


def test_reimport_does_not_restore_a_former_tenancys_erased_data(org) -> None:
    run_file(org, csv_bytes(GOOD))
    # Unit 1's household (Anne and Bo) moves out; the import ends it.
    ended = run_file(org, csv_bytes(GOOD[2:]), confirm=1)  # 1 of 3 ends: confirmed
    assert ended.summary["households_moved_out"] == 1
    household = Household.objects.get(unit__estate__organisation=org, unit__number="1")
    assert household.moved_out is not None
    assert privacy.moved_out_anonymise(today=household.moved_out + dt.timedelta(days=800)) >= 2
    assert set(household.residents.values_list("name", flat=True)) == {privacy.ANONYMISED_NAME}

    # An old file that still lists the former tenancy.
    again = run_file(org, csv_bytes(GOOD))
    assert again.status == ImportStatus.COMMITTED, again.findings
    assert set(household.residents.values_list("name", flat=True)) == {privacy.ANONYMISED_NAME}
    assert household.residents.count() == 2
    assert not Resident.objects.filter(name__in=["Anne Ørsted", "Bo Ørsted"]).exists()
