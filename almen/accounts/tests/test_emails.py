"""allauth's e-mails in Almen's words: Danish (English for those who chose it), the
organisation's name, how long the code or link is valid, and the site called Almen —
not "Hello from 127.0.0.1:18801!"."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from almen.accounts.models import User
from almen.accounts.tests.helpers import login_code_from_outbox
from almen.register.demo import Persona

pytestmark = pytest.mark.django_db

ORG_A = "Boligselskabet Fællesbo"


def _request_code(email: str) -> None:
    response = Client().post(reverse("account_request_login_code"), {"email": email})
    assert response.status_code == 302


def _only_mail_to(email: str) -> mail.EmailMessage:
    messages = [m for m in mail.outbox if email in m.to]
    assert len(messages) == 1, [m.subject for m in mail.outbox]
    return messages[0]


def test_login_code_mail_is_danish_with_organisation_and_validity(
    cast: dict[str, Persona],
) -> None:
    resident = cast["resident_a"]
    assert resident.user is not None
    _request_code(resident.email)
    message = _only_mail_to(resident.email)
    assert message.subject == "[Almen] Din engangskode til at logge ind"
    body = message.body
    assert f"Kære {resident.user.name}" in body
    assert f"Her er din engangskode til at logge ind i Almen hos {ORG_A}:" in body
    assert "Koden virker i 15 minutter og kun én gang." in body
    assert f"{ORG_A} via Almen" in body
    assert login_code_from_outbox(resident.email) in body
    for wrong in ("Hej fra", "Hello from", "testserver!", "Sign-In Code", "sign-in code"):
        assert wrong not in body and wrong not in message.subject


def test_login_code_mail_in_english_for_a_person_who_chose_english(
    cast: dict[str, Persona],
) -> None:
    resident = cast["resident_a"]
    assert resident.user is not None
    User.objects.filter(pk=resident.user.pk).update(language="en")
    # Requested from a Danish page: the person's own choice decides the e-mail.
    _request_code(resident.email)
    message = _only_mail_to(resident.email)
    assert message.subject == "[Almen] Your one-time code to log in"
    assert f"Here is your one-time code to log in to Almen at {ORG_A}:" in message.body
    assert "The code works for 15 minutes and only once." in message.body
    assert "Koden virker" not in message.body


def test_password_reset_mail_is_danish_with_the_links_validity(
    cast: dict[str, Persona],
) -> None:
    board = cast["estate_board_a"]
    response = Client().post(reverse("account_reset_password"), {"email": board.email})
    assert response.status_code == 302
    message = _only_mail_to(board.email)
    assert message.subject == "[Almen] Vælg en ny adgangskode"
    assert "Linket virker i 72 timer og kun én gang." in message.body
    assert "/konto/password/reset/key/" in message.body
    assert ORG_A in message.body


def test_an_unknown_address_is_told_in_danish_how_to_get_an_account() -> None:
    _request_code("ukendt.person@example.dk")
    message = _only_mail_to("ukendt.person@example.dk")
    assert message.subject == "[Almen] Vi kender ikke din e-mailadresse"
    assert "får du en konto gennem din boligorganisation" in message.body
    assert "sign up" not in message.body.lower()
