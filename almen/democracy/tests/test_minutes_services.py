"""The minutes' services: the draft holds every item, result and election; late
minutes need a reason; publishing publishes the meeting's decisions (an
afdelingsmøde's become public) and tells the roll's residents; published minutes are
final; decisions outside a meeting refuse bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from almen.audit.models import AuditEntry
from almen.democracy import minutes_services as ms
from almen.democracy.minutes_text import HEADING, LIST, blocks
from almen.democracy.models import (
    MINIMUM_AGENDA,
    Decision,
    Forum,
    Minutes,
    Outcome,
)
from almen.democracy.testing import RESIDENT_A_EMAIL, matrix_estate
from almen.democracy.tests import minutes_data as data
from almen.lib.visibility import Visibility
from almen.notify.models import Notification

pytestmark = pytest.mark.django_db


def test_the_draft_holds_every_item_result_and_election(cast) -> None:
    meeting = data.held_meeting()
    text = ms.draft_text(meeting)
    # Presence: 4 households (one by proxy), 2 votes each; the roll of estate A.
    assert "Til stede: 4 husstande med i alt 8 stemmer" in text
    assert "Heraf var 1 husstand repræsenteret ved fuldmagt." in text
    assert "husstande havde stemmeret ved mødet" in text
    assert "Fælleshuset, Byvej 2" in text
    headings = [b.text for b in blocks(text) if b.kind == HEADING]
    titles = [str(kind.label) for kind in MINIMUM_AGENDA]
    titles.insert(4, data.PROPOSAL_TITLE)  # after "Indkomne forslag"
    assert headings == [f"{n}. {title}" for n, title in enumerate(titles, start=1)]
    for expected in (
        f"Forslag: »{data.PROPOSAL_TITLE}«",
        f"Forslagsstiller: {data.PROPOSER}",
        f"Bestyrelsens bemærkning: {data.BOARD_COMMENT}",
        f"Fra Per Nielsen: {data.AMENDMENT} – 2 for, 6 imod, 0 blanke. Forkastet.",
        "Afstemning: 6 for, 2 imod, 0 blanke.",
        "Resultat: Vedtaget.",
        "Resultat: Taget til efterretning.",
        f"{data.ELECTED} (bestyrelsesmedlem): 6 stemmer – valgt for 2 år",
        f"{data.NOT_ELECTED} (bestyrelsesmedlem): 2 stemmer",
        f"Valgt: {data.ELECTED} (bestyrelsesmedlem).",
        "Jens Hansen blev valgt som dirigent.",
        data.NOTE_AOB,
    ):
        assert expected in text, expected
    # Candidates are a list, the elected one first.
    lists = [b.items for b in blocks(text) if b.kind == LIST]
    assert any(items[0].startswith(data.ELECTED) for items in lists)


def test_draft_saves_and_update_keeps_the_boards_text(cast) -> None:
    meeting = data.held_meeting()
    minutes = ms.minutes_draft(actor=cast["org_staff"].user, meeting=meeting)
    assert data.PROPOSAL_TITLE in minutes.text
    ms.minutes_update(actor=cast["estate_board_a"].user, meeting=meeting, text="# 1. Rettet\nOK")
    assert Minutes.objects.get(meeting=meeting).text == "# 1. Rettet\nOK"
    with pytest.raises(ValidationError):
        ms.minutes_update(actor=None, meeting=meeting, text="   ")
    with pytest.raises(ValidationError):
        ms.minutes_update(actor=None, meeting=meeting, text="x" * 60_001)
    assert AuditEntry.objects.filter(action="democracy.minutes_update").count() == 1


def test_late_minutes_need_a_reason(cast) -> None:
    meeting = data.held_meeting(days_ago=29)  # the deadline was yesterday
    ms.minutes_draft(actor=None, meeting=meeting)
    with pytest.raises(ValidationError) as refused:
        ms.minutes_publish(actor=None, meeting=meeting)
    assert "for sent" in str(refused.value)
    assert Minutes.objects.get(meeting=meeting).published_at is None
    assert not Decision.objects.filter(meeting=meeting).exists()
    assert not Notification.objects.filter(kind=ms.MINUTES_READY).exists()
    minutes = ms.minutes_publish(actor=None, meeting=meeting, reason="Referenten var syg.")
    assert minutes.published_at is not None
    assert minutes.late_reason == "Referenten var syg."
    entry = AuditEntry.objects.get(action="democracy.minutes_publish")
    assert entry.after is not None and entry.after["late_reason"] == "Referenten var syg."


def test_the_deadline_day_itself_still_counts(cast) -> None:
    meeting = data.held_meeting(days_ago=1)
    ms.minutes_draft(actor=None, meeting=meeting)
    with time_machine.travel(meeting.timeline.minutes_by + dt.timedelta(hours=12), tick=False):
        assert not ms.minutes_is_late(meeting)
    with time_machine.travel(meeting.timeline.minutes_by + dt.timedelta(days=1, hours=12)):
        assert ms.minutes_is_late(meeting)


def test_publishing_publishes_the_decisions_and_tells_the_residents(cast) -> None:
    meeting = data.held_meeting()
    ms.minutes_draft(actor=None, meeting=meeting)
    ms.minutes_publish(actor=cast["org_staff"].user, meeting=meeting)
    decisions = Decision.objects.filter(meeting=meeting)
    # Every item with an outcome: the chair, the report, the election, the proposal.
    assert decisions.count() == 4
    proposal = decisions.get(title=data.PROPOSAL_TITLE)
    assert (proposal.votes_for, proposal.votes_against, proposal.outcome) == (6, 2, Outcome.ADOPTED)
    assert proposal.forum == Forum.RESIDENTS_MEETING
    assert proposal.decided_on == meeting.meeting_on
    election = decisions.get(item__kind="valg")
    assert data.ELECTED in election.text and data.NOT_ELECTED not in election.text
    assert set(decisions.values_list("visibility", flat=True)) == {Visibility.PUBLIC}
    assert not decisions.filter(published_at__isnull=True).exists()
    told = Notification.objects.filter(kind=ms.MINUTES_READY)
    assert told.filter(recipient__email=RESIDENT_A_EMAIL).exists()
    # Only the roll of estate A: no resident of another estate.
    assert not told.exclude(recipient__residencies__household__unit__estate=meeting.estate).exists()
    with pytest.raises(ValidationError):
        ms.minutes_publish(actor=None, meeting=meeting)  # already published
    with pytest.raises(ValidationError):
        ms.minutes_update(actor=None, meeting=meeting, text="Ændret bagefter")
    with pytest.raises(ValidationError):
        ms.minutes_draft(actor=None, meeting=meeting)


def test_a_decision_made_in_the_hall_is_kept_not_doubled(cast) -> None:
    meeting = data.held_meeting()
    item = meeting.items.get(title=data.PROPOSAL_TITLE)
    existing = Decision.objects.create(
        organisation=meeting.organisation,
        estate=meeting.estate,
        forum=Forum.RESIDENTS_MEETING,
        meeting=meeting,
        item=item,
        decided_on=meeting.meeting_on,
        title="Hønsehus vedtaget",
        text="Vedtaget i salen.",
        outcome=Outcome.ADOPTED,
    )
    ms.minutes_draft(actor=None, meeting=meeting)
    ms.minutes_publish(actor=None, meeting=meeting)
    existing.refresh_from_db()
    assert existing.visibility == Visibility.PUBLIC and existing.published_at is not None
    assert Decision.objects.filter(item=item).count() == 1


def test_nothing_to_publish_and_not_held_yet_are_refused(cast) -> None:
    meeting = data.held_meeting()
    with pytest.raises(ValidationError):
        ms.minutes_publish(actor=None, meeting=meeting)  # no minutes
    future = data.held_meeting(days_ago=-10, title="Kommende møde")
    ms.minutes_draft(actor=None, meeting=future)  # drafting ahead is allowed
    with pytest.raises(ValidationError) as refused:
        ms.minutes_publish(actor=None, meeting=future)
    assert "ikke holdt endnu" in str(refused.value)


def test_a_board_meeting_publishes_without_making_decisions_public(cast) -> None:
    from almen.democracy.models import AgendaItem, Meeting, MeetingKind, MeetingStatus

    estate = matrix_estate()
    meeting = Meeting.objects.create(
        organisation=estate.organisation,
        estate=estate,
        kind=MeetingKind.ESTATE_BOARD,
        title="Bestyrelsesmøde",
        starts_at=timezone.now() - dt.timedelta(days=2),
        place="Kontoret",
        status=MeetingStatus.HELD,
    )
    AgendaItem.objects.create(
        meeting=meeting, position=1, kind="andet", title="Ny bænk", outcome=Outcome.ADOPTED
    )
    ms.minutes_draft(actor=None, meeting=meeting)
    ms.minutes_publish(actor=None, meeting=meeting)
    decision = Decision.objects.get(meeting=meeting)
    assert decision.forum == Forum.ESTATE_BOARD
    assert decision.visibility == Visibility.ORGANISATION and decision.published_at is not None
    assert not Notification.objects.filter(kind=ms.MINUTES_READY).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"decided_on": dt.date(1, 1, 1)}, "decided_on"),
        ({"decided_on": dt.date(2999, 1, 1)}, "decided_on"),
        ({"title": "  "}, "title"),
        ({"text": ""}, "text"),
        ({"votes_for": 10**9}, "votes_for"),
        ({"votes_against": -1}, "votes_against"),
        ({"forum": Forum.ORGANISATION_BOARD}, "forum"),
        ({"readers": "nogen"}, "readers"),
        ({"outcome": "valgt"}, "outcome"),
    ],
)
def test_decision_record_refuses_bad_input(cast, change, field) -> None:
    estate = matrix_estate()
    values: dict[str, Any] = {
        "forum": Forum.ESTATE_BOARD,
        "decided_on": timezone.localdate(),
        "title": "Ny bænk",
        "text": "Bestyrelsen købte en bænk.",
        "readers": ms.READERS_RESIDENTS,
        **change,
    }
    before = Decision.objects.count()
    with pytest.raises(ValidationError) as refused:
        ms.decision_record(actor=None, organisation=estate.organisation, estate=estate, **values)
    assert field in refused.value.error_dict
    assert Decision.objects.count() == before


def test_decision_record_publishes_as_chosen(cast) -> None:
    estate = matrix_estate()
    common: dict[str, Any] = {
        "actor": None,
        "organisation": estate.organisation,
        "forum": Forum.ESTATE_BOARD,
        "decided_on": timezone.localdate(),
        "title": "Ny bænk",
        "text": "Bestyrelsen købte en bænk.",
    }
    board = ms.decision_record(estate=estate, readers=ms.READERS_BOARD, **common)
    residents = ms.decision_record(estate=estate, readers=ms.READERS_RESIDENTS, **common)
    public = ms.decision_record(estate=estate, readers=ms.READERS_PUBLIC, **common)
    assert board.published_at is None
    assert residents.published_at is not None and residents.visibility == Visibility.ORGANISATION
    assert public.published_at is not None and public.visibility == Visibility.PUBLIC
    assert AuditEntry.objects.filter(action="democracy.decision_record").count() == 3
