"""In the browser: organisation staff adds minutes to a goal, sees them listed, tries a
disguised file (refused with a message), and removes the minutes after the
confirmation — axe-core on every page, at desktop and phone width."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from almen.attachments.tests import files
from almen.web.tests.browser.test_goal_journey import _login_staff

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 375, "height": 740}]
)
def test_staff_adds_and_removes_minutes(visit, site: str, tmp_path: Path, viewport: Any) -> None:
    from almen.goals.testing import matrix_goal_create

    goal = matrix_goal_create()
    tab = visit(viewport=viewport)
    _login_staff(tab)
    tab.goto(f"/maal/{goal.public_id}/")
    page = tab.page
    minutes = tmp_path / "Referat marts.pdf"
    minutes.write_bytes(files.PDF)
    page.get_by_label("Hvad er det?").select_option("referat")
    page.get_by_label("Fil", exact=True).set_input_files(str(minutes))
    tab.click("Læg op", role="button")
    assert page.url.endswith(f"/maal/{goal.public_id}/#bilag")
    row = page.get_by_role("row").filter(has_text="Referat marts.pdf")
    assert "Referat" in row.inner_text()
    # A list that scrolls sideways gets a named, keyboard-reachable region from site.js;
    # Visit checks page width, 0x0 controls and axe (scrollable-region-focusable).

    # A program renamed .pdf: refused, said plainly, nothing listed.
    fake = tmp_path / "faktura.pdf"
    fake.write_bytes(files.EXE)
    page.get_by_label("Fil", exact=True).set_input_files(str(fake))
    tab.click("Læg op", role="button")
    assert "indholdet er ikke en PDF-fil" in page.locator(".form-error-message").inner_text()
    assert page.get_by_role("link", name="faktura.pdf").count() == 0

    tab.goto(f"/maal/{goal.public_id}/")
    tab.click("Slet Referat marts.pdf")
    page.get_by_role("heading", name="Slet bilag").wait_for()
    tab.click("Ja, slet bilaget", role="button")
    assert page.get_by_role("link", name="Referat marts.pdf").count() == 0
