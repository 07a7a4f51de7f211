"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives: the sink the
outbox's tests, journeys and benchmark send to. No mock of our code: the worker speaks
SMTP to it through Django's SMTP backend exactly as it would to a mail relay.

    with SmtpSink() as sink:
        ... settings.MAILERS = sink.mailers() ...
        sink.message_ids()   # one per message received, repeats included

``delay_after=n`` makes the sink stall each sender for ``delay`` seconds at MAIL FROM
once it holds ``n`` messages (``stalled`` is set): a worker that is killed there is
killed between two messages, with everything before recorded on both sides.
``refuse`` answers RCPT TO with a given reply ("451 …" or "550 …").

``python -m almen.notify.testing PORT FILE`` runs one in its own process and appends
each Message-ID to FILE (the benchmark's sink).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import socket
import sys
import threading
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Recorder:
    def __init__(self, *, parse: bool = True, out: Any = None) -> None:
        self.parse = parse
        self.out = out
        self.messages: list[EmailMessage] = []
        self.ids: list[str] = []
        self.delay = 0.0
        self.delay_after: int | None = None
        self.refuse: str | None = None
        self.stalled = threading.Event()
        self.lock = threading.Lock()

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.delay_after is not None and len(self.ids) >= self.delay_after:
            self.stalled.set()
            await asyncio.sleep(self.delay)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content: bytes = envelope.original_content or envelope.content
        found = _MESSAGE_ID.search(content)
        message_id = found.group(1).decode() if found else ""
        with self.lock:
            self.ids.append(message_id)
            if self.parse:
                self.messages.append(email.message_from_bytes(content, policy=email.policy.default))
            if self.out is not None:
                self.out.write(message_id + "\n")
        return "250 Message accepted for delivery"


class SmtpSink:
    def __init__(self, *, parse: bool = True, port: int | None = None, out: Any = None) -> None:
        self.recorder = Recorder(parse=parse, out=out)
        self.port = port or free_port()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    def mailers(self) -> dict[str, dict[str, Any]]:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 30},
            }
        }

    @property
    def messages(self) -> list[EmailMessage]:
        with self.recorder.lock:
            return list(self.recorder.messages)

    def message_ids(self) -> list[str]:
        with self.recorder.lock:
            return list(self.recorder.ids)


def main(argv: list[str]) -> None:
    import signal

    port, path = int(argv[0]), argv[1]
    with open(path, "a", buffering=1 << 16) as out, SmtpSink(parse=False, port=port, out=out):
        print("ready", flush=True)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *a: stop.set())
        signal.signal(signal.SIGINT, lambda *a: stop.set())
        stop.wait()


if __name__ == "__main__":
    main(sys.argv[1:])
