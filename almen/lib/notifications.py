"""The notification-kind registry: what a module can tell a person about.

A module declares each kind it sends: a key, a label and a description (for the
settings page where a person chooses), the default preference, and the template the
message is rendered from. The outbox that sends them reads this registry; a module
never edits a central list of kinds.

    notifications.register(NotificationKind("goals.review_overdue", _("Status er
        overskredet"), _("…"), Preference.IMMEDIATE, "goals/notifications/review_overdue.txt"),
        app="goals")
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

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


_kinds: Registry[NotificationKind] = Registry("notification kinds")


def register(kind: NotificationKind, *, app: str) -> None:
    if not kind.key.startswith(app + "."):
        raise ValueError(f"notification kind {kind.key!r} must start with {app!r}.")
    _kinds.register(kind.key, kind, app=app)


def get(key: str) -> NotificationKind:
    return _kinds.get(key)


def kinds() -> list[NotificationKind]:
    return _kinds.items()
