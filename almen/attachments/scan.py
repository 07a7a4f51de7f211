"""The virus-scan hook point. ``ATTACHMENTS_SCANNERS`` names callables that get the
file (an open binary file object at position 0) and return a ``Verdict``; every file
passes every scanner before it is stored. None configured: the file is stored as
"not scanned". ``CLAMD_SOCKET`` adds ``ClamdScanner`` (ClamAV's clamd, INSTREAM).

A scanner that finds something makes the upload fail (and the refusal is audited);
a scanner that cannot answer makes it fail too (fail closed: a file is never stored
as scanned when it was not)."""

from __future__ import annotations

import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Verdict:
    clean: bool
    scanner: str
    finding: str = ""  # the signature's name when not clean


class ScannerUnavailable(Exception):
    """The scanner could not look at the file (not reachable, timed out, …)."""


Scanner = Callable[[IO[bytes]], Verdict]


def scanners() -> list[Scanner]:
    found: list[Scanner] = []
    for path in settings.ATTACHMENTS_SCANNERS:
        obj = import_string(path)
        found.append(obj() if isinstance(obj, type) else obj)
    return found


def scan(fileobj: IO[bytes]) -> list[Verdict]:
    """Every configured scanner's verdict, in order; stops at the first finding."""
    verdicts = []
    for scanner in scanners():
        fileobj.seek(0)
        try:
            verdict = scanner(fileobj)
        finally:
            fileobj.seek(0)
        verdicts.append(verdict)
        if not verdict.clean:
            break
    return verdicts


class ClamdScanner:
    """ClamAV's daemon over its socket (``CLAMD_SOCKET``: a Unix socket path, or
    ``tcp://host:port``), with the INSTREAM command: the file is streamed in chunks,
    clamd answers ``stream: OK`` or ``stream: <signature> FOUND``."""

    name = "clamav"
    chunk = 64 * 1024

    def __init__(self, address: str | None = None, timeout: float = 30.0) -> None:
        self.address = address or settings.CLAMD_SOCKET
        self.timeout = timeout

    def _connect(self) -> socket.socket:
        if self.address.startswith("tcp://"):
            host, _, port = self.address.removeprefix("tcp://").rpartition(":")
            return socket.create_connection((host, int(port)), timeout=self.timeout)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.address)
        return sock

    def __call__(self, fileobj: IO[bytes]) -> Verdict:
        try:
            with self._connect() as sock:
                sock.sendall(b"zINSTREAM\0")
                for data in iter(lambda: fileobj.read(self.chunk), b""):
                    sock.sendall(struct.pack("!L", len(data)) + data)
                sock.sendall(struct.pack("!L", 0))
                answer = b""
                while not answer.endswith(b"\0"):
                    part = sock.recv(4096)
                    if not part:
                        break
                    answer += part
        except OSError as exc:
            raise ScannerUnavailable(str(exc)) from exc
        text = answer.rstrip(b"\0").decode("utf-8", "replace").strip()
        if text.endswith("OK"):
            return Verdict(clean=True, scanner=self.name)
        if text.endswith("FOUND"):
            finding = text.removeprefix("stream:").removesuffix("FOUND").strip()
            return Verdict(clean=False, scanner=self.name, finding=finding)
        raise ScannerUnavailable(text or "no answer")
