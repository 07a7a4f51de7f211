"""``python manage.py import_readings``: a rejected file exits non-zero with the row
numbers on stderr and writes nothing; a good one commits; --dry-run writes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from almen.green.models import EnergyKind, Meter, MeterMode, MeterUnit, Reading
from almen.register.models import Estate

pytestmark = pytest.mark.django_db


def _meter(number: str = "CLI-1") -> Meter:
    return Meter.objects.create(
        estate=Estate.objects.get(organisation__cvr="29190909", number=2),
        number=number,
        kind=EnergyKind.DISTRICT_HEATING,
        unit=MeterUnit.MWH,
        mode=MeterMode.CUMULATIVE,
    )


def _call(path: Path, *args: str) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import_readings", str(path), *args, stdout=out, stderr=err)
    except CommandError as exc:
        code = exc.returncode or 1
        err.write(str(exc))
    except SystemExit as exc:  # pragma: no cover - call_command raises CommandError
        code = int(exc.code or 1)
    return out.getvalue(), err.getvalue(), code


def test_rejected_file_exits_non_zero_with_row_numbers_and_writes_nothing(tmp_path: Path) -> None:
    _meter()
    path = tmp_path / "bad.csv"
    path.write_bytes(
        "målernummer;dato;aflæsning\nCLI-1;01-01-2025;100\nCLI-1;01-02-2025;abc\n"
        "UKENDT;01-02-2025;1\nCLI-1;01-03-2025;90\n".encode("cp1252")
    )
    _out, err, code = _call(path, "--organisation", "29190909")
    assert code != 0
    assert "række 3" in err and "række 4" in err
    assert "Filen blev afvist" in err
    assert not Reading.objects.filter(meter__number="CLI-1").exists()


def test_good_file_commits_and_dry_run_writes_nothing(tmp_path: Path) -> None:
    meter = _meter()
    path = tmp_path / "good.csv"
    path.write_bytes(b"dato;aflaesning\n01-01-2025;100\n01-02-2025;110,5\n")
    out, err, code = _call(path, "--organisation", "29190909", "--meter", "CLI-1", "--dry-run")
    assert code == 0, err
    assert "Prøvekørsel" in out
    assert not meter.readings.exists()
    out, err, code = _call(path, "--organisation", "29190909", "--meter", "CLI-1")
    assert code == 0, err
    assert "Nye aflæsninger: 2" in out
    assert meter.readings.count() == 2
    out, err, code = _call(path, "--organisation", "29190909", "--meter", "CLI-1")
    assert "Uændrede (allerede gemt): 2" in out
    assert meter.readings.count() == 2


def test_unknown_organisation_and_meter(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"dato;aflaesning\n01-01-2025;1\n")
    assert _call(path, "--organisation", "00000000")[2] != 0
    assert _call(path, "--organisation", "29190909", "--meter", "NOPE")[2] != 0
    # No meter column and no --meter: refused, nothing written.
    _out, err, code = _call(path, "--organisation", "29190909")
    assert code != 0 and "målernummer" in err
