"""What a newcomer sees: `make run` ends with the demo logins (manage.py demo_logins,
printed by scripts/serve.sh once the server answers), and e-mails in development are
printed as they read, the login code on its own line (decision 0026)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from almen.lib.devmail import ReadableConsoleBackend
from almen.register.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, Persona


@pytest.mark.django_db
def test_demo_logins_name_every_persona_and_how_to_get_codes(cast: dict[str, Persona]) -> None:
    out = io.StringIO()
    call_command("demo_logins", "--url", "http://127.0.0.1:8123", stdout=out)
    text = out.getvalue()
    assert "Almen kører på http://127.0.0.1:8123" in text
    for persona in cast.values():
        assert persona.label in text
        if persona.email:
            assert persona.email in text
    # Boards and staff have the password; staff also need TOTP; residents none.
    staff_line = text.split(cast["org_staff"].email, 1)[1].splitlines()[1]
    assert f"adgangskode: {DEMO_PASSWORD}  + TOTP-kode" in staff_line
    resident_line = text.split(cast["resident_a"].email, 1)[1].splitlines()[1]
    assert "ingen adgangskode" in resident_line
    assert "make totp" in text and DEMO_TOTP_SECRET in text
    assert "Beboernes engangskode" in text


def test_serve_script_prints_the_logins_after_the_server_answers() -> None:
    script = (Path(__file__).resolve().parents[3] / "scripts" / "serve.sh").read_text()
    # A background loop waits for /healthz, then prints the logins; the server runs in
    # the foreground, so its start-up banner comes first and the logins last.
    waits, prints, serves = (
        script.index("/healthz"),
        script.index('"$PY" manage.py demo_logins'),
        script.index('"$PY" manage.py runserver'),
    )
    assert waits < prints < serves


@pytest.mark.django_db
@override_settings(MAILERS={"default": {"BACKEND": "almen.lib.devmail.ReadableConsoleBackend"}})
def test_development_mail_prints_the_login_code_plainly(
    cast: dict[str, Persona], capsys: pytest.CaptureFixture[str]
) -> None:
    resident = cast["resident_a"]
    response = Client().post(reverse("account_request_login_code"), {"email": resident.email})
    assert response.status_code == 302
    printed = capsys.readouterr().out
    assert f"E-mail til {resident.email}: [Almen] Din engangskode til at logge ind" in printed
    assert "Boligselskabet Fællesbo" in printed  # as it reads, not quoted-printable
    assert "=C3=A6" not in printed and "Content-Transfer-Encoding" not in printed
    assert re.search(r"^    [A-Z0-9]{4}-[A-Z0-9]{4}$", printed, re.MULTILINE), printed


def test_readable_backend_writes_each_message() -> None:
    stream = io.StringIO()
    backend = ReadableConsoleBackend(stream=stream)
    sent = backend.send_messages(
        [mail.EmailMessage("Æbler", "Hej Åse\n\n    ABCD-EFGH\n", to=["aase@example.dk"])]
    )
    assert sent == 1
    assert "E-mail til aase@example.dk: Æbler" in stream.getvalue()
    assert "\n    ABCD-EFGH\n" in stream.getvalue()
