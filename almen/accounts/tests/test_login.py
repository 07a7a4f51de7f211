"""Logging in, end to end through allauth with the test client and the real database:
residents by e-mail code, staff by password + TOTP, closed sign-up, rate limits."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from almen.accounts.models import User
from almen.accounts.tests.helpers import demo_totp_code, forget_used_totp, login_code_from_outbox
from almen.register.demo import DEMO_PASSWORD, Persona

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    # allauth counts attempts in the cache; each test starts from zero.
    cache.clear()


def _request_code(client: Client, email: str) -> None:
    response = client.post(reverse("account_request_login_code"), {"email": email})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_confirm_login_code")


def test_login_page_leads_with_the_code_and_is_danish(client: Client) -> None:
    response = client.get(reverse("account_login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Log ind med engangskode") < html.index("Log ind med adgangskode")
    assert 'class="form-input"' in html
    assert 'aria-describedby="id_password_hint"' in html
    for english in ("Sign In", "Password", "sign up", "Remember Me"):
        assert english not in html


def test_resident_logs_in_with_an_emailed_code(client: Client, cast: dict[str, Persona]) -> None:
    resident = cast["resident_a"]
    assert resident.user is not None and not resident.user.has_usable_password()
    _request_code(client, resident.email)
    assert len(mail.outbox) == 1
    page = client.get(reverse("account_confirm_login_code"))
    assert "Indtast login-kode" in page.content.decode()

    code = login_code_from_outbox(resident.email)
    response = client.post(reverse("account_confirm_login_code"), {"code": code}, follow=True)

    assert response.wsgi_request.user == resident.user
    html = response.content.decode()
    assert "Din afdeling" in html
    estate = resident.user.residencies.get().household.unit.estate
    assert estate.name in html


def test_wrong_code_three_times_is_refused(client: Client, cast: dict[str, Persona]) -> None:
    resident = cast["resident_a"]
    _request_code(client, resident.email)
    code = login_code_from_outbox(resident.email)
    wrong = "AAAA-AAAA" if code != "AAAA-AAAA" else "BBBB-BBBB"
    url = reverse("account_confirm_login_code")
    for _ in range(3):
        response = client.post(url, {"code": wrong})
    # After the third miss the code is spent: even the right one does not log in now.
    response = client.post(url, {"code": code}, follow=True)
    assert not response.wsgi_request.user.is_authenticated
    assert "_auth_user_id" not in client.session


def test_unknown_email_gets_no_code_and_no_account(client: Client) -> None:
    _request_code(client, "fremmed@example.com")
    # allauth does not reveal whether the address is known; no code is sent to it.
    assert not any("fremmed@example.com" in m.to and "Kode" in m.body for m in mail.outbox)
    assert not User.objects.filter(email="fremmed@example.com").exists()


def _password_login(client: Client, email: str, password: str = DEMO_PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_staff_logs_in_with_password_then_totp(client: Client, cast: dict[str, Persona]) -> None:
    staff = cast["org_staff"]
    assert staff.user is not None
    response = _password_login(client, staff.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # not logged in before the second factor
    page = client.get(reverse("mfa_authenticate"))
    assert "To-faktor-autentificering" in page.content.decode()

    code = demo_totp_code()
    forget_used_totp(staff.user.pk, code)
    response = client.post(reverse("mfa_authenticate"), {"code": code}, follow=True)
    assert response.wsgi_request.user == staff.user
    assert response.redirect_chain[-1][0] == reverse("web:home")


def test_staff_with_a_wrong_totp_code_is_not_logged_in(
    client: Client, cast: dict[str, Persona]
) -> None:
    staff = cast["org_staff"]
    _password_login(client, staff.email)
    wrong = "000000" if demo_totp_code() != "000000" else "111111"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert "Forkert kode" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_password_is_refused_in_danish(client: Client, cast: dict[str, Persona]) -> None:
    response = _password_login(client, cast["org_staff"].email, "forkert-adgangskode")
    assert response.status_code == 200
    assert "ikke korrekt" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_without_totp_is_sent_to_totp_setup(
    client: Client, cast: dict[str, Persona], django_capture_on_commit_callbacks
) -> None:
    staff = cast["org_staff"]
    assert staff.user is not None
    staff.user.authenticator_set.all().delete()  # type: ignore[attr-defined]
    assert _password_login(client, staff.email)["Location"] == reverse("web:home")

    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password again before a second factor is added.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": DEMO_PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert "Aktiver autentificeringsapp" in page.content.decode()

    # Setting up the app (with the secret the page shows) opens the site again.
    secret = client.session["mfa.totp.secret"]
    code = format_hotp_value(hotp_value(secret, int(time.time() // 30)))
    with django_capture_on_commit_callbacks(execute=True):  # allauth's on-commit signal
        client.post(reverse("mfa_activate_totp"), {"code": code})
    assert staff.user.authenticator_set.filter(type="totp").exists()  # type: ignore[attr-defined]
    assert client.get(reverse("web:home")).status_code == 200


def test_resident_without_totp_is_not_sent_to_setup(client_for) -> None:
    response = client_for("resident_a").get(reverse("web:home"))
    assert response.status_code == 200


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "3/5m/key", "login": "30/m/ip"})
def test_repeated_failed_logins_are_rate_limited(client: Client, cast: dict[str, Persona]) -> None:
    email = cast["estate_board_a"].email
    for _ in range(3):
        response = _password_login(client, email, "forkert-adgangskode")
        assert "For mange" not in response.content.decode()
    # The right password no longer helps until the window has passed.
    response = _password_login(client, email)
    assert response.status_code == 200
    assert "for mange mislykkede" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(ACCOUNT_RATE_LIMITS={"request_login_code": "2/5m/key"})
def test_login_code_requests_are_rate_limited(client: Client, cast: dict[str, Persona]) -> None:
    email = cast["resident_a"].email
    for _ in range(5):
        client.post(reverse("account_request_login_code"), {"email": email})
    assert 1 <= len([m for m in mail.outbox if email in m.to]) <= 2


def test_signup_is_closed(client: Client) -> None:
    response = client.get(reverse("account_signup"))
    assert "Du har ingen konto i Almen" in response.content.decode()
    response = client.post(
        reverse("account_signup"),
        {
            "email": "ny@example.com",
            "password1": "en-lang-adgangskode-1",
            "password2": "en-lang-adgangskode-1",
        },
    )
    assert not User.objects.filter(email="ny@example.com").exists()


def test_board_member_logs_in_with_password_only(client: Client, cast: dict[str, Persona]) -> None:
    response = _password_login(client, cast["estate_board_a"].email)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.session["_auth_user_id"] == str(cast["estate_board_a"].user.pk)  # type: ignore[union-attr]
