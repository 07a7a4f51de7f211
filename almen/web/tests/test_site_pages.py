"""The site pages: the accessibility statement, the privacy policy, the cookie
statement, the status page and each organisation's contact page (decision 0026)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from almen.audit.models import AuditEntry
from almen.register.models import Organisation

pytestmark = pytest.mark.django_db

ORG_A = "29190909"
ORG_C = "27182818"  # the demo's organisation without contact details


def _english() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize(
    ("name", "danish", "english"),
    [
        ("web:accessibility", "Tilgængelighedserklæring", "Accessibility statement"),
        ("web:privacy", "Privatlivspolitik", "Privacy policy"),
        ("web:cookies", "Cookies", "Cookies"),
        ("web:status", "Driftsstatus", "Service status"),
    ],
)
def test_site_page_in_danish_and_english(
    cast: object, name: str, danish: str, english: str
) -> None:
    response = Client().get(reverse(name))
    assert response.status_code == 200
    assert f"<h1>{danish}</h1>" in response.text
    response = _english().get(reverse(name))
    assert response.status_code == 200
    assert f"<h1>{english}</h1>" in response.text


def test_footer_links_to_every_site_page(cast: object) -> None:
    html = Client().get("/").text
    for name in ("web:accessibility", "web:privacy", "web:cookies", "web:status"):
        assert f'href="{reverse(name)}"' in html, name
    assert f'href="{reverse("web:organisation_list")}">Kontakt din boligorganisation' in html


def test_accessibility_statement_has_the_public_sector_parts() -> None:
    html = Client().get(reverse("web:accessibility")).text
    for part in (
        "Hvad erklæringen gælder for",
        "Overholdelsesstatus",
        "WCAG 2.1 på niveau AA",
        "EN 301 549",
        "axe-core",
        "telefonbredde",
        "tastaturet",
        "Skærmlæser",
        "Kendte mangler",
        "Feedback og kontakt",
        "Digitaliseringsstyrelsen",
        "digst.dk/digital-inklusion/webtilgaengelighed",
        "1. december 2026",
    ):
        assert part in html, part


@override_settings(SITE_CONTACT_EMAIL="was@almen.example.dk", SITE_CONTACT_PHONE="33 12 34 56")
def test_accessibility_statement_names_the_operators_contact() -> None:
    html = Client().get(reverse("web:accessibility")).text
    assert 'href="mailto:was@almen.example.dk"' in html
    assert 'href="tel:33123456"' in html


def test_privacy_policy_says_who_what_why_how_long_and_rights() -> None:
    html = Client().get(reverse("web:privacy")).text
    for part in (
        "Den boligorganisation, du hører til, er dataansvarlig",
        "Almen er databehandler",
        "aldrig dit CPR-nummer",
        "artikel 6, stk. 1",
        "referatet af det næste ordinære afdelingsmøde",
        "slettes 30 dage efter importen",
        "indsigt",
        "berigtigelse",
        "sletning",
        "indsigelse",
        "Datatilsynet",
    ):
        assert part in html, part


@override_settings(PRIVACY_MOVED_OUT_RETENTION_DAYS=90, IMPORT_FILE_RETENTION_DAYS=7)
def test_privacy_policy_states_the_configured_retention() -> None:
    html = Client().get(reverse("web:privacy")).text
    assert "fødselsår 90 dage efter fraflytningen" in html
    assert "slettes 7 dage efter importen" in html
    assert "næste ordinære afdelingsmøde" not in html


def test_cookie_statement_lists_the_cookies_the_settings_name() -> None:
    html = Client().get(reverse("web:cookies")).text
    for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "django_language"):
        assert f'<code lang="en">{name}</code>' in html, name
    assert "højst 2 uger" in html  # SESSION_COOKIE_AGE
    assert "1 år" in html  # CSRF_COOKIE_AGE
    assert "samtykke" in html


@override_settings(LANGUAGE_COOKIE_NAME="almen_sprog", SESSION_COOKIE_AGE=3 * 86400)
def test_cookie_statement_follows_the_settings() -> None:
    html = Client().get(reverse("web:cookies")).text
    assert '<code lang="en">almen_sprog</code>' in html
    assert "django_language" not in html
    assert "højst 3 dage" in html


def test_status_page_reports_each_part_and_healthz_stays_json() -> None:
    response = Client().get(reverse("web:status"))
    assert response.status_code == 200
    assert "Almen kører normalt" in response.text
    for part in ("Databasen svarer.", "Mellemlageret svarer.", "Ingen job venter."):
        assert part in response.text
    health = Client().get("/healthz")
    assert health.json() == {"status": "ok", "database": "ok"}


def test_status_page_reports_a_late_queue_in_plain_language() -> None:
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="almen.imports.tasks.import_run_process",
        backend_name="default",
        run_after=timezone.now() - dt.timedelta(hours=1),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=45)
    )
    response = Client().get(reverse("web:status"))
    assert response.status_code == 503
    assert "Almen har problemer lige nu" in response.text
    assert "1 job venter; det ældste har ventet 45 min." in response.text
    assert "baggrundsjob kan være forsinkede" in response.text


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}})
def test_status_page_reports_a_cache_that_does_not_answer() -> None:
    response = Client().get(reverse("web:status"))
    assert response.status_code == 503
    assert "Mellemlageret svarer ikke" in response.text


# --- contact per organisation ---------------------------------------------------------


def test_contact_page_shows_the_organisations_details(cast: object) -> None:
    html = Client().get(reverse("web:organisation_contact", args=[ORG_A])).text
    assert "<h1>Kontakt Boligselskabet Fællesbo</h1>" in html
    assert 'href="mailto:kontakt@faellesbo.almen.demo"' in html
    assert 'href="tel:33123456"' in html
    assert "Mandag–torsdag 9–15" in html
    assert "Ret kontaktoplysninger" not in html  # only its staff edit


def test_contact_page_without_details_says_so(cast: object) -> None:
    html = Client().get(reverse("web:organisation_contact", args=[ORG_C])).text
    assert Organisation.objects.get(cvr=ORG_C).address in html
    assert "har ikke skrevet sin e-mail eller sit telefonnummer" in html
    assert "mailto:" not in html


def test_contact_page_for_an_unknown_organisation_is_404(cast: object) -> None:
    assert Client().get(reverse("web:organisation_contact", args=["12345678"])).status_code == 404


def test_staff_edit_the_contact_details_audited(client_for) -> None:
    client = client_for("org_staff")
    url = reverse("web:organisation_contact_edit", args=[ORG_A])
    assert (
        "Ret kontaktoplysninger"
        in client.get(reverse("web:organisation_contact", args=[ORG_A])).text
    )
    response = client.post(
        url,
        {
            "address": "Rådhuspladsen 1",
            "postal_code": "1550",
            "city": "København V",
            "contact_email": "ny@faellesbo.dk",
            "contact_phone": "70 10 20 30",
            "website": "https://www.faellesbo.dk",
            "opening_hours": "Hverdage 9–15",
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(cvr=ORG_A)
    assert organisation.contact_email == "ny@faellesbo.dk"
    assert organisation.postal_code == "1550"
    entry = AuditEntry.objects.filter(object_type="register.organisation").latest("pk")
    assert entry.action == "update"
    assert entry.before is not None and entry.after is not None
    assert entry.before["contact_email"] == "kontakt@faellesbo.almen.demo"
    assert entry.after["contact_email"] == "ny@faellesbo.dk"
    page = client.get(reverse("web:organisation_contact", args=[ORG_A])).text
    assert "Kontaktoplysningerne er gemt." in page
    assert "1550 København V" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postal_code", "12", "Postnummeret skal være 4 cifre."),
        ("contact_phone", "ring til Mette", "Skriv telefonnummeret med cifre"),
        ("contact_email", "ikke en adresse", "Indtast en gyldig e-mail-adresse."),
        ("opening_hours", "x" * 301, "højst have 300 tegn"),
    ],
)
def test_bad_contact_details_are_refused_in_danish(
    client_for, field: str, value: str, message: str
) -> None:
    client = client_for("org_staff")
    before = Organisation.objects.values().get(cvr=ORG_A)
    entries = AuditEntry.objects.count()
    response = client.post(
        reverse("web:organisation_contact_edit", args=[ORG_A]),
        {"contact_email": "ok@faellesbo.dk", field: value},
    )
    assert response.status_code == 400
    assert message in response.text
    assert "form-error-message" in response.text
    assert Organisation.objects.values().get(cvr=ORG_A) == before
    assert AuditEntry.objects.count() == entries
