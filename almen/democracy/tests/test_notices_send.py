"""Notices to every household: the channel each household gets, the record of it, the
e-mail through the outbox, and that sending twice sends nothing twice."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command

from almen.audit.models import AuditEntry
from almen.democracy import notices_services, services
from almen.democracy.models import Channel, Meeting, MeetingStatus, NoticeDelivery, NoticeKind
from almen.democracy.testing import MEETING_ID, RESIDENT_A_EMAIL
from almen.lib.notifications import Preference
from almen.notify.models import Notification, NotificationPreference, Status
from almen.register.models import Household, Resident, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting() -> Meeting:
    return Meeting.objects.select_related("organisation", "estate").get(public_id=MEETING_ID)


def _roll(meeting: Meeting) -> list[Household]:
    return list(services.roll(meeting).order_by("pk"))


def _household_of(email: str) -> Household:
    return Resident.objects.get(email=email).household


def _others(meeting: Meeting) -> list[Household]:
    """Households of the roll without a persona in them."""
    personas = set(
        Resident.objects.filter(user__isnull=False).values_list("household_id", flat=True)
    )
    return [h for h in _roll(meeting) if h.pk not in personas]


@pytest.fixture
def mixed(meeting: Meeting) -> dict[str, Household]:
    """One household of each kind: reached through a login (resident_a), through an
    address the administration has, exempt from digital mail (with an address), and
    one with no address at all."""
    others = _others(meeting)
    assert len(others) >= 3
    by_address, exempt, nothing = others[0], others[1], others[2]
    Resident.objects.filter(household=by_address).update(email="")
    first = Resident.objects.filter(household=by_address).order_by("pk").first()
    assert first is not None
    Resident.objects.filter(pk=first.pk).update(email="Husstand.Adresse@Example.dk")
    Resident.objects.filter(household=exempt).update(email="fritaget@example.dk")
    Household.objects.filter(pk=exempt.pk).update(paper_mail=True)
    Resident.objects.filter(household=nothing).update(email="")
    return {
        "login": _household_of(RESIDENT_A_EMAIL),
        "address": by_address,
        "exempt": exempt,
        "nothing": nothing,
    }


def _channel(meeting: Meeting, household: Household) -> str:
    return NoticeDelivery.objects.get(meeting=meeting, household=household).channel


def test_each_household_gets_the_channel_it_can_be_reached_by(meeting, mixed) -> None:
    result = notices_services.notices_send(actor=None, meeting=meeting, letters_job=False)
    assert _channel(meeting, mixed["login"]) == Channel.EMAIL
    assert _channel(meeting, mixed["address"]) == Channel.EMAIL
    assert _channel(meeting, mixed["exempt"]) == Channel.PAPER
    assert _channel(meeting, mixed["nothing"]) == Channel.PAPER
    # One record per household on the roll, and the counts add up.
    roll = _roll(meeting)
    deliveries = NoticeDelivery.objects.filter(meeting=meeting, kind=NoticeKind.NOTICE)
    assert deliveries.count() == len(roll) == result.households
    assert result.emails + result.paper == len(roll)
    assert result.emails == deliveries.filter(channel=Channel.EMAIL).count()
    # The record names where it went: the address, or the unit's address for a letter.
    login = deliveries.get(household=mixed["login"])
    assert login.address == RESIDENT_A_EMAIL
    assert deliveries.get(household=mixed["address"]).address == "husstand.adresse@example.dk"
    unit = Unit.objects.get(households=mixed["nothing"])
    assert deliveries.get(household=mixed["nothing"]).address == (unit.address or unit.number)
    # The exempt household's address is never mailed.
    assert not Notification.objects.filter(address="fritaget@example.dk").exists()
    assert AuditEntry.objects.filter(action="democracy.notices_send").exists()


def test_the_email_arrives_through_the_outbox(meeting, mixed) -> None:
    notices_services.notices_send(actor=None, meeting=meeting, letters_job=False)
    rows = Notification.objects.filter(kind="democracy.notice")
    assert set(rows.values_list("address", flat=True)) >= {
        RESIDENT_A_EMAIL,
        "husstand.adresse@example.dk",
    }
    resident_a = rows.get(address=RESIDENT_A_EMAIL)
    assert resident_a.recipient is not None  # a login: addressed as the user
    assert rows.get(address="husstand.adresse@example.dk").recipient is None
    mail.outbox.clear()
    call_command("notify_worker", "--once")
    sent = {m.to[0]: m for m in mail.outbox}
    assert RESIDENT_A_EMAIL in sent and "husstand.adresse@example.dk" in sent
    message = sent[RESIDENT_A_EMAIL]
    assert message.subject.startswith(f"Indkaldelse: {meeting.title}")
    body = message.body
    assert meeting.place in body
    assert "1. Valg af dirigent" in body and "8. Eventuelt" in body
    assert f"{meeting.timeline.proposals_by:%Y}" in body  # the proposals' deadline
    assert f"/moeder/{meeting.public_id}/moede.ics" in body
    assert "Husstanden har 2 stemmer" in body
    assert "fritaget@example.dk" not in sent


def test_sending_twice_sends_nothing_twice(meeting, mixed) -> None:
    first = notices_services.notices_send(actor=None, meeting=meeting, letters_job=False)
    rows, deliveries = Notification.objects.count(), NoticeDelivery.objects.count()
    again = notices_services.notices_send(actor=None, meeting=meeting, letters_job=False)
    assert (again.emails, again.paper, again.messages) == (0, 0, 0)
    assert again.already == first.households
    assert Notification.objects.count() == rows
    assert NoticeDelivery.objects.count() == deliveries


def test_only_a_noticed_meeting_is_sent(meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.DRAFT)
    with pytest.raises(ValidationError, match="ikke indkaldt"):
        notices_services.notices_send(actor=None, meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CANCELLED)
    with pytest.raises(ValidationError):
        notices_services.notices_send(actor=None, meeting=meeting)
    assert not NoticeDelivery.objects.exists()
    assert not Notification.objects.filter(kind="democracy.notice").exists()


def test_a_household_that_turned_the_email_off_gets_a_letter(meeting, mixed) -> None:
    user = Resident.objects.get(email=RESIDENT_A_EMAIL).user
    NotificationPreference.objects.create(
        user=user, kind="democracy.notice", preference=Preference.OFF
    )
    notices_services.notices_send(actor=None, meeting=meeting, letters_job=False)
    assert _channel(meeting, mixed["login"]) == Channel.PAPER
    assert not Notification.objects.filter(address=RESIDENT_A_EMAIL).exists()


def test_minutes_use_their_own_notification_kind(meeting, mixed) -> None:
    notices_services.notices_send(actor=None, meeting=meeting, letters_job=False)
    notices_services.notices_send(
        actor=None, meeting=meeting, kind=NoticeKind.MINUTES, letters_job=False
    )
    row = Notification.objects.get(kind="democracy.minutes_ready", address=RESIDENT_A_EMAIL)
    assert row.status == Status.QUEUED
    assert NoticeDelivery.objects.filter(meeting=meeting, kind=NoticeKind.MINUTES).count() == len(
        _roll(meeting)
    )
    mail.outbox.clear()
    call_command("notify_worker", "--once")
    minutes = [m for m in mail.outbox if m.subject.startswith("Referatet fra mødet")]
    assert minutes and meeting.title in minutes[0].subject


def test_the_number_of_queries_does_not_grow_with_the_estate(
    meeting, mixed, django_assert_max_num_queries
) -> None:
    """A bounded number of queries: the same for the estate with 10 more households."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        notices_services.notices_send(actor=None, meeting=meeting, letters_job=False)
    NoticeDelivery.objects.all().delete()
    Notification.objects.all().delete()
    estate = meeting.estate
    for n in range(10):
        unit = Unit.objects.create(
            estate=estate, number=f"NY-{n}", address=f"Nyvej {n}", rooms=2, area_m2=50
        )
        household = Household.objects.create(unit=unit, moved_in="2020-01-01")
        Resident.objects.create(household=household, name=f"Ny {n}", email=f"ny{n}@example.dk")
    with django_assert_max_num_queries(len(small)):
        result = notices_services.notices_send(actor=None, meeting=meeting, letters_job=False)
    assert result.households == len(_roll(meeting))


def test_the_summary_counts_by_channel(meeting, mixed) -> None:
    before = notices_services.notices_summary(meeting)
    assert (before.emails, before.paper, before.first_sent_at) == (0, 0, None)
    result = notices_services.notices_send(actor=None, meeting=meeting, letters_job=False)
    after = notices_services.notices_summary(meeting)
    assert (after.households, after.emails, after.paper) == (
        result.households,
        result.emails,
        result.paper,
    )
    assert after.missing == 0 and after.first_sent_at is not None
