"""The outbox end to end on the database in use (SQLite by default; the same on
PostgreSQL): notify() inside a transaction, preferences, real SMTP to an aiosmtpd sink
on 127.0.0.1, retries with backoff, leases, the daily digest, unsubscribing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from almen.accounts.models import User
from almen.lib.notifications import Preference
from almen.notify import services, worker
from almen.notify.models import (
    DIGEST_KIND,
    Delivery,
    Notification,
    NotificationPreference,
    Status,
    message_id,
)
from almen.notify.testing import SmtpSink

pytestmark = pytest.mark.django_db

KIND = "goals.action_overdue"  # default: immediate
DAILY_KIND = "goals.action_due"  # default: daily digest


@pytest.fixture
def sink(settings: Any) -> Iterator[SmtpSink]:
    with SmtpSink() as running:
        settings.MAILERS = running.mailers()
        yield running


def person(email: str = "ansvarlig@example.dk") -> User:
    return User.objects.create(email=email, name="Ansvarlig Person")


def tell(user: User, key: str = "a1", kind: str = KIND) -> Notification | None:
    return services.notify(
        kind=kind,
        key=key,
        user=user,
        context={"title": "Ny legeplads", "due": "01-12-2026", "path": "/mine-indsatser/"},
    )


def test_a_notification_is_written_with_the_change_or_not_at_all() -> None:
    user = person()
    with pytest.raises(RuntimeError), transaction.atomic():
        tell(user)
        raise RuntimeError("the change failed")
    assert not Notification.objects.exists()
    row = tell(user)
    assert row is not None
    assert (row.status, row.delivery, row.address) == (Status.QUEUED, "immediate", user.email)


def test_the_same_event_is_queued_once() -> None:
    user = person()
    assert tell(user) is not None
    assert tell(user) is None
    assert Notification.objects.count() == 1


def test_a_person_who_unsubscribed_is_not_sent_anything(sink: SmtpSink) -> None:
    """Bad input: a notification to a person who unsubscribed: recorded as suppressed,
    nothing sent, no error for the module that asked."""
    user = person()
    NotificationPreference.objects.create(user=user, kind=KIND, preference=Preference.OFF)
    row = tell(user)
    assert row is not None and row.status == Status.SUPPRESSED
    assert worker.send_batch().claimed == 0
    assert sink.message_ids() == []


def test_an_address_without_an_account_can_be_told(sink: SmtpSink) -> None:
    """For invitations and the like: notify() with an address instead of a user."""
    row = services.notify(
        kind=KIND, key="inv", address="Ny.Person@Example.dk", context={"title": "x", "due": "1"}
    )
    assert row is not None and row.address == "ny.person@example.dk"
    assert worker.send_batch().sent == 1
    (message,) = sink.messages
    assert message["To"] == "ny.person@example.dk"
    assert "/konto/beskeder/afmeld/" in message["List-Unsubscribe"]


def test_the_worker_sends_over_smtp_once_with_the_key_as_message_id(sink: SmtpSink) -> None:
    users = [person(f"p{n}@example.dk") for n in range(3)]
    rows = [tell(u) for u in users]
    result = worker.send_batch(batch=10)
    assert (result.claimed, result.sent) == (3, 3)
    assert sorted(sink.message_ids()) == sorted(r.message_id for r in rows if r)
    message = sink.messages[0]
    assert message["Subject"] == "Fristen er gået: Ny legeplads"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = message.get_content()
    assert "http://127.0.0.1:8000/mine-indsatser/" in body
    assert "/konto/beskeder/afmeld/" in body
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.SENT}
    assert worker.send_batch().claimed == 0  # nothing twice
    assert len(sink.message_ids()) == 3


def test_a_temporary_refusal_is_retried_later_with_backoff(sink: SmtpSink) -> None:
    row = tell(person())
    assert row is not None
    sink.recorder.refuse = "451 Try again later"
    before = timezone.now()
    result = worker.send_batch()
    assert result.retried == 1
    row.refresh_from_db()
    assert row.status == Status.QUEUED and row.attempts == 1
    assert row.due_at >= before + worker.backoff(1)
    assert "451" in row.last_error
    assert worker.send_batch().claimed == 0  # not due yet
    Notification.objects.filter(pk=row.pk).update(due_at=timezone.now())
    sink.recorder.refuse = None
    assert worker.send_batch().sent == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 2)
    assert worker.backoff(2) == 2 * worker.backoff(1)


def test_a_permanent_refusal_fails_without_retry(sink: SmtpSink) -> None:
    row = tell(person())
    assert row is not None
    sink.recorder.refuse = "550 No such user"
    assert worker.send_batch().failed == 1
    row.refresh_from_db()
    assert row.status == Status.FAILED and "550" in row.last_error


def test_a_server_that_is_down_leaves_everything_queued(settings: Any) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    tell(person())
    result = worker.send_batch()
    assert result.retried == 1
    assert Notification.objects.get().status == Status.QUEUED


def test_a_dead_workers_lease_runs_out_and_only_its_unsent_rows_are_resent(
    sink: SmtpSink,
) -> None:
    users = [person(f"p{n}@example.dk") for n in range(3)]
    for u in users:
        tell(u)
    claimed = worker.claim(worker="dead", batch=10, lease=dt.timedelta(minutes=5))
    assert len(claimed) == 3
    # It got one message out and recorded it, then died.
    worker._record_sent(claimed[0], "dead")
    assert worker.send_batch().claimed == 0  # the lease still holds
    Notification.objects.filter(status=Status.SENDING).update(due_at=timezone.now())
    result = worker.send_batch()
    assert (result.claimed, result.sent) == (2, 2)
    assert sorted(sink.message_ids()) == sorted(r.message_id for r in claimed[1:])
    # The dead worker's late record of a row someone else sent changes nothing.
    worker._record_failure(claimed[1], "dead", "late", permanent=True)
    assert Notification.objects.filter(status=Status.SENT).count() == 3


def test_sqlite_or_not_a_second_claimer_finds_the_rows_taken() -> None:
    tell(person())
    first = worker.claim(worker="one", batch=10, lease=dt.timedelta(minutes=5))
    second = worker.claim(worker="two", batch=10, lease=dt.timedelta(minutes=5))
    assert len(first) == 1 and second == []


def test_turning_a_kind_off_after_queueing_suppresses_it(sink: SmtpSink) -> None:
    user = person()
    tell(user)
    services.preferences_set(actor=user, choices={KIND: Preference.OFF})
    assert worker.send_batch().suppressed == 1
    assert sink.message_ids() == []


def test_the_daily_digest_collects_a_persons_rows_into_one_email(sink: SmtpSink) -> None:
    user, other = person(), person("anden@example.dk")
    tell(user, "a1", DAILY_KIND)
    tell(user, "a2", DAILY_KIND)
    tell(other, "a3", DAILY_KIND)
    assert worker.send_batch().claimed == 0  # daily rows wait for the digest
    today = timezone.localdate()
    assert worker.digests_build(today=today) == 2
    assert worker.digests_build(today=today) == 0  # once a day
    assert worker.send_batch().sent == 2
    mine = next(m for m in sink.messages if m["To"] == user.email)
    assert mine["Subject"] == "Almen: 2 nye beskeder"
    assert mine.get_content().count("Indsatsen har snart frist: Ny legeplads") == 2
    digest = Notification.objects.get(kind=DIGEST_KIND, recipient=user)
    assert mine["Message-ID"] == message_id(digest.key)
    assert set(digest.items.values_list("status", flat=True)) == {Status.SENT}
    # A row queued after today's digest waits for tomorrow's.
    tell(user, "a4", DAILY_KIND)
    assert worker.digests_build(today=today) == 0
    assert worker.digests_build(today=today + dt.timedelta(days=1)) == 1


def test_a_digest_for_a_person_with_nothing_due_sends_nothing(sink: SmtpSink) -> None:
    """Bad input: nothing due → no digest row, no e-mail."""
    user = person()
    tell(user, "a1", DAILY_KIND)
    services.preferences_set(actor=user, choices={DAILY_KIND: Preference.OFF})
    assert worker.digests_build(today=timezone.localdate()) == 0
    assert worker.digests_build(today=timezone.localdate()) == 0
    assert worker.send_batch().claimed == 0
    assert sink.message_ids() == []
    assert Notification.objects.get().status == Status.SUPPRESSED


def test_preferences_decide_immediate_or_digest() -> None:
    user = person()
    services.preferences_set(actor=user, choices={KIND: Preference.DAILY})
    row = tell(user)
    assert row is not None and row.delivery == Delivery.DAILY


def test_the_worker_command_sends_with_djangos_backend() -> None:
    """The development path: the locmem/console backend, through the command."""
    from django.core.management import call_command

    tell(person())
    call_command("notify_worker", "--once", "--batch", "5")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"].endswith("@almen.notify>")


# --- the pages ----------------------------------------------------------------------


def test_unsubscribe_link_asks_on_get_and_unsubscribes_on_post() -> None:
    user = person()
    tell(user)
    token = services.unsubscribe_token(kind=KIND, user_id=user.pk)
    url = reverse("notify:unsubscribe", args=[token])
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200 and "Afmeld" in page.content.decode()
    assert not NotificationPreference.objects.exists()  # a link checker unsubscribes no one
    done = client.post(url)  # one click, no login, no CSRF token (RFC 8058)
    assert done.status_code == 200
    assert "Du er afmeldt" in done.content.decode()
    assert NotificationPreference.objects.get(user=user, kind=KIND).preference == "off"
    assert Notification.objects.get().status == Status.SUPPRESSED
    assert tell(user, "a2").status == Status.SUPPRESSED  # type: ignore[union-attr]


def test_a_forged_unsubscribe_link_is_404() -> None:
    token = services.unsubscribe_token(kind=KIND, user_id=1)
    assert Client().get(reverse("notify:unsubscribe", args=[token[:-2] + "xx"])).status_code == 404
    assert Client().post(reverse("notify:unsubscribe", args=["nonsense"])).status_code == 404


def test_unsubscribe_from_everything_and_back() -> None:
    user = person()
    token = services.unsubscribe_token(kind=services.ALL_KINDS, user_id=user.pk)
    Client().post(reverse("notify:unsubscribe", args=[token]))
    assert services.preference_for("reports.pack_ready", user_id=user.pk) == Preference.OFF
    services.preferences_set(actor=user, choices={KIND: Preference.IMMEDIATE})
    assert services.preference_for("reports.pack_ready", user_id=user.pk) == Preference.IMMEDIATE


def test_preferences_page_lists_every_kind_and_saves(client_for: Any) -> None:
    from almen.lib import notifications

    client = client_for("resident_a")
    page = client.get(reverse("notify:preferences")).content.decode()
    for kind in notifications.kinds():
        assert str(kind.label) in page
    data = {k.key: k.default.value for k in notifications.kinds()}
    data[KIND] = "off"
    response = client.post(reverse("notify:preferences"), data)
    assert response.status_code == 302
    user = User.objects.get(email="beboer.a@almen.demo")
    assert services.preference_for(KIND, user_id=user.pk) == Preference.OFF


def test_preferences_page_refuses_a_missing_or_unknown_choice(client_for: Any) -> None:
    client = client_for("resident_a")
    response = client.post(reverse("notify:preferences"), {KIND: "sometimes"})
    assert response.status_code == 400
    assert "Vælg, hvordan du vil have denne besked." in response.content.decode()
    assert not NotificationPreference.objects.exists()
