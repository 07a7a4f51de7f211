"""The development e-mail backend: each message printed readably on the console.

Django's console backend prints the raw MIME message, so a Danish text arrives
quoted-printable ("Her er din engangskode til at logge ind i Almen hos Boligselskabet
F=C3=A6llesbo") and a developer hunts for the login code. This one prints who, what
and the plain-text body as it reads, between two rulers:

    ──── E-mail til beboer.a@almen.demo: [Almen] Din engangskode til at logge ind ────
    …
        K7Q2MD
    …

Used by ``make run`` (DEBUG without EMAIL_BACKEND); tests use Django's locmem outbox.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from typing import Any, TextIO

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

RULER = "─" * 4


class ReadableConsoleBackend(BaseEmailBackend):
    def __init__(self, *args: Any, stream: TextIO | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        with self._lock:
            for message in email_messages:
                self.stream.write(render(message))
            self.stream.flush()
        return len(email_messages)


def render(message: EmailMessage) -> str:
    to = ", ".join(message.to)
    head = f"{RULER} E-mail til {to}: {message.subject} {RULER}"
    body = message.body if isinstance(message.body, str) else str(message.body)
    return f"\n{head}\n{body.strip()}\n{'─' * len(head)}\n\n"
