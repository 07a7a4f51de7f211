"""Playwright on Debian's Chromium against pytest-django's live server.

Without /usr/bin/chromium the journeys are skipped — unless ALMEN_REQUIRE_BROWSER is
set (CI sets it), in which case they fail, so CI can never pass without running them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from almen.accounts.tests.live import ensure_personas

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# The live server runs in this process, in a thread; Playwright's sync API holds an
# event loop in the main thread, which Django would otherwise refuse to share.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("ALMEN_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing and ALMEN_REQUIRE_BROWSER is set")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def site(live_server: Any, transactional_db: None) -> str:
    ensure_personas()
    return str(live_server.url)


# Every journey runs twice: at a desktop width and at a phone's (DKFDS's mobile menu
# takes over below 992 px). A journey that asks for its own viewport runs once.
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
WIDTHS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": DESKTOP},
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
}

# What a person can reach with Tab; each must be on the screen with a size (a 0×0
# checkbox can be ticked by nobody who cannot see it), and no page may be wider than
# the window (a phone would scroll the whole page sideways).
LAYOUT_CHECK = """() => {
  const focusable = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[tabindex]:not([tabindex="-1"])';
  const bad = [];
  for (const el of document.querySelectorAll(focusable)) {
    if (el.disabled || el.closest('[hidden], [inert]')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    if (el.offsetParent === null && style.position !== 'fixed') continue;  // not displayed
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) {
      bad.push(el.outerHTML.slice(0, 160));
    }
  }
  return {bad, scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth};
}"""


class Visit:
    """A browser tab that checks each page it lands on: axe-core (0 violations), no
    focusable control of 0×0 px, and nothing wider than the window."""

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
        assert not violations, f"axe on {self.page.url} ({self.width} px):\n" + "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} → "
            + "; ".join(", ".join(n["target"]) for n in v["nodes"])
            for v in violations
        )
        self.layout()

    @property
    def width(self) -> int:
        return int(self.page.viewport_size["width"])

    def layout(self) -> None:
        found = self.page.evaluate(LAYOUT_CHECK)
        assert not found["bad"], (
            f"0×0 controls on {self.page.url} ({self.width} px): {found['bad']}"
        )
        assert found["scrollWidth"] <= found["width"], (
            f"{self.page.url} is {found['scrollWidth']} px wide in a {found['width']} px window"
        )

    def goto(self, path: str) -> None:
        self.page.goto(f"{self.site}{path}")
        self.axe()

    def click(self, name: str, role: str = "link") -> None:
        self.page.get_by_role(role, name=name, exact=True).first.click()
        self.page.wait_for_load_state()
        self.axe()

    # --- keyboard only: reach each control with Tab, act with the keyboard -----------
    def tab_to(self, locator: Any, limit: int = 150) -> None:
        """Press Tab until ``locator`` has the focus: proves it is reachable by
        keyboard in the page's order (fails after ``limit`` presses)."""
        target = locator.first.element_handle()
        assert target is not None, f"nothing matches {locator}"
        for _ in range(limit):
            if self.page.evaluate("(el) => document.activeElement === el", target):
                return
            self.page.keyboard.press("Tab")
        raise AssertionError(f"{locator} is not reachable by Tab on {self.page.url}")

    def key_fill(self, label: str, text: str) -> None:
        field = self.page.get_by_label(label, exact=True)
        self.tab_to(field)
        self.page.keyboard.press("ControlOrMeta+A")
        self.page.keyboard.type(text)

    def key_activate(self, name: str, role: str = "button") -> None:
        """Tab to the link or button and press Enter; check the page it leads to."""
        self.tab_to(self.page.get_by_role(role, name=name, exact=True))
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        self.page.wait_for_load_state()
        self.axe()

    def open_menu(self) -> None:
        """On a phone the main menu is in DKFDS's drawer: open it first."""
        if self.width < 992:
            self.page.get_by_role("button", name="Menu", exact=True).click()
            self.page.locator(".mobile-drawer.is-visible").wait_for()

    def click_menu(self, name: str) -> None:
        """Follow a main-menu link, at any width."""
        self.open_menu()
        scope = ".mobile-drawer" if self.width < 992 else ".navigation-menu"
        self.page.locator(scope).get_by_role("link", name=name, exact=True).click()
        self.page.wait_for_load_state()
        self.axe()


@pytest.fixture(params=sorted(WIDTHS))
def width(request: Any) -> str:
    return str(request.param)


@pytest.fixture
def visit(browser: Any, site: str, width: str) -> Iterator[Any]:
    def make(**options: Any) -> Visit:
        if "viewport" in options and width == "phone":
            pytest.skip("this journey sets its own viewport; it runs once")
        context = browser.new_context(locale="da-DK", **{**WIDTHS[width], **options})
        contexts.append(context)
        return Visit(context.new_page(), site)

    contexts: list[Any] = []
    yield make
    for context in contexts:
        context.close()
