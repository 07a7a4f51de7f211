"""A 200 MB attachment: a real multipart body of 200 MB streamed through the test
client's WSGI handler (generated as it is read, never held in memory). It is refused
with a Danish message and a 413 before the body is read: the stream shows how few of
its bytes were taken, nothing is stored and no temporary file is written."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings

from almen.attachments.models import Attachment

MB = 1024 * 1024
BOUNDARY = "almenboundary7f3a"


class MultipartStream:
    """A multipart/form-data body with the CSRF token, the kind and one file of
    ``size`` bytes, produced chunk by chunk as the server reads it."""

    def __init__(self, size: int, token: str) -> None:
        head = (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            f"{token}\r\n"
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="kind"\r\n\r\nreferat\r\n'
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="file"; filename="stor.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
        ).encode()
        tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        fill = size - len(b"%PDF-1.4\n")
        self.length = len(head) + fill + len(tail)
        self.read_bytes = 0
        self._head, self._fill, self._tail = head, fill, tail

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            size = self.length - self.read_bytes
        out = b""
        while len(out) < size:
            if self._head:
                take, self._head = self._head[: size - len(out)], self._head[size - len(out) :]
            elif self._fill:
                n = min(size - len(out), self._fill)
                take, self._fill = b"0" * n, self._fill - n
            elif self._tail:
                take, self._tail = self._tail[: size - len(out)], self._tail[size - len(out) :]
            else:
                break
            out += take
        self.read_bytes += len(out)
        return out

    def readline(self, size: int = -1) -> bytes:  # pragma: no cover - not used by Django
        return self.read(size)


def environ(body: MultipartStream) -> dict[str, Any]:
    """The request's body is the stream itself, with its true length."""
    return {
        "wsgi.input": body,
        "CONTENT_LENGTH": str(body.length),
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
    }


def _temp_files() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).iterdir()}


def test_a_200_mb_upload_is_refused_before_its_body_is_read(goal, cast) -> None:
    from django.test import Client

    from almen.accounts.tests.helpers import login_with_mfa

    client = Client(enforce_csrf_checks=True)
    login_with_mfa(client, cast["org_staff"].user)
    token = "x" * 32
    client.cookies["csrftoken"] = token
    body = MultipartStream(200 * MB, token)
    assert body.length > 200 * MB
    before = (Attachment.objects.count(), _temp_files())
    response = client.generic("POST", f"/bilag/maal/{goal.public_id}/", **environ(body))
    assert response.status_code == 413
    html = response.content.decode()
    assert "Filen er for stor. Et bilag må højst fylde 25 MB." in html
    assert "form-error-message" in html
    # Not a byte of the 200 MB was read, nothing stored, no temporary file left.
    assert body.read_bytes == 0
    assert (Attachment.objects.count(), _temp_files()) == before
    assert not list((Path(settings.MEDIA_ROOT) / "attachments").rglob("stor*"))


def test_a_body_just_over_the_limit_is_stopped_as_it_streams(goal, cast, settings) -> None:
    """Declared within the margin for the form's other fields, the file itself over the
    limit: the upload handler stops reading as soon as the bytes pass it."""
    from django.test import Client

    from almen.accounts.tests.helpers import login_with_mfa

    settings.ATTACHMENTS_MAX_BYTES = 2 * MB
    client = Client(enforce_csrf_checks=True)
    login_with_mfa(client, cast["org_staff"].user)
    token = "x" * 32
    client.cookies["csrftoken"] = token
    body = MultipartStream(2 * MB + 900 * 1024, token)
    response = client.generic("POST", f"/bilag/maal/{goal.public_id}/", **environ(body))
    assert response.status_code == 413
    assert "Et bilag må højst fylde 2 MB." in response.content.decode()
    assert body.read_bytes < 2 * MB + 200 * 1024  # stopped soon after the limit
    assert not Attachment.objects.filter(original_name="stor.pdf").exists()
