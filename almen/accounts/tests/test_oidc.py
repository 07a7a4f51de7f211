"""OpenID Connect login (how an organisation plugs in its MitID broker) against a real
provider: django-oauth-toolkit serves discovery, authorisation, token, JWKS and
userinfo over HTTP on the live server, and allauth talks to it as it would to a broker.

The provider and Almen share one live server; the browser reaches the provider as
127.0.0.1 and Almen as localhost, so their session cookies stay apart as they would
on two sites."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from django.test import Client, override_settings
from oauth2_provider.models import Application

from almen.accounts.models import User
from almen.accounts.tests import oidc_provider
from almen.accounts.tests.live import ensure_personas
from almen.register.demo import personas

PROVIDER_ID = "mitid-test"
CLIENT_SECRET = "test-client-secret-" + "x" * 20


@pytest.fixture
def oidc(live_server: Any, transactional_db: None) -> Iterator[dict[str, Any]]:
    ensure_personas()
    site = live_server.url.replace("127.0.0.1", "localhost")
    provider = site.replace("localhost", "127.0.0.1")
    Application.objects.create(
        name="Almen (test)",
        client_id="almen-test",
        client_secret=CLIENT_SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        algorithm=Application.RS256_ALGORITHM,
        redirect_uris=f"{site}/konto/oidc/{PROVIDER_ID}/login/callback/",
        skip_authorization=True,
    )
    providers = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": PROVIDER_ID,
                    "name": "MitID (test)",
                    "client_id": "almen-test",
                    "secret": CLIENT_SECRET,
                    "settings": {
                        "server_url": f"{provider}/test-oidc",
                        "scope": ["openid", "email", "profile"],
                    },
                }
            ],
        }
    }
    with override_settings(
        ROOT_URLCONF="almen.accounts.tests.oidc_urls", SOCIALACCOUNT_PROVIDERS=providers
    ):
        yield {"site": site, "provider": provider}
    oidc_provider.VOUCHED_EMAILS.clear()


def _browser_logged_in_at_provider(provider: str, user: User) -> requests.Session:
    """A browser that has logged in at the provider (its own session, its own host)."""
    client = Client()
    client.force_login(user)
    browser = requests.Session()
    browser.cookies.set("sessionid", client.cookies["sessionid"].value, domain="127.0.0.1")
    return browser


def _log_in_via_provider(browser: requests.Session, site: str) -> requests.Response:
    start = f"{site}/konto/oidc/{PROVIDER_ID}/login/"
    page = browser.get(start)
    assert page.status_code == 200, page.text
    assert "Log ind med MitID (test)" in page.text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token
    # Continue → provider's /authorize → back to Almen's callback, which fetches the
    # token, the signing keys and the userinfo from the provider over HTTP.
    return browser.post(start, data={"csrfmiddlewaretoken": token.group(1)}, timeout=30)


def _logged_in_user(browser: requests.Session, site: str) -> str:
    home = browser.get(f"{site}/")
    match = re.search(r"<h1>Hej ([^<]+)</h1>", home.text)
    return match.group(1) if match else ""


def test_login_page_offers_the_provider(oidc: dict[str, Any]) -> None:
    page = requests.get(f"{oidc['site']}/konto/login/", timeout=10)
    assert f"/konto/oidc/{PROVIDER_ID}/login/" in page.text
    assert "Log ind med MitID" in page.text


def test_known_email_from_provider_logs_in_the_almen_user(oidc: dict[str, Any]) -> None:
    resident = personas()["resident_a"].user
    assert resident is not None
    browser = _browser_logged_in_at_provider(oidc["provider"], resident)

    response = _log_in_via_provider(browser, oidc["site"])

    assert response.status_code == 200
    assert response.url.rstrip("/") == oidc["site"], response.url
    assert _logged_in_user(browser, oidc["site"]) == resident.get_short_name()
    assert resident.socialaccount_set.filter(provider=PROVIDER_ID).exists()  # type: ignore[attr-defined]


def test_unknown_email_from_provider_is_refused(oidc: dict[str, Any]) -> None:
    resident = personas()["resident_b"].user
    assert resident is not None
    oidc_provider.VOUCHED_EMAILS[resident.pk] = "ukendt.person@example.com"
    browser = _browser_logged_in_at_provider(oidc["provider"], resident)
    users_before = User.objects.count()

    response = _log_in_via_provider(browser, oidc["site"])

    assert "Du har ingen konto i Almen" in response.text
    assert _logged_in_user(browser, oidc["site"]) == ""
    assert User.objects.count() == users_before
    assert not User.objects.filter(email="ukendt.person@example.com").exists()
