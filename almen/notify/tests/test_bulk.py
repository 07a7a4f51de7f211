"""``notify_bulk``: many messages of one event at once, with the same keys,
placement and preferences as ``notify`` (so neither queues what the other did)."""

from __future__ import annotations

import pytest

from almen.accounts.models import User
from almen.lib.notifications import Preference
from almen.notify import services
from almen.notify.models import Delivery, Notification, NotificationPreference, Status

pytestmark = pytest.mark.django_db
KIND = "democracy.notice"


def test_bulk_queues_users_and_addresses_once() -> None:
    user = User.objects.create(email="bruger@example.dk", name="Bruger")
    messages = [
        services.Message(kind=KIND, key="m1:h1", address=user.email, user_id=user.pk),
        services.Message(kind=KIND, key="m1:h2", address=" Uden.Konto@Example.dk "),
    ]
    services.notify_bulk(messages, chunk=1)
    rows = Notification.objects.filter(kind=KIND).order_by("pk")
    assert [(r.recipient_id, r.address) for r in rows] == [
        (user.pk, "bruger@example.dk"),
        (None, "uden.konto@example.dk"),
    ]
    assert all(r.status == Status.QUEUED and r.delivery == Delivery.IMMEDIATE for r in rows)
    # Again, in bulk or one by one: nothing new.
    services.notify_bulk(messages)
    assert services.notify(kind=KIND, key="m1:h1", user=user) is None
    assert services.notify(kind=KIND, key="m1:h2", address="uden.konto@example.dk") is None
    assert Notification.objects.filter(kind=KIND).count() == 2


def test_bulk_keeps_each_persons_choice() -> None:
    daily = User.objects.create(email="daglig@example.dk", name="Daglig")
    off = User.objects.create(email="fra@example.dk", name="Fra")
    NotificationPreference.objects.create(user=daily, kind=KIND, preference=Preference.DAILY)
    NotificationPreference.objects.create(user=off, kind="*", preference=Preference.OFF)
    NotificationPreference.objects.create(
        address="afmeldt@example.dk", kind=KIND, preference=Preference.OFF
    )
    services.notify_bulk(
        [
            services.Message(kind=KIND, key="k", address=daily.email, user_id=daily.pk),
            services.Message(kind=KIND, key="k", address=off.email, user_id=off.pk),
            services.Message(kind=KIND, key="k", address="afmeldt@example.dk"),
        ]
    )
    placed = {r.address: (r.status, r.delivery) for r in Notification.objects.filter(kind=KIND)}
    assert placed == {
        "daglig@example.dk": (Status.QUEUED, Delivery.DAILY),
        "fra@example.dk": (Status.SUPPRESSED, Delivery.IMMEDIATE),
        "afmeldt@example.dk": (Status.SUPPRESSED, Delivery.IMMEDIATE),
    }
    users, addresses = services.preferences_off(
        KIND, user_ids=[daily.pk, off.pk], addresses=["AFMELDT@example.dk", "ny@example.dk"]
    )
    assert users == {off.pk} and addresses == {"afmeldt@example.dk"}


def test_an_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(LookupError):
        services.notify_bulk([services.Message(kind="nope.kind", key="k", address="a@b.dk")])
