"""Issue 7's notification journey: staff sets an action's deadline, the person responsible
sees it under "Mine indsatser", the day's reminders are queued and a worker pass sends
them (read from Django's test outbox), and the e-mail's unsubscribe link works in the
browser without logging in — axe-core on every page on the way."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from almen.accounts.tests.helpers import demo_totp_code, forget_used_totp
from almen.goals import services
from almen.goals.models import Action, Commitment, Framework, Goal, GoalStatus
from almen.lib.visibility import Visibility
from almen.notify.models import NotificationPreference
from almen.register.demo import DEMO_PASSWORD, personas
from almen.register.models import Estate

pytestmark = pytest.mark.browser


@pytest.fixture
def action(site: str) -> Action:
    """An estate goal with an action whose responsible person is a board member."""
    board = personas()["estate_board_a"].user
    estate = Estate.objects.get(organisation__cvr="29190909", number=1)
    framework = Framework.objects.current()
    assert framework is not None and board is not None
    goal = services.goal_create(
        actor=None,
        organisation=estate.organisation,
        estate=estate,
        framework=framework,
        title="Flere til afdelingsmødet",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2028, 12, 31),
        commitments=[Commitment.objects.get(cornerstone__framework=framework, code="3.2")],
        status=GoalStatus.ADOPTED,
        visibility=Visibility.ORGANISATION,
    )
    return services.action_create(
        actor=None,
        goals=[goal],
        title="Børnepasning på mødet",
        responsible_user=board,
        due=timezone.localdate() + dt.timedelta(days=60),
    )


def _login(tab: Any, key: str) -> None:
    persona = personas()[key]
    assert persona.user is not None
    tab.goto("/konto/login/")
    tab.page.get_by_label("E-mail", exact=True).fill(persona.email)
    tab.page.get_by_label("Adgangskode", exact=True).fill(DEMO_PASSWORD)
    tab.click("Log ind", role="button")
    if key == "org_staff":
        code = demo_totp_code()
        forget_used_totp(persona.user.pk, code)
        tab.page.get_by_label("Kode", exact=True).fill(code)
        tab.click("Log ind", role="button")
    tab.page.get_by_role("heading", name=f"Hej {persona.user.get_short_name()}").wait_for()


def test_an_assigned_action_is_in_mine_indsatser_and_its_reminder_arrives(
    visit: Any, action: Action
) -> None:
    goal: Goal = action.goals.get()
    today = timezone.localdate()

    # Staff moves the deadline to this week on the action's form.
    staff = visit()
    _login(staff, "org_staff")
    staff.goto(f"/maal/{goal.public_id}/")
    staff.click(action.title)
    staff.page.get_by_label("Frist (valgfrit)").fill(today.isoformat())
    staff.click("Gem indsats", role="button")
    action.refresh_from_db()
    assert action.due == today

    # The person responsible sees it under "Mine indsatser".
    board = visit()
    _login(board, "estate_board_a")
    board.goto("/mine-indsatser/")
    assert action.title in board.page.content()
    assert today.strftime("%d-%m-%Y") in board.page.content()

    # The day's reminders, then one worker pass (writing today's digests first: a
    # deadline this week goes to the daily digest by default).
    mail.outbox = []
    call_command("queue_reminders")
    call_command("notify_worker", "--once", "--digest")
    email = personas()["estate_board_a"].email
    (message,) = [m for m in mail.outbox if email in m.to]
    assert f"Indsatsen har snart frist: {action.title}" in message.body
    assert "/mine-indsatser/" in message.body
    unsubscribe = re.search(r"https?://\S+/konto/beskeder/afmeld/\S+/", str(message.body))
    assert unsubscribe is not None
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe.group(0)}>"

    # The link works in a browser with no login: it asks first, then unsubscribes.
    path = unsubscribe.group(0).split("://", 1)[1].split("/", 1)[1]
    stranger = visit()
    stranger.goto(f"/{path}")
    assert not NotificationPreference.objects.exists()
    stranger.click("Afmeld", role="button")
    assert "Du er afmeldt" in stranger.page.content()
    assert NotificationPreference.objects.get(user__email=email).preference == "off"

    # And the person's own page of choices shows it.
    board.goto("/konto/profil/")
    board.click("Vælg, hvilke e-mails du får fra Almen")
    assert board.page.get_by_role("heading", name="Beskeder", level=1).is_visible()
