"""The API documentation page in a real browser: Swagger UI from our own static files
runs under the site's Content-Security-Policy (it used to be blank)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_api_docs_show_the_operations_under_the_csp(visit: Any) -> None:
    tab = visit()
    problems: list[str] = []
    tab.page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.page.on("pageerror", lambda exc: problems.append(str(exc)))
    tab.page.goto(f"{tab.site}/api/v1/docs")
    tab.page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = tab.page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/goals" in [p.replace("\u200b", "") for p in paths]
    assert len(paths) >= 17
    assert not problems, problems
    tab.axe()
    # The open-data download is one click away.
    link = tab.page.get_by_role("link", name="Hent åbne data (zip)")
    assert link.get_attribute("href") == "/api/v1/open-data.zip"
