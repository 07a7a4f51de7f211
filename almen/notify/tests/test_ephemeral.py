"""Ephemeral kinds (``NotificationKind.ephemeral``): the outbox keeps a secret in a row's
context only while the message is on its way. Sent over real SMTP to the sink, then the
row is read back; a suppressed, failed or forgotten row loses its context too."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from almen.accounts.models import User
from almen.lib import notifications
from almen.lib.notifications import Preference
from almen.notify import services, worker
from almen.notify.models import Delivery, Notification, Status
from almen.notify.testing import SmtpSink

pytestmark = pytest.mark.django_db

KIND = "notify.ephemeral_test"
SECRET = "K7F-3QX-M2P"


@pytest.fixture(autouse=True)
def ephemeral_kind() -> Iterator[None]:
    """A kind like goals.action_overdue (its template), but ephemeral, for these tests
    only (the registry is put back as it was)."""
    registry = notifications._kinds
    saved = dict(registry._entries)
    base = notifications.get("goals.action_overdue")
    notifications.register(dataclasses.replace(base, key=KIND, ephemeral=True), app="notify")
    yield
    registry._entries = saved


@pytest.fixture
def sink(settings: Any) -> Iterator[SmtpSink]:
    with SmtpSink() as running:
        settings.MAILERS = running.mailers()
        yield running


def person(email: str = "vaelger@example.dk") -> User:
    return User.objects.create(email=email, name="Vælger Person")


def tell(user: User, key: str = "k1", kind: str = KIND) -> Notification:
    row = services.notify(
        kind=kind, key=key, user=user, context={"title": SECRET, "due": "i dag", "path": "/"}
    )
    assert row is not None
    return row


def test_an_ephemeral_rows_context_is_gone_once_sent(sink: SmtpSink) -> None:
    row = tell(person())
    assert Notification.objects.get(pk=row.pk).context["title"] == SECRET  # while waiting
    assert worker.send_batch().sent == 1
    body = sink.messages[0].get_body()
    assert body is not None and SECRET in body.get_content()  # the message had it
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert row.context == {}
    assert SECRET not in repr(Notification.objects.filter(pk=row.pk).values().get())


def test_an_ordinary_kind_keeps_its_context(sink: SmtpSink) -> None:
    row = tell(person(), kind="goals.action_overdue")
    assert worker.send_batch().sent == 1
    row.refresh_from_db()
    assert row.context["title"] == SECRET


def test_sent_by_the_worker_command_with_djangos_backend() -> None:
    from django.core import mail

    row = tell(person())
    call_command("notify_worker", "--once")
    assert len(mail.outbox) == 1 and SECRET in mail.outbox[0].body
    row.refresh_from_db()
    assert (row.status, row.context) == (Status.SENT, {})


def test_a_kind_turned_off_keeps_no_secret_and_waits_for_no_digest() -> None:
    off = person("fra@example.dk")
    services.preferences_set(actor=off, choices={KIND: Preference.OFF})
    row = tell(off)
    assert (row.status, row.context) == (Status.SUPPRESSED, {})
    daily = person("daglig@example.dk")
    services.preferences_set(actor=daily, choices={KIND: Preference.DAILY})
    assert tell(daily).delivery == Delivery.IMMEDIATE


def test_a_permanent_refusal_forgets_the_context(sink: SmtpSink) -> None:
    sink.recorder.refuse = "550 no such mailbox"
    row = tell(person())
    assert worker.send_batch().failed == 1
    row.refresh_from_db()
    assert (row.status, row.context) == (Status.FAILED, {})


def test_a_temporary_refusal_keeps_it_for_the_retry(sink: SmtpSink) -> None:
    sink.recorder.refuse = "451 try later"
    row = tell(person())
    assert worker.send_batch().retried == 1
    row.refresh_from_db()
    assert row.status == Status.QUEUED and row.context["title"] == SECRET


def test_turned_off_after_queueing_forgets_at_send(sink: SmtpSink) -> None:
    user = person()
    row = tell(user)
    services.preferences_set(actor=user, choices={KIND: Preference.OFF})
    assert worker.send_batch().suppressed == 1
    row.refresh_from_db()
    assert (row.status, row.context) == (Status.SUPPRESSED, {})


def test_the_purge_blanks_leftovers_and_gives_up_on_old_ones() -> None:
    user = person()
    # A worker that died between sending and recording: sent, context still there.
    leftover = tell(user, key="left")
    Notification.objects.filter(pk=leftover.pk).update(status=Status.SENT)
    old = tell(user, key="old")
    Notification.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - worker.EPHEMERAL_MAX_AGE - dt.timedelta(minutes=1)
    )
    fresh = tell(user, key="fresh")
    ordinary = tell(user, key="ordinary", kind="goals.action_overdue")
    Notification.objects.filter(pk=ordinary.pk).update(status=Status.SENT)

    assert worker.ephemeral_purge() == 2
    leftover.refresh_from_db()
    old.refresh_from_db()
    fresh.refresh_from_db()
    ordinary.refresh_from_db()
    assert (leftover.status, leftover.context) == (Status.SENT, {})
    assert (old.status, old.context) == (Status.FAILED, {})
    assert fresh.status == Status.QUEUED and fresh.context["title"] == SECRET
    assert ordinary.context["title"] == SECRET  # not an ephemeral kind
    assert worker.ephemeral_purge() == 0
