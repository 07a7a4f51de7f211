"""Objects for the hall's tests and write-matrix rows: an afdelingsmøde of estate A
that is under way today (noticed, started a minute ago), households on its roll, a
proxy rule. Each ``*_path`` function creates what its route needs and returns the path;
what it made is kept in ``LAST`` for the row's data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from almen.democracy import checkin, hall_services, services
from almen.democracy.models import (
    AgendaItem,
    AgendaKind,
    Amendment,
    Candidate,
    CandidatePost,
    Decision,
    EstateRules,
    Meeting,
    MeetingKind,
)
from almen.democracy.testing import DECISION_ID, matrix_estate
from almen.register.models import Household

LAST: dict[str, Any] = {}


def meeting_today(*, title: str = "Afdelingsmøde i dag") -> Meeting:
    """A noticed ordinary meeting of estate A that started a minute ago (the notice
    is late, with a reason: the rules allow it, and the hall does not care)."""
    estate = matrix_estate()
    meeting = services.meeting_create(
        actor=None,
        organisation=estate.organisation,
        estate=estate,
        kind=MeetingKind.ORDINARY,
        title=title,
        starts_at=timezone.now() + dt.timedelta(minutes=5),
        place="Fælleshuset",
    )
    services.notice_publish(actor=None, meeting=meeting, reason="Testmøde i dag.")
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=1))
    meeting.refresh_from_db()
    return meeting


def roll_households(meeting: Meeting, n: int) -> list[Household]:
    households = list(services.roll(meeting).select_related("unit").order_by("pk")[:n])
    assert len(households) == n, "the estate has too few households for the test"
    return households


def allow_proxies(*, cap: int = 1) -> EstateRules:
    estate = matrix_estate()
    return hall_services.estate_rules_set(
        actor=None,
        estate=estate,
        proxies_allowed=True,
        proxy_cap=cap,
        proxy_decision=Decision.objects.get(public_id=DECISION_ID),
        two_ordinary_meetings=False,
    )


def _hall(meeting: Meeting) -> str:
    return f"/moeder/{meeting.public_id}/salen/"


def item_of(meeting: Meeting, kind: str) -> AgendaItem:
    return AgendaItem.objects.filter(meeting=meeting, kind=kind).order_by("position").first()  # type: ignore[return-value]


# --- paths for the write matrix -------------------------------------------------------


def checkin_path() -> str:
    meeting = meeting_today()
    LAST.update(meeting=meeting, household=roll_households(meeting, 1)[0])
    return f"{_hall(meeting)}tjek-ind/"


def scan_path() -> str:
    meeting = meeting_today()
    household = roll_households(meeting, 1)[0]
    LAST.update(meeting=meeting, household=household)
    return checkin.checkin_path(meeting_id=meeting.public_id, household_id=household.public_id)


def undo_path() -> str:
    meeting = meeting_today()
    household = roll_households(meeting, 1)[0]
    attendance = hall_services.attendance_checkin(actor=None, meeting=meeting, household=household)
    return f"{_hall(meeting)}fremmoede/{attendance.pk}/fortryd/"


def proxy_path() -> str:
    meeting = meeting_today()
    allow_proxies()
    holder, represented = roll_households(meeting, 2)
    hall_services.attendance_checkin(actor=None, meeting=meeting, household=holder)
    LAST.update(meeting=meeting, holder=holder, represented=represented)
    return f"{_hall(meeting)}fuldmagt/"


def _present(meeting: Meeting, n: int = 1) -> None:
    for household in roll_households(meeting, n):
        hall_services.attendance_checkin(actor=None, meeting=meeting, household=household)


def item_vote_path() -> str:
    meeting = meeting_today()
    _present(meeting)
    item = item_of(meeting, AgendaKind.BUDGET)
    return f"{_hall(meeting)}punkter/{item.pk}/afstemning/"


def candidate_path() -> str:
    meeting = meeting_today()
    item = item_of(meeting, AgendaKind.ELECTION)
    return f"{_hall(meeting)}punkter/{item.pk}/kandidater/"


def election_path() -> str:
    meeting = meeting_today()
    _present(meeting)
    item = item_of(meeting, AgendaKind.ELECTION)
    candidate = Candidate.objects.create(item=item, name="Kirsten Holm", post=CandidatePost.MEMBER)
    LAST.update(candidate=candidate)
    return f"{_hall(meeting)}punkter/{item.pk}/valg/"


def amendment_vote_path() -> str:
    meeting = meeting_today()
    _present(meeting)
    item = item_of(meeting, AgendaKind.BUDGET)
    amendment = Amendment.objects.create(
        item=item, proposer_name="Jens Nielsen", text="Huslejen stiger 1 % i stedet for 2 %."
    )
    return f"{_hall(meeting)}aendringsforslag/{amendment.pk}/afstemning/"


def close_path() -> str:
    return f"{_hall(meeting_today())}afslut/"
