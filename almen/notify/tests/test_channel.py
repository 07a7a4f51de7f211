"""The e-mail channel's own MIME bytes (``channels.mime_bytes``) say what Django's
``EmailMessage`` says, read back by the ``email`` package as a mail client would; what
the builder does not handle goes through Django; one SMTP connection serves a worker's
consecutive batches."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.mail import EmailMessage

from almen.accounts.models import User
from almen.notify import services, worker
from almen.notify.channels import Outgoing, mime_bytes
from almen.notify.testing import SmtpSink

LINK = "http://127.0.0.1:8000/konto/beskeder/afmeld/eyJrIjoiZ29hbHMuYWN0aW9uX292ZXJkdWUifQ:1x/"
HEADERS = {
    "List-Unsubscribe": f"<{LINK}>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    "Auto-Submitted": "auto-generated",
}


def _outgoing(subject: str, body: str, **kw: Any) -> Outgoing:
    return Outgoing(
        to=kw.pop("to", "modtager@example.dk"),
        subject=subject,
        body=body,
        message_id="<abc123@almen.notify>",
        headers=kw.pop("headers", HEADERS),
    )


def _django(message: Outgoing) -> email.message.EmailMessage:
    built = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers={"Message-ID": message.message_id, **message.headers},
    )
    # As Django's SMTP backend sends it (its ``_send``).
    return email.message_from_bytes(
        built.message(policy=email.policy.SMTP).as_bytes(), policy=email.policy.default
    )


SUBJECTS = [
    "Fristen er gået: Ny legeplads på Æblevej",
    "Plain ASCII subject",
    "Målet »" + "Bedre trivsel for børn og unge i afdelingen " * 4 + "« skal have status",
    "x" * 950,  # ASCII, longer than a header line should be: encoded and folded
]


@pytest.mark.parametrize("subject", SUBJECTS)
def test_the_bytes_read_back_as_djangos_message_does(subject: str) -> None:
    body = (
        "Indsatsen »Lys i kældergangen« havde frist 01-12-2026. Ærø, Øster Åby.\n"
        + "En meget lang linje uden linjeskift " * 10
        + "\nLinje med mellemrum til sidst   \n.\nPunktum alene ovenfor.\n\n--\nAfmeld: "
        + LINK
        + "\n"
    )
    message = _outgoing(subject, body)
    data = mime_bytes(message, date="Tue, 01 Dec 2026 12:00:00 +0000")
    assert data is not None
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF line ends only
    ours = email.message_from_bytes(data, policy=email.policy.default)
    theirs = _django(message)
    for header in ("Subject", "From", "To", "Message-ID", *HEADERS):
        assert str(ours[header]) == str(theirs[header]), header
    assert ours.get_content() == theirs.get_content()
    assert ours.get_content_type() == "text/plain"
    assert ours.get_content_charset() == "utf-8"


@pytest.mark.parametrize(
    "kw",
    [
        {"to": "modtager@eksempel.dk\r\nBcc: alle@example.dk"},  # a header injection
        {"to": "jørgen@æblevej.dk"},  # not ASCII: Django's builder (IDNA, SMTPUTF8)
        {"headers": {**HEADERS, "List-Unsubscribe": "<http://æ.dk/>"}},
    ],
)
def test_what_the_builder_does_not_handle_goes_through_django(kw: dict[str, Any]) -> None:
    assert mime_bytes(_outgoing("Emne", "Tekst\n", **kw)) is None


def test_a_sender_address_that_is_not_ascii_goes_through_django(settings: Any) -> None:
    settings.DEFAULT_FROM_EMAIL = "Almen <noreply@æblevej.dk>"
    assert mime_bytes(_outgoing("Emne", "Tekst\n")) is None
    settings.DEFAULT_FROM_EMAIL = "Almen Ærø <noreply@almen.dk>"  # a name is encoded
    data = mime_bytes(_outgoing("Emne", "Tekst\n"))
    assert data is not None
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert str(parsed["From"]) == "Almen Ærø <noreply@almen.dk>"


def test_a_subject_cannot_carry_a_header() -> None:
    data = mime_bytes(_outgoing("Emne\r\nBcc: alle@example.dk", "Tekst\n"))
    assert data is not None
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert parsed["Bcc"] is None
    assert parsed["Subject"] == "Emne Bcc: alle@example.dk"


@pytest.fixture
def sink(settings: Any) -> Iterator[SmtpSink]:
    with SmtpSink() as running:
        settings.MAILERS = running.mailers()
        yield running


@pytest.mark.django_db
def test_one_connection_serves_a_workers_consecutive_batches(sink: SmtpSink) -> None:
    for n in range(5):
        user = User.objects.create(email=f"p{n}@example.dk", name=f"P {n}")
        services.notify(
            kind="goals.action_overdue",
            key=f"a{n}",
            user=user,
            context={"title": f"Indsats {n}", "due": "01-12-2026", "path": "/mine/"},
        )
    senders = worker.Senders()
    try:
        assert worker.send_batch(batch=2, senders=senders).sent == 2
        channel: Any = senders.open["email"]
        connection = channel.smtp
        assert connection is not None
        assert worker.send_batch(batch=2, senders=senders).sent == 2
        assert worker.send_batch(batch=2, senders=senders).sent == 1
        assert senders.open["email"].smtp is connection  # type: ignore[attr-defined]
    finally:
        senders.close()
    assert senders.open == {}
    assert len(set(sink.message_ids())) == 5
    subjects = sorted(m["Subject"] for m in sink.messages)
    assert subjects == [f"Fristen er gået: Indsats {n}" for n in range(5)]
