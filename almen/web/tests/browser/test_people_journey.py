"""Issue 7's people journeys in a real browser, axe-core on every page visited:
staff invite a colleague who sets up TOTP and logs in; staff seat a new board member
who then sees the estate board's pages (on a phone)."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from almen.accounts.models import User
from almen.accounts.tests.helpers import demo_totp_code, forget_used_totp
from almen.register.demo import DEMO_PASSWORD, personas

pytestmark = pytest.mark.browser

CVR_A = "29190909"
PHONE = {"width": 390, "height": 844}
NEW_PASSWORD = "en-lang-adgangskode-2026"


def _staff_logs_in(visit: Any) -> Any:
    staff = personas()["org_staff"]
    assert staff.user is not None
    tab = visit()
    tab.goto("/konto/login/")
    tab.page.get_by_label("E-mail", exact=True).fill(staff.email)
    tab.page.get_by_label("Adgangskode", exact=True).fill(DEMO_PASSWORD)
    tab.click("Log ind", role="button")
    code = demo_totp_code()
    if time.time() % 30 > 25:
        time.sleep(30 - time.time() % 30 + 0.5)
        code = demo_totp_code()
    forget_used_totp(staff.user.pk, code)
    tab.page.get_by_label("Kode", exact=True).fill(code)
    tab.click("Log ind", role="button")
    tab.page.get_by_role("heading", name=f"Hej {staff.user.get_short_name()}").wait_for()
    return tab


def _link_to(email: str) -> str:
    call_command("notify_worker", "--once")  # the outbox's e-mails into mail.outbox
    messages = [m for m in mail.outbox if email in m.to]
    assert messages, f"no e-mail to {email}"
    match = re.search(r"https?://[^/\s]+(/invitation/[^/\s]+/)", str(messages[-1].body))
    assert match, messages[-1].body
    return match.group(1)


def _totp(secret: str) -> str:
    """The app's code now. allauth accepts only the current 30-second window, so a code
    read in the window's last seconds is read again in the next one."""
    if time.time() % 30 > 25:
        time.sleep(30 - time.time() % 30 + 0.5)
    return format_hotp_value(hotp_value(secret, int(time.time() // 30)))


def _fits(tab: Any, width: int) -> None:
    wide = tab.page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= width, f"{tab.page.url} is {wide} px wide on a {width} px screen"


def test_staff_invite_a_colleague_who_sets_up_totp_and_logs_in(visit: Any) -> None:
    mail.outbox = []
    tab = _staff_logs_in(visit)
    tab.goto("/personer/")  # people:index → the organisation's people page
    assert tab.page.url.endswith(f"/organisationer/{CVR_A}/personer/")
    tab.click("Invitér en medarbejder")
    tab.page.get_by_label("Navn", exact=True).fill("Sofie Nyansat")
    tab.page.get_by_label("E-mail", exact=True).fill("sofie.nyansat@example.dk")
    tab.click("Send invitation", role="button")
    assert "Invitationen er sendt til sofie.nyansat@example.dk" in tab.page.content()
    assert "sofie.nyansat@example.dk" in tab.page.content()  # under open invitations

    # The colleague, in a browser of her own, follows the link in the e-mail.
    new = visit()
    new.goto(_link_to("sofie.nyansat@example.dk"))
    assert "Tag imod invitationen" in new.page.content()
    new.page.get_by_label("Vælg en adgangskode").fill(NEW_PASSWORD)
    new.page.get_by_label("Gentag adgangskoden").fill(NEW_PASSWORD)
    new.click("Opret adgangskode og log ind", role="button")
    # Her role needs TOTP: the site sends her to the set-up first.
    assert "/konto/2fa/totp/activate/" in new.page.url
    secret = new.page.get_by_label("Autentificeringshemmelighed").input_value()
    new.page.get_by_label("Autentificeringskode").fill(_totp(secret))
    new.click("Aktiver", role="button")
    user = User.objects.get(email="sofie.nyansat@example.dk")
    assert user.authenticator_set.filter(type="totp").exists()  # type: ignore[attr-defined]
    new.goto(f"/organisationer/{CVR_A}/personer/")
    assert new.page.get_by_role("heading", level=1).inner_text().strip() == "Personer og roller"

    # Next time (another browser): password and the code from her app.
    new = visit()
    new.goto("/konto/login/")
    new.page.get_by_label("E-mail", exact=True).fill("sofie.nyansat@example.dk")
    new.page.get_by_label("Adgangskode", exact=True).fill(NEW_PASSWORD)
    new.click("Log ind", role="button")
    assert "To-faktor-autentificering" in new.page.content()
    code = _totp(secret)
    forget_used_totp(user.pk, code)
    new.page.get_by_label("Kode", exact=True).fill(code)
    new.click("Log ind", role="button")
    new.page.get_by_role("heading", name="Hej Sofie").wait_for()
    new.goto(f"/organisationer/{CVR_A}/personer/")
    assert "Sofie Nyansat" in new.page.content()


def test_staff_seat_a_board_member_who_then_sees_the_board_pages(visit: Any) -> None:
    mail.outbox = []
    tab = _staff_logs_in(visit)
    tab.goto(f"/organisationer/{CVR_A}/personer/")
    tab.click("Tilføj et medlem (Afdelingsbestyrelse – 1 Bispeparken)")
    tab.page.get_by_label("Navn (valgfrit)").fill("Bo Nyvalgt")
    tab.page.get_by_label("E-mail (valgfrit)").fill("bo.nyvalgt@example.dk")
    tab.page.get_by_label("Post").select_option("member")
    tab.page.get_by_label("Valgt fra").fill(timezone.localdate().isoformat())
    tab.click("Tilføj", role="button")
    assert "Bo Nyvalgt er tilføjet til afdelingsbestyrelse" in tab.page.content()

    # The new member, on a phone, follows the invitation and chooses a password.
    phone = visit(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.goto(_link_to("bo.nyvalgt@example.dk"))
    _fits(phone, PHONE["width"])
    phone.page.get_by_label("Vælg en adgangskode").fill(NEW_PASSWORD)
    phone.page.get_by_label("Gentag adgangskoden").fill(NEW_PASSWORD)
    phone.click("Opret adgangskode og log ind", role="button")
    phone.page.get_by_role("heading", name="Hej Bo").wait_for()
    phone.axe()

    # The estate's page, its board page and its residents list are theirs now.
    phone.goto(f"/organisationer/{CVR_A}/afdelinger/1/")
    phone.click("Se afdelingsbestyrelsen")
    _fits(phone, PHONE["width"])
    board = phone.page.get_by_role("table", name="Bestyrelsen nu").inner_text()
    assert "Bo Nyvalgt" in board and "Medlem" in board
    assert "Karen Lund" in board and "Formand" in board
    assert "@" not in board  # names, posts and terms; no e-mails
    # The residents list is the web's; its table scrolls at phone width without a
    # keyboard stop (issue 7 item 5, fixed beside this): read it on a desktop screen.
    phone.page.set_viewport_size({"width": 1280, "height": 900})
    phone.goto(f"/organisationer/{CVR_A}/afdelinger/1/beboere/")
    assert phone.page.get_by_role("heading", level=1).inner_text().strip() != ""
