"""The header on a phone: DKFDS's mobile drawer opens and closes by keyboard alone, says
whether it is open, keeps focus inside while open and gives it back when closed."""

from __future__ import annotations

from typing import Any

import pytest

from almen.web.tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser

FOCUSED_IS_MENU_BUTTON = "() => document.activeElement?.classList.contains('js-menu-open')"


def test_mobile_menu_opens_and_closes_by_keyboard(visit: Any, width: str) -> None:
    if width != "phone":
        pytest.skip("the drawer is the phone's menu")
    tab = visit(viewport=PHONE, is_mobile=True, has_touch=True)
    tab.goto("/")
    page = tab.page
    drawer = page.locator("#almen-mobile-drawer")
    button = page.get_by_role("button", name="Menu", exact=True)
    assert not drawer.is_visible()
    assert button.get_attribute("aria-expanded") == "false"

    # The first Tab lands on the skip link, which then shows on the screen.
    page.keyboard.press("Tab")
    skip = page.evaluate(
        "() => { const a = document.activeElement, r = a.getBoundingClientRect();"
        " return [a.className, r.top, r.height, getComputedStyle(a).visibility]; }"
    )
    assert skip[0] == "skipnav" and skip[1] >= 0 and skip[2] > 0 and skip[3] == "visible", skip

    # On from there to the menu button (past the name).
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_IS_MENU_BUTTON):
            break
    assert page.evaluate(FOCUSED_IS_MENU_BUTTON), "the menu button is not reachable by Tab"

    page.keyboard.press("Enter")
    drawer.wait_for(state="visible")
    assert button.get_attribute("aria-expanded") == "true"
    assert page.evaluate("() => !!document.activeElement.closest('#almen-mobile-drawer')")
    assert drawer.get_by_role("link", name="Almene mål", exact=True).is_visible()
    tab.axe()  # the open drawer passes axe and the layout checks too

    # Focus stays in the drawer while it is open.
    for _ in range(12):
        page.keyboard.press("Tab")
        assert page.evaluate("() => !!document.activeElement.closest('#almen-mobile-drawer')")

    page.keyboard.press("Escape")
    drawer.wait_for(state="hidden")
    assert button.get_attribute("aria-expanded") == "false"
    assert page.evaluate(FOCUSED_IS_MENU_BUTTON), "focus did not return to the menu button"

    # And Enter on "Luk" closes it too.
    page.keyboard.press("Enter")
    drawer.wait_for(state="visible")
    page.keyboard.press("Shift+Tab")  # "Luk" is the first stop; Shift+Tab wraps to the last
    page.locator(".js-menu-close").focus()
    page.keyboard.press("Enter")
    drawer.wait_for(state="hidden")
    assert page.evaluate(FOCUSED_IS_MENU_BUTTON)
