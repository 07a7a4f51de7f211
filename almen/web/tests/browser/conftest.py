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
