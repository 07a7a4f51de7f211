"""Danish unless the person chose English: the header's switch, remembered for the
browser session (the language cookie) and on the account (decision 0026). The
browser's Accept-Language alone does not decide."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from almen.accounts.models import User
from almen.audit.models import AuditEntry
from almen.register.demo import DEMO_PASSWORD, Persona

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def _switch(client: Client, language: str) -> None:
    response = client.post(reverse("set_language"), {"language": language, "next": "/"})
    assert response.status_code == 302


def test_an_english_browser_still_gets_danish() -> None:
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert '<html lang="da">' in response.text
    assert response["Content-Language"] == "da"
    assert "Accept-Language" not in response.get("Vary", "")


def test_the_switch_is_remembered_for_the_session() -> None:
    client = Client()
    _switch(client, "en")
    assert client.cookies[COOKIE].value == "en"
    # Session-long: no Max-Age, the cookie ends with the browser session.
    assert not client.cookies[COOKIE]["max-age"]
    assert '<html lang="en">' in client.get("/").text
    _switch(client, "da")
    assert '<html lang="da">' in client.get("/").text


def test_a_logged_in_switch_is_saved_on_the_account(client_for, cast: dict[str, Persona]) -> None:
    user = cast["resident_a"].user
    assert user is not None and user.language == ""
    client = client_for("resident_a")
    _switch(client, "en")
    user.refresh_from_db()
    assert user.language == "en"
    entry = AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk)).latest(
        "pk"
    )
    assert entry.after == {"language": "en"}

    # Another browser, no cookie: English as soon as the person is logged in, and the
    # cookie is set so the page stays English after logging out.
    other = client_for("resident_a")
    assert COOKIE not in other.cookies
    response = other.get("/")
    assert '<html lang="en">' in response.text
    assert response.cookies[COOKIE].value == "en"


def test_the_account_choice_applies_at_login(cast: dict[str, Persona]) -> None:
    board = cast["estate_board_a"]
    assert board.user is not None
    User.objects.filter(pk=board.user.pk).update(language="en")
    client = Client()
    assert '<html lang="da">' in client.get(reverse("account_login")).text
    response = client.post(
        reverse("account_login"), {"login": board.email, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.wsgi_request.user == board.user
    assert '<html lang="en">' in response.text


def test_a_pick_before_login_is_carried_to_the_account(cast: dict[str, Persona]) -> None:
    board = cast["estate_board_a"]
    assert board.user is not None and board.user.language == ""
    client = Client()
    _switch(client, "en")
    response = client.post(
        reverse("account_login"), {"login": board.email, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.wsgi_request.user == board.user
    board.user.refresh_from_db()
    assert board.user.language == "en"


def test_an_unknown_language_changes_nothing(client_for, cast: dict[str, Persona]) -> None:
    client = client_for("resident_a")
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    user = cast["resident_a"].user
    assert user is not None
    user.refresh_from_db()
    assert user.language == ""
    assert '<html lang="da">' in client.get("/").text
