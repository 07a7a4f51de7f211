"""Channels: how a rendered message leaves Almen. E-mail now (Django's mail backend, so
SMTP in production and the console or a file in development); SMS and web push later
are a class with the same three methods and a ``Channel`` choice in models.py.

A channel is opened once per batch (one SMTP connection for the whole batch), sends
one message at a time (so the worker can record each outcome before the next), and
raises ``PermanentFailure`` for what no retry will mend (a refused address).
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage


@dataclass(frozen=True)
class Outgoing:
    to: str
    subject: str
    body: str
    # The same for every attempt at the same message: receivers and our test sink
    # recognise a repeat by it.
    message_id: str
    headers: dict[str, str] = field(default_factory=dict)


class PermanentFailure(Exception):
    """The receiver refused the message for good: no retry."""


class TemporaryFailure(Exception):
    """The receiver refused the message for now (4xx): retry later, the connection holds."""


class Sender(Protocol):
    def open(self) -> None: ...
    def send(self, message: Outgoing) -> None: ...
    def close(self) -> None: ...


class EmailChannel:
    """E-mail through the ``default`` mailer of ``MAILERS``."""

    def __init__(self) -> None:
        self.connection: Any = None

    def open(self) -> None:
        self.connection = mail.mailers.default
        self.connection.open()

    def send(self, message: Outgoing) -> None:
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            headers={"Message-ID": message.message_id, **message.headers},
        )
        try:
            sent = self.connection.send_messages([email])
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _text in error.recipients.values()]
            if codes and all(500 <= code < 600 for code in codes):
                raise PermanentFailure(str(error.recipients)) from error
            raise TemporaryFailure(str(error.recipients)) from error
        except smtplib.SMTPResponseException as error:
            if 500 <= error.smtp_code < 600:
                raise PermanentFailure(f"{error.smtp_code} {error.smtp_error!r}") from error
            raise
        if not sent:
            raise OSError("the mail backend sent nothing")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


CHANNELS: dict[str, type[Sender]] = {"email": EmailChannel}
