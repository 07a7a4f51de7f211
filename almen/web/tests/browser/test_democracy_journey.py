"""Issue 8's journey, on a phone and by keyboard alone: a resident logs in, reads the
upcoming afdelingsmøde's agenda, hands in a proposal and signs a petition; the estate
board puts the proposal on the agenda; on the meeting day the board checks households
in at the door, records the show of hands on the proposal and publishes the minutes;
the resident reads them. axe-core runs on every page on the way (``Visit``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from almen.accounts.tests.helpers import login_code_from_outbox
from almen.democracy import rules, services
from almen.democracy.models import (
    AgendaItem,
    Meeting,
    MeetingKind,
    Minutes,
    Outcome,
    Petition,
    PetitionSignature,
    Proposal,
    ProposalStatus,
)
from almen.register.demo import DEMO_PASSWORD, personas
from almen.register.models import Estate, Household, Resident

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
PROPOSAL = "Hundeskov ved legepladsen"
PETITION = "Ekstraordinært møde om vaskeriets nye regler"


@pytest.fixture
def meeting(site: str) -> Meeting:
    """Estate A's ordinary meeting in 30 days, noticed, and a petition of a neighbour."""
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
    households = services.roll(meeting).count()
    Petition.objects.create(
        estate=estate,
        topic=PETITION,
        text="Vi vil tale om vaskeriets åbningstider.",
        households_at_start=households,
        threshold=rules.petition_threshold(households),
    )
    return meeting


def _resident_login(tab: Any) -> None:
    resident = personas()["resident_a"]
    mail.outbox = []
    tab.goto("/konto/login/")
    tab.key_fill("Din e-mailadresse", resident.email)
    tab.key_activate("Send mig en engangskode")
    tab.key_fill("Kode", login_code_from_outbox(resident.email))
    tab.key_activate("Bekræft")


def _board_login(tab: Any) -> None:
    board = personas()["estate_board_a"]
    tab.goto("/konto/login/")
    tab.key_fill("E-mail", board.email)
    tab.key_fill("Adgangskode", DEMO_PASSWORD)
    tab.key_activate("Log ind")


def test_a_resident_proposes_and_signs_the_board_runs_the_meeting_and_publishes_minutes(
    visit: Any, meeting: Meeting
) -> None:
    resident = visit(**PHONE)
    page = resident.page
    _resident_login(resident)

    # The upcoming meeting and its agenda, from the estate's meetings page.
    resident.goto("/organisationer/29190909/afdelinger/1/moeder/")
    resident.key_activate(meeting.title, role="link")
    assert page.get_by_role("heading", name="Dagsorden").is_visible()
    assert "Valg af dirigent" in page.content()
    assert "Indkomne forslag" in page.content()

    # A proposal before the deadline.
    resident.key_activate("Indsend et forslag", role="link")
    resident.key_fill("Overskrift", PROPOSAL)
    resident.key_fill(
        "Forslag og begrundelse",
        "Vi foreslår en indhegnet hundeskov bag legepladsen, så hundene ikke løber løs.",
    )
    resident.key_activate("Send forslaget")
    proposal = Proposal.objects.get(title=PROPOSAL)
    assert (proposal.status, proposal.late, proposal.meeting_id) == (
        ProposalStatus.SUBMITTED,
        False,
        meeting.pk,
    )

    # The neighbour's petition: signed for the household.
    petition = Petition.objects.get(topic=PETITION)
    resident.goto(f"/underskrifter/{petition.public_id}/")
    resident.key_activate("Skriv under for min husstand")
    household = Resident.objects.get(user=personas()["resident_a"].user).household
    assert PetitionSignature.objects.filter(petition=petition, household=household).exists()

    # The estate board puts the proposal on the agenda.
    board = visit(**PHONE)
    _board_login(board)
    board.goto(f"/moeder/{meeting.public_id}/forslag/")
    board.key_activate(f"Behandl {PROPOSAL}", role="link")
    board.tab_to(board.page.get_by_label("Sæt forslaget på dagsordenen"))
    board.page.keyboard.press("Space")
    board.key_activate("Gem beslutningen")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    item = AgendaItem.objects.get(proposal=proposal)

    # The meeting day: check-in at the door, the show of hands, the minutes.
    at_the_door = timezone.localtime(meeting.starts_at) - dt.timedelta(minutes=30)
    with time_machine.travel(at_the_door, tick=True):
        _board_login(board)  # a month on, yesterday's session has run out
        board.goto(f"/moeder/{meeting.public_id}/salen/")
        present = list(
            Household.objects.active()
            .filter(unit__estate=meeting.estate)
            .select_related("unit")
            .order_by("unit__number")[:3]
        )
        for home in present:
            board.key_fill("Adresse eller lejemålsnummer", home.unit.number)
            board.key_activate("Søg")
            board.key_activate("Tjek ind")
        count = board.page.locator("#hall-count").inner_text()
        assert "3" in count and "6" in count, count  # 3 households, 6 votes

        section = board.page.locator(f"#item-{item.pk}")
        summary = section.locator("summary")
        if summary.count():
            board.tab_to(summary)
            board.page.keyboard.press("Enter")
        board.tab_to(section.get_by_label("For", exact=True))
        board.page.keyboard.type("5")
        board.tab_to(section.get_by_label("Imod", exact=True))
        board.page.keyboard.type("1")
        board.tab_to(section.get_by_label("Blanke", exact=True))
        board.page.keyboard.type("0")
        board.tab_to(section.get_by_role("button", name="Registrér resultat"))
        with board.page.expect_navigation():
            board.page.keyboard.press("Enter")
        board.axe()
        item.refresh_from_db()
        assert (item.votes_for, item.votes_against, item.outcome) == (5, 1, Outcome.ADOPTED)

    with time_machine.travel(timezone.localtime(meeting.starts_at) + dt.timedelta(days=2)):
        board.goto(f"/moeder/{meeting.public_id}/referat/")
        board.key_activate("Lav udkast")
        if board.page.get_by_role("button", name="Ja, lav et nyt udkast").count():
            board.key_activate("Ja, lav et nyt udkast")
        # The draft opens for editing; the board reads it and saves it as it is.
        board.key_activate("Gem referat")
        board.key_activate("Offentliggør referatet", role="link")
        board.key_activate("Ja, offentliggør referatet")
        minutes = Minutes.objects.get(meeting=meeting)
        assert minutes.published_at is not None
        assert PROPOSAL in minutes.text

        # The resident reads the published minutes.
        _resident_login(resident)
        resident.goto(f"/moeder/{meeting.public_id}/referat/")
        text = resident.page.locator("main").inner_text()
        assert PROPOSAL in text
        assert "Vedtaget" in text
