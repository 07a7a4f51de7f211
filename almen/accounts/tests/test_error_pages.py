"""Error pages in the project's look, in Danish and English (a resident must never
meet a bare English "403 Forbidden")."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from almen.register.demo import Persona

pytestmark = pytest.mark.django_db

LOOK = ('class="header almen-header"', "dkfds.min.css", 'class="almen-error"')


def _assert_house_style(html: str) -> None:
    for marker in LOOK:
        assert marker in html, marker


@pytest.mark.parametrize(
    ("language", "heading"), [("da", "Siden findes ikke"), ("en", "Page not found")]
)
def test_404_page(client: Client, language: str, heading: str) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # the header's switch
    response = client.get("/findes-ikke/")
    assert response.status_code == 404
    html = response.content.decode()
    _assert_house_style(html)
    assert heading in html
    assert f'<html lang="{language}">' in html


@pytest.mark.parametrize(
    ("language", "heading"),
    [("da", "Du har ikke adgang til denne side"), ("en", "You do not have access to this page")],
)
def test_403_page_for_a_resident(client_for, language: str, heading: str) -> None:
    client = client_for("resident_a")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("web:audit_log", args=["29190909"]))
    assert response.status_code == 403
    html = response.content.decode()
    _assert_house_style(html)
    assert heading in html
    assert "Forbidden" not in html


@pytest.mark.parametrize(
    ("language", "text"),
    [("da", "Formularen kunne ikke sendes"), ("en", "The form could not be sent")],
)
def test_csrf_failure_page(cast: dict[str, Persona], language: str, text: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(
        reverse("account_login"), {"login": cast["estate_board_a"].email, "password": "x"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    _assert_house_style(html)
    assert text in html
    assert "CSRF verification failed" not in html


@pytest.mark.parametrize(
    ("language", "heading"),
    [("da", "Forkert forespørgsel"), ("en", "Bad request")],
)
def test_400_page(client: Client, language: str, heading: str) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/", HTTP_HOST="ukendt.example")
    assert response.status_code == 400
    html = response.content.decode()
    _assert_house_style(html)
    assert heading in html


@pytest.mark.parametrize(
    ("language", "heading"),
    [("da", "Der opstod en fejl hos os"), ("en", "Something went wrong on our side")],
)
def test_500_page(language: str, heading: str) -> None:
    request = RequestFactory().get("/")
    with translation.override(language):
        response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    _assert_house_style(html)
    assert heading in html
    assert f'<html lang="{language}">' in html


def test_500_page_renders_without_a_static_manifest(settings, tmp_path) -> None:
    """Production serves static files through a manifest; a 500 page that looked its
    files up there failed again (a second 500, Django's bare page) whenever the manifest
    lacked an entry. The 500 page links the unhashed files, which collectstatic keeps."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    from django.contrib.staticfiles.storage import staticfiles_storage

    staticfiles_storage._wrapped = None  # type: ignore[attr-defined]  # the new backend
    try:
        response = server_error(RequestFactory().get("/"))
    finally:
        staticfiles_storage._wrapped = None  # type: ignore[attr-defined]
    assert response.status_code == 500
    _assert_house_style(response.content.decode())
