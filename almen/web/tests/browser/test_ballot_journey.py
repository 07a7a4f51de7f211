"""Issue 9's journey, on a phone and by keyboard alone: after an afdelingsmøde that
decided to let the vote on new balconies go on digitally, a resident who was not in the
hall logs in and votes from the phone, and sees the tracker code; at the meeting the
estate board typed in the hall's ballot papers and the organisation's staff checked
them (four eyes); after the close the staff counts and publishes the result, which is a
decision in the register, and the resident finds the code on the bulletin. axe-core
runs on every page on the way (``Visit``)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from almen.accounts.tests.helpers import (
    demo_totp_code,
    forget_used_totp,
    login_code_from_outbox,
)
from almen.democracy import ballots_services, hall_services, services
from almen.democracy.models import (
    AgendaKind,
    Ballot,
    BallotKind,
    BallotPurpose,
    BallotState,
    Decision,
    Forum,
    Meeting,
    MeetingKind,
    Outcome,
    Participation,
)
from almen.lib.visibility import Visibility
from almen.register.demo import DEMO_PASSWORD, personas
from almen.register.models import Estate, Household, Resident

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
TITLE = "Nye altaner"


@pytest.fixture
def meeting(site: str) -> Meeting:
    estate = Estate.objects.select_related("organisation").get(
        organisation__cvr="29190909", number=1
    )
    starts = (timezone.now() + dt.timedelta(days=30)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    meeting = services.meeting_create(
        actor=None,
        organisation=estate.organisation,
        estate=estate,
        kind=MeetingKind.ORDINARY,
        title="Ordinært afdelingsmøde 2026",
        starts_at=starts,
        place="Fælleshuset, Bispeparken 2",
    )
    services.notice_publish(actor=None, meeting=meeting)
    return meeting


def _at_the_meeting(meeting: Meeting) -> Ballot:
    """In the hall: three households (not resident_a's) check in, and the meeting
    decides that the vote on balconies goes on digitally for five days."""
    estate = meeting.estate
    assert estate is not None
    own = Resident.objects.get(user=personas()["resident_a"].user).household_id
    present = (
        Household.objects.active()
        .filter(unit__estate=estate)
        .exclude(pk=own)
        .order_by("unit__number")[:3]
    )
    for household in present:
        hall_services.attendance_checkin(actor=None, meeting=meeting, household=household)
    item = meeting.items.get(kind=AgendaKind.PROPOSALS)
    decision = Decision.objects.create(
        organisation=meeting.organisation,
        estate=estate,
        forum=Forum.RESIDENTS_MEETING,
        meeting=meeting,
        decided_on=timezone.localdate(),
        title="Afstemningen om altaner fortsætter digitalt",
        text="Afdelingsmødet besluttede, at afstemningen om nye altaner fortsætter "
        "digitalt i 5 dage for dem, der ikke var til stede.",
        visibility=Visibility.ORGANISATION,
        published_at=timezone.now(),
    )
    ballot = ballots_services.ballot_create(
        actor=None,
        estate=estate,
        purpose=BallotPurpose.AFTER_MEETING,
        kind=BallotKind.YES_NO,
        title=TITLE,
        question="Skal afdelingen have nye altaner mod en huslejestigning på 3 procent?",
        opens_at=timezone.now(),
        closes_at=timezone.now() + dt.timedelta(days=5),
        authorised_by=decision,
        item=item,
    )
    return ballots_services.ballot_open(actor=None, ballot=ballot)


def _resident_login(tab: Any) -> None:
    resident = personas()["resident_a"]
    mail.outbox = []
    tab.goto("/konto/login/")
    if not tab.page.get_by_label("Din e-mailadresse", exact=True).count():
        return  # still logged in
    tab.key_fill("Din e-mailadresse", resident.email)
    tab.key_activate("Send mig en engangskode")
    tab.key_fill("Kode", login_code_from_outbox(resident.email))
    tab.key_activate("Bekræft")


def _password_login(tab: Any, key: str) -> None:
    persona = personas()[key]
    assert persona.user is not None
    tab.goto("/konto/login/")
    if not tab.page.get_by_label("E-mail", exact=True).count():
        return  # still logged in
    tab.key_fill("E-mail", persona.email)
    tab.key_fill("Adgangskode", DEMO_PASSWORD)
    tab.key_activate("Log ind")
    if key == "org_staff":
        code = demo_totp_code()
        forget_used_totp(persona.user.pk, code)
        tab.key_fill("Kode", code)
        tab.key_activate("Log ind")


def test_a_resident_votes_by_phone_the_hall_is_counted_with_four_eyes_and_the_result_is_a_decision(
    visit: Any, meeting: Meeting
) -> None:
    evening = timezone.localtime(meeting.starts_at) + dt.timedelta(hours=2)
    with time_machine.travel(evening, tick=True):
        ballot = _at_the_meeting(meeting)

        # The resident votes from the phone: one step and a confirmation.
        resident = visit(**PHONE)
        _resident_login(resident)
        resident.goto(f"/afstemninger/{ballot.public_id}/")
        resident.key_activate("Stem", role="link")
        assert "2 stemmer tilbage" in resident.page.content()
        resident.tab_to(resident.page.get_by_label("Ja", exact=True))
        resident.page.keyboard.press("Space")
        resident.key_activate("Videre")
        resident.key_activate("Bekræft")
        tracker = resident.page.locator(".almen-tracker").inner_text().strip()
        assert re.fullmatch(r"[2-9A-HJ-NP-Z]{3}-[2-9A-HJ-NP-Z]{3}-[2-9A-HJ-NP-Z]{3}", tracker)
        household = Resident.objects.get(user=personas()["resident_a"].user).household
        assert Participation.objects.get(ballot=ballot, household=household).votes_digital == 2
        # The code is in the answer to the POST, never in an address.
        assert tracker not in resident.page.url

        # The hall's ballot papers: the board types them in, the staff checks them.
        board = visit(**PHONE)
        _password_login(board, "estate_board_a")
        board.goto(f"/afstemninger/{ballot.public_id}/optaelling/")
        board.key_fill("Stemmer på Ja", "4")
        board.key_fill("Stemmer på Nej", "1")
        board.key_fill("Stemmer på Blank", "1")
        board.key_activate("Gem optællingen")
        staff = visit(**PHONE)
        _password_login(staff, "org_staff")
        staff.goto(f"/afstemninger/{ballot.public_id}/optaelling/")
        staff.key_activate("Indtastet, venter på kontrol", role="link")
        staff.key_activate("Tallene passer: godkend")

    # After the close: the staff closes, counts and publishes.
    after = timezone.localtime(ballot.closes_at) + dt.timedelta(hours=1)
    with time_machine.travel(after, tick=True):
        _password_login(staff, "org_staff")  # five days on (if the session ran out)
        staff.goto(f"/afstemninger/{ballot.public_id}/")
        staff.key_activate("Luk afstemningen", role="link")
        staff.key_activate("Ja, luk afstemningen")
        staff.key_activate("Tæl afstemningen op", role="link")
        staff.key_activate("Ja, tæl op")
        staff.key_activate("Offentliggør resultatet", role="link")
        staff.key_activate("Ja, offentliggør resultatet")
        ballot.refresh_from_db()
        assert ballot.state == BallotState.PUBLISHED
        decision = ballot.decision
        assert decision is not None
        assert (decision.votes_for, decision.votes_against, decision.votes_blank) == (6, 1, 1)
        assert decision.outcome == Outcome.ADOPTED
        staff.key_activate("Se beslutningen i beslutningsregistret", role="link")
        assert TITLE in staff.page.locator("main").inner_text()

        # The resident finds the code on the bulletin.
        _resident_login(resident)
        resident.goto(f"/afstemninger/{ballot.public_id}/opslag/")
        resident.key_fill("Din kode", tracker.lower().replace("-", ""))
        resident.key_activate("Find")
        found = resident.page.locator("main").inner_text()
        assert "Din stemme er talt med: Ja (2 stemmer)" in found
