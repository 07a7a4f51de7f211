"""The virus-scan hook: scanners named in ATTACHMENTS_SCANNERS see every file before
it is stored. These are real scanner functions (one knows the EICAR test signature),
registered through the setting as a deployment would; our code is not mocked."""

from __future__ import annotations

import hashlib
import io
import socket
import struct
import threading
from pathlib import Path
from typing import IO

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from almen.attachments import scan, services
from almen.attachments.models import Attachment, ScanStatus
from almen.attachments.tests import files
from almen.audit.models import AuditEntry

HERE = "almen.attachments.tests.test_scan"


def eicar_scanner(fileobj: IO[bytes]) -> scan.Verdict:
    """Flags the EICAR test string anywhere in the file."""
    data = fileobj.read()
    if files.EICAR in data:
        return scan.Verdict(clean=False, scanner="eicar", finding="Eicar-Test-Signature")
    return scan.Verdict(clean=True, scanner="eicar")


def broken_scanner(fileobj: IO[bytes]) -> scan.Verdict:
    raise scan.ScannerUnavailable("connection refused")


def add(goal, data: bytes, name: str = "noter.txt") -> Attachment:
    return services.attachment_add(
        actor=None, owner=goal, fileobj=io.BytesIO(data), name=name, size=len(data)
    )


def media() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "attachments"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_no_scanner_configured_means_not_scanned(goal, settings) -> None:
    settings.ATTACHMENTS_SCANNERS = []
    assert add(goal, b"Referat\n").scan_status == ScanStatus.NOT_SCANNED


def test_a_clean_file_is_marked_scanned(goal, settings) -> None:
    settings.ATTACHMENTS_SCANNERS = [f"{HERE}.eicar_scanner"]
    attachment = add(goal, b"Referat\n")
    assert (attachment.scan_status, attachment.scanned_by) == (ScanStatus.CLEAN, "eicar")


def test_an_infected_file_is_refused_and_audited(goal, settings, cast) -> None:
    settings.ATTACHMENTS_SCANNERS = [f"{HERE}.eicar_scanner"]
    before = (Attachment.objects.count(), media())
    with pytest.raises(ValidationError) as caught:
        services.attachment_add(
            actor=cast["org_staff"].user,
            owner=goal,
            fileobj=io.BytesIO(files.EICAR),
            name="eicar.txt",
            size=len(files.EICAR),
        )
    assert "Virusscanningen fandt noget i filen (Eicar-Test-Signature)" in caught.value.messages[0]
    assert (Attachment.objects.count(), media()) == before
    entry = AuditEntry.objects.get(action="refuse", object_id=str(goal.pk))
    assert entry.object_type == "goals.goal" and entry.actor == cast["org_staff"].user
    assert entry.after == {
        "attachment": "eicar.txt",
        "size": len(files.EICAR),
        "sha256": hashlib.sha256(files.EICAR).hexdigest(),
        "scanner": "eicar",
        "finding": "Eicar-Test-Signature",
    }


def test_an_infected_upload_through_the_page(goal, settings, client_for) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.ATTACHMENTS_SCANNERS = [f"{HERE}.eicar_scanner"]
    response = client_for("org_staff").post(
        f"/bilag/maal/{goal.public_id}/",
        {"kind": "andet", "file": SimpleUploadedFile("eicar.txt", files.EICAR)},
    )
    assert response.status_code == 400
    assert "Virusscanningen fandt noget" in response.content.decode()
    assert not Attachment.objects.filter(original_name="eicar.txt").exists()


def test_a_scanner_that_cannot_answer_stores_nothing(goal, settings) -> None:
    settings.ATTACHMENTS_SCANNERS = [f"{HERE}.broken_scanner"]
    before = Attachment.objects.count()
    with pytest.raises(ValidationError) as caught:
        add(goal, b"Referat\n")
    assert "kunne ikke virusscannes lige nu" in caught.value.messages[0]
    assert Attachment.objects.count() == before


def test_clamd_socket_adds_the_clamav_scanner() -> None:
    import subprocess
    import sys

    from almen.accounts.tests.test_deploy import ROOT

    code = "import config.settings as s; print(s.ATTACHMENTS_SCANNERS)"
    env = {"DEBUG": "true", "CLAMD_SOCKET": "/run/clamav/clamd.ctl", "PATH": "/usr/bin"}
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.stdout.strip() == "['almen.attachments.scan.ClamdScanner']", out.stderr


class _Clamd(threading.Thread):
    """A server on a Unix socket that speaks clamd's INSTREAM protocol (clamd itself is
    not installed here) and finds the EICAR string: what ClamdScanner talks to."""

    def __init__(self, path: str) -> None:
        super().__init__(daemon=True)
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(1)

    def run(self) -> None:
        conn, _ = self.server.accept()
        with conn:
            command = b""
            while not command.endswith(b"\0"):
                command += conn.recv(1)
            assert command == b"zINSTREAM\0"
            data = b""
            while True:
                (size,) = struct.unpack("!L", _exactly(conn, 4))
                if size == 0:
                    break
                data += _exactly(conn, size)
            answer = b"stream: Eicar-Signature FOUND\0" if files.EICAR in data else b"stream: OK\0"
            conn.sendall(answer)


def _exactly(conn: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        data += conn.recv(n - len(data))
    return data


@pytest.mark.parametrize(("data", "clean"), [(b"Referat\n" * 20000, True), (files.EICAR, False)])
def test_clamd_scanner_speaks_instream(tmp_path, data: bytes, clean: bool) -> None:
    path = str(tmp_path / "clamd.sock")
    server = _Clamd(path)
    server.start()
    verdict = scan.ClamdScanner(path)(io.BytesIO(data))
    server.join(5)
    assert verdict.clean is clean
    assert verdict.finding == ("" if clean else "Eicar-Signature")


def test_clamd_scanner_unreachable(tmp_path) -> None:
    with pytest.raises(scan.ScannerUnavailable):
        scan.ClamdScanner(str(tmp_path / "none.sock"))(io.BytesIO(b"x"))
