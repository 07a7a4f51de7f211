"""Keeping a too-big upload out: the request's declared length is looked at before a
byte of the body is read, and a handler counts the bytes as they stream in and stops
the upload as soon as they pass the limit (so a lying or missing length cannot fill
the disk either)."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

# Room for the form's other fields and the multipart boundaries.
ENVELOPE_BYTES = 1024 * 1024


def declared_too_big(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > settings.ATTACHMENTS_MAX_BYTES + ENVELOPE_BYTES


class LimitedUploadHandler(FileUploadHandler):
    """First in ``request.upload_handlers``: passes chunks on until the files' bytes
    pass ``ATTACHMENTS_MAX_BYTES``, then stops reading the request."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = settings.ATTACHMENTS_MAX_BYTES
        self.received = 0
        self.too_big = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_big = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
