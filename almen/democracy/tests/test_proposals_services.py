"""The rules of proposals and petitions, service by service."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from almen.audit.models import AuditEntry
from almen.democracy import proposals_selectors as selectors
from almen.democracy import proposals_services as ps
from almen.democracy import rules
from almen.democracy.models import (
    AgendaItem,
    AgendaKind,
    Amendment,
    MeetingKind,
    MeetingStatus,
    Petition,
    PetitionSignature,
    PetitionStatus,
    ProposalStatus,
    ProposalSupport,
)
from almen.democracy.proposals_reminders import proposal_deadline_reminders
from almen.democracy.testing import matrix_estate
from almen.democracy.tests import proposals_helpers as h
from almen.notify.models import Notification
from almen.register.models import Estate

pytestmark = pytest.mark.django_db


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


# --- proposals -----------------------------------------------------------------------


def test_proposal_in_time_is_submitted_in_the_households_name(cast) -> None:
    meeting = h.meeting(days=60)
    user = cast["resident_a"].user
    proposal = ps.proposal_submit(actor=user, meeting=meeting, title=" Bænke ", text="Flere bænke.")
    assert proposal.status == ProposalStatus.SUBMITTED
    assert proposal.late is False
    assert proposal.title == "Bænke"
    assert proposal.proposer_name == user.name
    assert proposal.household == ps.current_household(user, matrix_estate())
    assert AuditEntry.objects.filter(action="democracy.proposal_submit").exists()


def test_late_proposal_is_flagged_and_kept_for_the_next_meeting(cast) -> None:
    # 10 days ahead: the deadline (14 days before) was 4 days ago.
    meeting = h.meeting(days=10)
    deadline = meeting.timeline.proposals_by
    assert deadline is not None and deadline < timezone.localdate()
    proposal = ps.proposal_submit(
        actor=cast["resident_a"].user, meeting=meeting, title="Sent", text="For sent."
    )
    assert proposal.late is True
    assert proposal.status == ProposalStatus.DEFERRED
    assert proposal.meeting == meeting


def test_deadline_day_itself_still_counts(cast) -> None:
    meeting = h.meeting(days=60)
    deadline = meeting.timeline.proposals_by
    assert deadline is not None
    with time_machine.travel(
        dt.datetime.combine(deadline, dt.time(23, 0), tzinfo=timezone.get_current_timezone())
    ):
        proposal = ps.proposal_submit(
            actor=cast["resident_a"].user, meeting=meeting, title="Sidste dag", text="I tide."
        )
    assert proposal.late is False


def test_extraordinary_meeting_refuses_new_proposals(cast) -> None:
    meeting = h.meeting(kind=MeetingKind.EXTRAORDINARY, days=30)
    with pytest.raises(ValidationError) as exc:
        ps.proposal_submit(actor=cast["resident_a"].user, meeting=meeting, title="X", text="Y")
    assert "fast dagsorden" in _messages(exc)
    assert not meeting.proposals.exists()


def test_draft_held_and_cancelled_meetings_refuse_proposals(cast) -> None:
    user = cast["resident_a"].user
    draft = h.meeting(days=60, notice=False)
    with pytest.raises(ValidationError) as exc:
        ps.proposal_submit(actor=user, meeting=draft, title="X", text="Y")
    assert "ikke indkaldt" in _messages(exc)
    for status in (MeetingStatus.HELD, MeetingStatus.CANCELLED):
        meeting = h.meeting(days=60)
        meeting.status = status
        meeting.save(update_fields=["status"])
        with pytest.raises(ValidationError) as exc:
            ps.proposal_submit(actor=user, meeting=meeting, title="X", text="Y")
        assert "afholdt eller aflyst" in _messages(exc)


def test_moved_out_and_other_estates_households_cannot_propose(cast) -> None:
    meeting = h.meeting(days=60)
    with pytest.raises(ValidationError) as exc:
        ps.proposal_submit(actor=h.moved_out_user(), meeting=meeting, title="X", text="Y")
    assert "flyttet" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        ps.proposal_submit(actor=cast["resident_b"].user, meeting=meeting, title="X", text="Y")
    assert "bor i afdelingen" in _messages(exc)
    assert not meeting.proposals.exists()


@pytest.mark.parametrize(
    ("title", "text", "field"),
    [
        ("", "tekst", "title"),
        ("x" * 201, "tekst", "title"),
        ("Titel", " ", "text"),
        ("Titel", "x" * 10_001, "text"),
    ],
)
def test_proposal_bad_text_is_refused(cast, title: str, text: str, field: str) -> None:
    meeting = h.meeting(days=60)
    with pytest.raises(ValidationError) as exc:
        ps.proposal_submit(actor=cast["resident_a"].user, meeting=meeting, title=title, text=text)
    assert field in exc.value.error_dict


def test_co_sign_once_per_household_and_withdraw(cast) -> None:
    meeting = h.meeting(days=60)
    proposal = ps.proposal_submit(
        actor=cast["resident_a"].user, meeting=meeting, title="Bænke", text="Flere bænke."
    )
    board = cast["estate_board_a"].user
    ps.proposal_support_add(actor=board, proposal=proposal)
    with pytest.raises(ValidationError) as exc:
        ps.proposal_support_add(actor=board, proposal=proposal)
    assert "allerede skrevet under" in _messages(exc)
    # A second person of the same household is the same household.
    household = ps.current_household(board, matrix_estate())
    assert household is not None
    from almen.accounts.models import User
    from almen.register.models import Resident

    partner = User.objects.create_user(email="partner@test.dk", name="Partner")
    Resident.objects.create(household=household, name="Partner", user=partner)
    with pytest.raises(ValidationError):
        ps.proposal_support_add(actor=partner, proposal=proposal)
    assert ProposalSupport.objects.filter(proposal=proposal).count() == 1
    # The proposer's own household stands behind it already.
    with pytest.raises(ValidationError) as exc:
        ps.proposal_support_add(actor=cast["resident_a"].user, proposal=proposal)
    assert "din husstand" in _messages(exc)
    ps.proposal_support_withdraw(actor=board, proposal=proposal)
    assert not ProposalSupport.objects.filter(proposal=proposal).exists()
    with pytest.raises(ValidationError):
        ps.proposal_support_withdraw(actor=board, proposal=proposal)


def test_co_sign_refuses_other_estates_and_moved_out(cast) -> None:
    meeting = h.meeting(days=60)
    proposal = ps.proposal_submit(
        actor=cast["resident_a"].user, meeting=meeting, title="Bænke", text="Flere bænke."
    )
    for actor in (cast["resident_b"].user, h.moved_out_user()):
        with pytest.raises(ValidationError):
            ps.proposal_support_add(actor=actor, proposal=proposal)
    assert not ProposalSupport.objects.filter(proposal=proposal).exists()


def test_accept_puts_the_proposal_under_incoming_proposals_and_tells_the_proposer(cast) -> None:
    meeting = h.meeting(days=60)
    first = ps.proposal_submit(
        actor=cast["resident_a"].user, meeting=meeting, title="Første", text="1"
    )
    second = ps.proposal_submit(
        actor=cast["estate_board_a"].user, meeting=meeting, title="Andet", text="2"
    )
    staff = cast["org_staff"].user
    ps.proposal_handle(actor=staff, proposal=first, action=ps.ACCEPT, comment="Godt.")
    ps.proposal_handle(actor=staff, proposal=second, action=ps.ACCEPT)
    items = list(meeting.items.order_by("position").values_list("position", "kind", "title"))
    kinds = [kind for _p, kind, _t in items]
    heading = kinds.index(AgendaKind.PROPOSALS)
    assert items[heading + 1][1:] == (AgendaKind.PROPOSAL, "Første")
    assert items[heading + 2][1:] == (AgendaKind.PROPOSAL, "Andet")
    assert kinds[heading + 3] == AgendaKind.ACCOUNTS
    assert [p for p, _k, _t in items] == list(range(1, len(items) + 1))
    first.refresh_from_db()
    assert first.status == ProposalStatus.ACCEPTED
    assert first.board_comment == "Godt."
    assert AgendaItem.objects.get(proposal=first).meeting == meeting
    note = Notification.objects.get(kind="democracy.proposal_handled", recipient=first.author)
    assert note.context["status"] == ProposalStatus.ACCEPTED
    # Handled once: a second answer is refused.
    with pytest.raises(ValidationError):
        ps.proposal_handle(actor=staff, proposal=first, action=ps.REJECT, comment="Nej")


def test_reject_needs_a_comment_and_defer_keeps_it(cast) -> None:
    meeting = h.meeting(days=60)
    proposal = ps.proposal_submit(
        actor=cast["resident_a"].user, meeting=meeting, title="Bænke", text="Flere bænke."
    )
    staff = cast["org_staff"].user
    with pytest.raises(ValidationError) as exc:
        ps.proposal_handle(actor=staff, proposal=proposal, action=ps.REJECT)
    assert "comment" in exc.value.error_dict
    ps.proposal_handle(actor=staff, proposal=proposal, action=ps.DEFER)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DEFERRED
    assert Notification.objects.filter(
        kind="democracy.proposal_handled", recipient=proposal.author
    ).exists()
    ps.proposal_handle(actor=staff, proposal=proposal, action=ps.REJECT, comment="Ikke i år.")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    assert not AgendaItem.objects.filter(proposal=proposal).exists()


def test_late_proposal_accepted_only_with_a_recorded_reason(cast) -> None:
    meeting = h.meeting(days=10)
    proposal = ps.proposal_submit(
        actor=cast["resident_a"].user, meeting=meeting, title="Sent", text="For sent."
    )
    staff = cast["org_staff"].user
    items = meeting.items.count()
    with pytest.raises(ValidationError) as exc:
        ps.proposal_handle(actor=staff, proposal=proposal, action=ps.ACCEPT)
    assert "efter fristen" in " ".join(exc.value.error_dict["comment"][0].messages)
    assert meeting.items.count() == items  # nothing half-saved
    ps.proposal_handle(
        actor=staff, proposal=proposal, action=ps.ACCEPT, comment="Haster: vandskade."
    )
    entry = AuditEntry.objects.filter(action="democracy.proposal_accept").latest("pk")
    assert entry.after is not None
    assert entry.after["late_reason"] == "Haster: vandskade."
    assert meeting.items.count() == items + 1


def test_kept_proposal_goes_onto_the_next_meeting_without_a_reason(cast) -> None:
    late_meeting = h.meeting(days=10)
    proposal = ps.proposal_submit(
        actor=cast["resident_a"].user, meeting=late_meeting, title="Sent", text="For sent."
    )
    next_meeting = h.meeting(days=90)
    ps.proposal_handle(
        actor=cast["estate_board_a"].user, proposal=proposal, action=ps.ACCEPT, meeting=next_meeting
    )
    proposal.refresh_from_db()
    assert proposal.meeting == next_meeting
    assert AgendaItem.objects.get(proposal=proposal).meeting == next_meeting


def test_accept_onto_an_extraordinary_or_other_estates_meeting_is_refused(cast) -> None:
    meeting = h.meeting(days=60)
    proposal = ps.proposal_submit(
        actor=cast["resident_a"].user, meeting=meeting, title="Bænke", text="Flere bænke."
    )
    staff = cast["org_staff"].user
    extraordinary = h.meeting(kind=MeetingKind.EXTRAORDINARY, days=30)
    with pytest.raises(ValidationError):
        ps.proposal_handle(actor=staff, proposal=proposal, action=ps.ACCEPT, meeting=extraordinary)
    other = h.meeting(days=60, estate=Estate.objects.get(organisation__cvr="29190909", number=2))
    with pytest.raises(ValidationError):
        ps.proposal_handle(actor=staff, proposal=proposal, action=ps.ACCEPT, meeting=other)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED


def test_amendment_is_recorded_with_name_and_text(cast) -> None:
    meeting = h.meeting(days=60)
    item = meeting.items.get(kind=AgendaKind.BUDGET)
    amendment = ps.amendment_record(
        actor=cast["org_staff"].user, item=item, proposer_name=" Anne ", text="1 % i stedet."
    )
    assert (amendment.proposer_name, amendment.text) == ("Anne", "1 % i stedet.")
    with pytest.raises(ValidationError):
        ps.amendment_record(actor=None, item=item, proposer_name="", text="x")
    with pytest.raises(ValidationError):
        ps.amendment_record(actor=None, item=item, proposer_name="A", text="x" * 2001)
    assert Amendment.objects.filter(item=item).count() == 1


def test_deadline_reminder_reaches_estate_residents_once_per_meeting(cast) -> None:
    today = timezone.localdate()
    meeting = h.meeting(days=18)  # deadline in 4 days
    h.meeting(days=40)  # deadline in 26 days: not yet
    h.meeting(kind=MeetingKind.EXTRAORDINARY, days=18)  # takes no proposals
    draft = h.meeting(days=19, notice=False)  # not noticed
    reminders = list(proposal_deadline_reminders(today))
    deadline = meeting.timeline.proposals_by
    assert deadline is not None
    users = {r.user_id for r in reminders}
    assert cast["resident_a"].user.pk in users
    assert cast["estate_board_a"].user.pk in users
    assert cast["resident_b"].user.pk not in users
    assert h.moved_out_user().pk not in {r.user_id for r in proposal_deadline_reminders(today)}
    assert {r.key for r in reminders} == {f"meeting:{meeting.pk}:proposals:{deadline.isoformat()}"}
    assert draft.pk not in {int(r.key.split(":")[1]) for r in reminders}
    assert {r.kind for r in reminders} == {"democracy.proposal_deadline"}


def test_deadline_reminder_reads_in_two_queries(cast, django_assert_num_queries) -> None:
    h.meeting(days=18)
    h.meeting(days=20, estate=Estate.objects.get(organisation__cvr="29190909", number=2))
    with django_assert_num_queries(2):
        reminders = list(proposal_deadline_reminders(timezone.localdate()))
    assert reminders


def test_deadline_reminder_respects_preferences(cast) -> None:
    from almen.lib.notifications import Preference
    from almen.notify.models import NotificationPreference, Status
    from almen.notify.services import queue_reminders

    h.meeting(days=18)
    user = cast["resident_a"].user
    NotificationPreference.objects.create(
        user=user, kind="democracy.proposal_deadline", preference=Preference.OFF
    )
    queue_reminders(proposal_deadline_reminders(timezone.localdate()))
    row = Notification.objects.get(kind="democracy.proposal_deadline", recipient=user)
    assert row.status == Status.SUPPRESSED
    other = Notification.objects.get(
        kind="democracy.proposal_deadline", recipient=cast["estate_board_a"].user
    )
    assert other.status != Status.SUPPRESSED
    # A second run the same day (or the next) queues nothing new.
    before = Notification.objects.count()
    queue_reminders(proposal_deadline_reminders(timezone.localdate()))
    queue_reminders(proposal_deadline_reminders(timezone.localdate() + dt.timedelta(days=1)))
    assert Notification.objects.count() == before


# --- petitions -----------------------------------------------------------------------


def test_petition_create_counts_households_and_signs_first(cast) -> None:
    estate = matrix_estate()
    user = cast["resident_a"].user
    petition = ps.petition_create(actor=user, estate=estate, topic="Vaskeriet", text="Om vaskeriet")
    from almen.register.models import Household

    households = Household.objects.active().filter(unit__estate=estate).count()
    assert petition.households_at_start == households
    assert petition.threshold == rules.petition_threshold(households)
    assert selectors.petition_signatures(petition) == 1
    with pytest.raises(ValidationError):
        ps.petition_create(actor=cast["resident_b"].user, estate=estate, topic="X", text="Y")


def test_petition_signed_twice_by_the_same_household_is_refused(cast) -> None:
    petition = h.petition(threshold=3)
    user = cast["resident_a"].user
    ps.petition_sign(actor=user, petition=petition)
    with pytest.raises(ValidationError) as exc:
        ps.petition_sign(actor=user, petition=petition)
    assert "allerede skrevet under" in _messages(exc)
    assert PetitionSignature.objects.filter(petition=petition).count() == 1


def test_petition_refuses_other_estates_and_moved_out_households(cast) -> None:
    petition = h.petition(threshold=3)
    with pytest.raises(ValidationError) as exc:
        ps.petition_sign(actor=cast["resident_b"].user, petition=petition)
    assert "bor i afdelingen" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        ps.petition_sign(actor=h.moved_out_user(), petition=petition)
    assert "flyttet" in _messages(exc)
    assert not PetitionSignature.objects.filter(petition=petition).exists()


@time_machine.travel(dt.datetime(2026, 12, 10, 12, 0, tzinfo=dt.UTC))
def test_threshold_reaches_notifies_and_starts_the_two_week_deadline(cast) -> None:
    petition = h.petition(threshold=2, households=8)
    ps.petition_sign(actor=cast["resident_a"].user, petition=petition)
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.OPEN
    assert not Notification.objects.filter(kind="democracy.petition_reached").exists()
    ps.petition_sign(actor=cast["estate_board_a"].user, petition=petition)
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.REACHED
    assert petition.reached_at is not None
    assert petition.call_by == dt.date(2026, 12, 24)
    recipients = set(
        Notification.objects.filter(kind="democracy.petition_reached").values_list(
            "recipient__email", flat=True
        )
    )
    # The estate's board and the organisation's staff; nobody else.
    assert recipients == {"bestyrelse.a@almen.demo", "administration@almen.demo"}
    # Once reached: no more signatures, and the ones given are locked.
    with pytest.raises(ValidationError):
        ps.petition_sign(actor=h.resident_user(), petition=petition)
    with pytest.raises(ValidationError) as exc:
        ps.petition_withdraw(actor=cast["resident_a"].user, petition=petition)
    assert "låst" in _messages(exc)
    assert selectors.petition_signatures(petition) == 2


def test_withdraw_before_threshold_then_sign_again(cast) -> None:
    petition = h.petition(threshold=3)
    user = cast["resident_a"].user
    ps.petition_sign(actor=user, petition=petition)
    ps.petition_withdraw(actor=user, petition=petition)
    assert selectors.petition_signatures(petition) == 0
    with pytest.raises(ValidationError):
        ps.petition_withdraw(actor=user, petition=petition)
    ps.petition_sign(actor=user, petition=petition)
    assert selectors.petition_signatures(petition) == 1
    assert PetitionSignature.objects.filter(petition=petition).count() == 2  # history kept


def test_withdrawn_signatures_do_not_count_towards_the_threshold(cast) -> None:
    petition = h.petition(threshold=2)
    a, b = cast["resident_a"].user, cast["estate_board_a"].user
    ps.petition_sign(actor=a, petition=petition)
    ps.petition_withdraw(actor=a, petition=petition)
    ps.petition_sign(actor=b, petition=petition)
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.OPEN


def test_petitions_at_risk_and_mark_called(cast) -> None:
    organisation = matrix_estate().organisation
    today = timezone.localdate()
    soon = h.petition()
    Petition.objects.filter(pk=soon.pk).update(
        status=PetitionStatus.REACHED, call_by=today + dt.timedelta(days=5)
    )
    passed = h.petition()
    Petition.objects.filter(pk=passed.pk).update(
        status=PetitionStatus.REACHED, call_by=today - dt.timedelta(days=1)
    )
    later = h.petition()
    Petition.objects.filter(pk=later.pk).update(
        status=PetitionStatus.REACHED, call_by=today + dt.timedelta(days=12)
    )
    h.petition()  # open: not at risk
    other_org = h.petition(estate=Estate.objects.get(organisation__cvr="31415926", number=1))
    Petition.objects.filter(pk=other_org.pk).update(status=PetitionStatus.REACHED, call_by=today)
    assert [p.pk for p in selectors.petitions_at_risk(organisation)] == [passed.pk, soon.pk]
    meeting = h.meeting(kind=MeetingKind.EXTRAORDINARY, days=15, notice=False)
    with pytest.raises(ValidationError):
        ps.petition_mark_called(actor=None, petition=later, meeting=h.meeting(days=60))
    soon.refresh_from_db()
    ps.petition_mark_called(actor=None, petition=soon, meeting=meeting)
    soon.refresh_from_db()
    meeting.refresh_from_db()
    assert soon.status == PetitionStatus.CALLED
    assert meeting.petition == soon
    assert [p.pk for p in selectors.petitions_at_risk(organisation)] == [passed.pk]
    open_one = h.petition()
    with pytest.raises(ValidationError):
        ps.petition_mark_called(actor=None, petition=open_one, meeting=meeting)


def test_petitions_at_risk_is_one_query(cast, django_assert_num_queries) -> None:
    organisation = matrix_estate().organisation
    for _ in range(3):
        p = h.petition()
        Petition.objects.filter(pk=p.pk).update(
            status=PetitionStatus.REACHED, call_by=timezone.localdate()
        )
    with django_assert_num_queries(1):
        risky = selectors.petitions_at_risk(organisation)
        names = [p.estate.name for p in risky]
    assert len(names) == 3


def test_notifications_read_as_letters(cast) -> None:
    """Each kind's message renders with a subject line and the link to the page."""
    from almen.notify.worker import render

    meeting = h.meeting(days=60)
    proposal = ps.proposal_submit(
        actor=cast["resident_a"].user, meeting=meeting, title="Bænke", text="Flere bænke."
    )
    ps.proposal_handle(actor=None, proposal=proposal, action=ps.REJECT, comment="Ikke i år.")
    handled = render(Notification.objects.get(kind="democracy.proposal_handled"))
    assert handled.subject == "Bestyrelsen har afvist dit forslag: Bænke"
    assert "Ikke i år." in handled.body
    assert f"/forslag/{proposal.public_id}/" in handled.body

    petition = h.petition(threshold=1)
    ps.petition_sign(actor=cast["resident_a"].user, petition=petition)
    reached = render(Notification.objects.filter(kind="democracy.petition_reached").earliest("pk"))
    assert reached.subject.startswith("Ekstraordinært møde skal indkaldes senest ")
    assert "25 %" in reached.body and petition.topic in reached.body

    from almen.notify.services import queue_reminders

    h.meeting(days=18)
    queue_reminders(proposal_deadline_reminders(timezone.localdate()))
    reminder = render(
        Notification.objects.filter(kind="democracy.proposal_deadline").earliest("pk")
    )
    assert reminder.subject.startswith("Frist for forslag: ")
    assert "/forslag/ny/" in reminder.body
