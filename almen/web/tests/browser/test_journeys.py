"""The journeys people take, in a real browser, with axe-core on every page visited."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail

from almen.accounts.tests.helpers import demo_totp_code, forget_used_totp, login_code_from_outbox
from almen.register.demo import DEMO_PASSWORD, personas

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


class Visit:
    """A browser tab that runs axe-core on each page it lands on."""

    def __init__(self, page: Any, site: str) -> None:
        self.page = page
        self.site = site
        self.checked: list[str] = []

    def axe(self) -> None:
        # Served as a static file: the site's CSP allows same-origin scripts only.
        self.page.add_script_tag(url=f"{self.site}/static/vendor/axe/axe.min.js")
        result = self.page.evaluate("() => axe.run(document)")
        assert result["passes"], "axe-core did not run"
        violations = result["violations"]
        self.checked.append(self.page.url)
        assert not violations, f"axe on {self.page.url}:\n" + "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} → "
            + "; ".join(", ".join(n["target"]) for n in v["nodes"])
            for v in violations
        )

    def goto(self, path: str) -> None:
        self.page.goto(f"{self.site}{path}")
        self.axe()

    def click(self, name: str, role: str = "link") -> None:
        self.page.get_by_role(role, name=name, exact=True).first.click()
        self.page.wait_for_load_state()
        self.axe()


@pytest.fixture
def visit(browser: Any, site: str) -> Iterator[Any]:
    def make(**options: Any) -> Visit:
        context = browser.new_context(locale="da-DK", **options)
        contexts.append(context)
        return Visit(context.new_page(), site)

    contexts: list[Any] = []
    yield make
    for context in contexts:
        context.close()


def test_resident_logs_in_on_a_phone_with_an_emailed_code(visit: Any) -> None:
    resident = personas()["resident_a"]
    assert resident.user is not None
    estate = resident.user.residencies.get().household.unit.estate
    tab = visit(viewport=PHONE, is_mobile=True, has_touch=True)
    mail.outbox = []

    tab.goto("/")
    tab.click("Log ind")
    tab.page.get_by_label("Din e-mailadresse").fill(resident.email)
    tab.click("Send mig en engangskode", role="button")
    assert "Indtast login-kode" in tab.page.content()

    tab.page.get_by_label("Kode").fill(login_code_from_outbox(resident.email))
    tab.click("Bekræft", role="button")
    tab.page.get_by_role("heading", name=f"Hej {resident.user.get_short_name()}").wait_for()
    assert estate.name in tab.page.content()

    tab.click(estate.name)
    assert tab.page.get_by_role("heading", level=1).inner_text().strip() != ""


def test_staff_logs_in_with_password_and_totp(visit: Any) -> None:
    staff = personas()["org_staff"]
    assert staff.user is not None
    organisation = staff.user.memberships.get().organisation
    assert organisation is not None
    tab = visit()

    tab.goto("/konto/login/")
    tab.page.get_by_label("E-mail", exact=True).fill(staff.email)
    tab.page.get_by_label("Adgangskode", exact=True).fill(DEMO_PASSWORD)
    tab.click("Log ind", role="button")
    assert "To-faktor-autentificering" in tab.page.content()

    code = demo_totp_code()
    forget_used_totp(staff.user.pk, code)
    tab.page.get_by_label("Kode", exact=True).fill(code)
    tab.click("Log ind", role="button")
    tab.page.get_by_role("heading", name=f"Hej {staff.user.get_short_name()}").wait_for()

    tab.goto(f"/organisationer/{organisation.cvr}/")
    assert organisation.name in tab.page.content()
    tab.click("Revisionslog")
    assert re.search(r"/organisationer/\d+/log/", tab.page.url)


def test_anonymous_visitor_browses_to_an_estate(visit: Any) -> None:
    tab = visit()
    tab.goto("/")
    tab.click("Boligorganisationer")
    tab.click("Boligselskabet Fællesbo")
    tab.click("Bispeparken")
    assert "Bispeparken" in tab.page.get_by_role("heading", level=1).inner_text()
