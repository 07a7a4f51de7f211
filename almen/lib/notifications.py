"""The notification-kind registry: what a module can tell a person about.

A module declares each kind it sends: a key, a label and a description (for the
settings page where a person chooses), the default preference, and the template the
message is rendered from. The outbox that sends them reads this registry; a module
never edits a central list of kinds.

    notifications.register(NotificationKind("goals.review_overdue", _("Status er
        overskredet"), _("…"), Preference.IMMEDIATE, "goals/notifications/review_overdue.txt"),
        app="goals")

Modules that remind people of deadlines register a **reminder producer**: a function
that gets the day and yields ``Reminder``s (kind, recipient, context, a key that makes
the reminder once-only). ``manage.py queue_reminders`` (almen/notify) runs every
producer each day and queues what they yield through the outbox, so the producing
module never imports the outbox for it.

A kind whose context is a secret that must not outlive the message (the tracker code
of a secret ballot, e-mailed to the voter) is ``ephemeral``: the outbox never puts it
in the daily digest, and blanks the row's context once the message is sent, has
failed for good or will not be sent (turned off), and when it has waited too long.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise

from almen.lib.registry import Registry


class Preference(StrEnum):
    IMMEDIATE = "immediate"  # a message for each event
    DAILY = "daily"  # collected in one daily digest
    OFF = "off"  # only on the site, no message


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: str | Promise
    description: str | Promise
    default: Preference
    template: str
    # The context is forgotten once the message is out (see the module's docstring).
    ephemeral: bool = False


_kinds: Registry[NotificationKind] = Registry("notification kinds")


def register(kind: NotificationKind, *, app: str) -> None:
    if not kind.key.startswith(app + "."):
        raise ValueError(f"notification kind {kind.key!r} must start with {app!r}.")
    _kinds.register(kind.key, kind, app=app)


def get(key: str) -> NotificationKind:
    return _kinds.get(key)


def kinds() -> list[NotificationKind]:
    return _kinds.items()


@dataclass(frozen=True)
class Reminder:
    """One reminder for one person. ``key`` makes it once-only: the same key on a later
    run (the same day, or the same deadline) is not queued again."""

    kind: str
    user_id: int
    key: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReminderProducer:
    key: str
    produce: Callable[[dt.date], Iterable[Reminder]]


_producers: Registry[ReminderProducer] = Registry("reminder producers")


def register_reminders(producer: ReminderProducer, *, app: str) -> None:
    if not producer.key.startswith(app + "."):
        raise ValueError(f"reminder producer {producer.key!r} must start with {app!r}.")
    _producers.register(producer.key, producer, app=app)


def reminder_producers() -> list[ReminderProducer]:
    return _producers.items()
