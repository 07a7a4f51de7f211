"""The journeys people take, in a real browser, with axe-core on every page visited."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from almen.accounts.tests.helpers import demo_totp_code, forget_used_totp, login_code_from_outbox
from almen.register.demo import DEMO_PASSWORD, personas

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


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
    tab.click_menu("Boligorganisationer")
    tab.click("Boligselskabet Fællesbo")
    tab.click("Bispeparken")
    assert "Bispeparken" in tab.page.get_by_role("heading", level=1).inner_text()
