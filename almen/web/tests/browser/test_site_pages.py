"""The site pages in a real browser, at desktop and at phone width, with axe-core on
every page visited (Visit): reached from the footer, in Danish and after switching to
English, and the organisation's contact page as its staff edit it."""

from __future__ import annotations

from typing import Any

import pytest

from almen.accounts.tests.helpers import demo_totp_code, forget_used_totp
from almen.register.demo import DEMO_PASSWORD, personas

pytestmark = pytest.mark.browser

# The phone pass sets its own viewport (a shared phone mode may replace this later).
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP: dict[str, Any] = {}
SIZES = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])

FOOTER = {
    "Tilgængelighedserklæring": "Tilgængelighedserklæring",
    "Privatlivspolitik": "Privatlivspolitik",
    "Cookies": "Cookies",
    "Driftsstatus": "Driftsstatus",
    "Kontakt din boligorganisation": "Boligorganisationer",
}


def _fits(tab: Any) -> None:
    """No page is wider than the viewport (nothing scrolls sideways)."""
    wide = tab.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{tab.page.url} is {wide}px wider than the viewport"


def _footer(tab: Any, name: str) -> None:
    tab.page.locator("footer").get_by_role("link", name=name, exact=True).click()
    tab.page.wait_for_load_state()
    tab.axe()


@SIZES
def test_every_site_page_from_the_footer(visit: Any, size: dict[str, Any]) -> None:
    tab = visit(**size)
    tab.goto("/")
    for link, heading in FOOTER.items():
        _footer(tab, link)
        assert tab.page.get_by_role("heading", level=1).inner_text().strip() == heading
        _fits(tab)
    tab.click("Boligselskabet Fællesbo")
    tab.click("Kontakt")
    assert "kontakt@faellesbo.almen.demo" in tab.page.content()
    _fits(tab)
    tab.goto("/organisationer/27182818/kontakt/")  # no e-mail or phone yet
    assert "har ikke skrevet sin e-mail" in tab.page.content()
    _fits(tab)


@SIZES
def test_site_pages_in_english_after_the_switch(visit: Any, size: dict[str, Any]) -> None:
    tab = visit(**size)
    tab.goto("/tilgaengelighed/")
    menu = tab.page.get_by_role("button", name="Menu", exact=True)
    if menu.is_visible():  # on a phone the switch is in the menu drawer
        menu.click()
    tab.page.locator("button:visible", has_text="English").first.click()
    assert tab.page.get_by_role("heading", level=1).inner_text().strip() == (
        "Accessibility statement"
    )
    assert tab.page.locator("html").get_attribute("lang") == "en"
    for path, heading in (
        ("/privatliv/", "Privacy policy"),
        ("/cookies/", "Cookies"),
        ("/status/", "Service status"),
        ("/organisationer/29190909/kontakt/", "Contact Boligselskabet Fællesbo"),
    ):
        tab.goto(path)  # the choice is remembered for the session
        assert tab.page.get_by_role("heading", level=1).inner_text().strip() == heading
        _fits(tab)


@SIZES
def test_staff_edit_the_contact_page(visit: Any, size: dict[str, Any]) -> None:
    staff = personas()["org_staff"]
    assert staff.user is not None
    tab = visit(**size)
    tab.goto("/konto/login/")
    tab.page.get_by_label("E-mail", exact=True).fill(staff.email)
    tab.page.get_by_label("Adgangskode", exact=True).fill(DEMO_PASSWORD)
    tab.click("Log ind", role="button")
    code = demo_totp_code()
    forget_used_totp(staff.user.pk, code)
    tab.page.get_by_label("Kode", exact=True).fill(code)
    tab.click("Log ind", role="button")
    tab.page.get_by_role("heading", name=f"Hej {staff.user.get_short_name()}").wait_for()

    tab.goto("/organisationer/29190909/kontakt/")
    tab.click("Ret kontaktoplysninger")
    _fits(tab)
    tab.page.get_by_label("Postnummer").fill("12")
    tab.click("Gem kontaktoplysninger", role="button")
    assert "Postnummeret skal være 4 cifre." in tab.page.content()  # axe ran on the errors
    _fits(tab)
    tab.page.get_by_label("Postnummer").fill("2400")
    tab.page.get_by_label("By").fill("København NV")
    tab.click("Gem kontaktoplysninger", role="button")
    assert "Kontaktoplysningerne er gemt." in tab.page.content()
    assert "2400 København NV" in tab.page.content()
