"""The one way a module tells a person something: ``notify()`` inside the module's own
transaction writes outbox rows; workers send them (``almen/notify/worker.py``).

    notify(kind="goals.goal_adopted", user=person, key=f"goal:{copy.pk}",
           context={"title": goal.title, "path": goal_path})

``key`` names the event; with the channel and the recipient it becomes the row's unique
idempotency key, so calling ``notify`` twice for the same event (a retried request, a
producer run twice the same day) queues one message. The person's preference for the
kind (or the kind's default) decides: immediate, the daily digest, or ``suppressed``
(turned off or unsubscribed: the row is kept as a record, nothing is sent).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from almen.audit.services import audit_record
from almen.lib import bulk, notifications
from almen.lib.notifications import Preference, Reminder
from almen.notify.models import (
    Channel,
    Delivery,
    Notification,
    NotificationPreference,
    Status,
)

if TYPE_CHECKING:
    from almen.accounts.models import User

UNSUBSCRIBE_SALT = "almen.notify.unsubscribe"
ALL_KINDS = "*"


def full_key(channel: str, owner: str, key: str) -> str:
    return f"{channel}:{owner}:{key}"[:300]


def preference_for(kind: str, *, user_id: int | None = None, address: str = "") -> Preference:
    """What the person chose for ``kind`` (an unsubscribe from everything counts), or
    the kind's default."""
    rows = NotificationPreference.objects.filter(kind__in=[kind, ALL_KINDS])
    rows = rows.filter(user_id=user_id) if user_id else rows.filter(user=None, address=address)
    chosen = {row.kind: row.preference for row in rows}
    if chosen.get(ALL_KINDS) == Preference.OFF:
        return Preference.OFF
    if kind in chosen:
        return Preference(chosen[kind])
    return notifications.get(kind).default


def _placement(preference: Preference) -> tuple[str, str]:
    if preference == Preference.OFF:
        return Status.SUPPRESSED, Delivery.IMMEDIATE
    if preference == Preference.DAILY:
        return Status.QUEUED, Delivery.DAILY
    return Status.QUEUED, Delivery.IMMEDIATE


def notify(
    *,
    kind: str,
    key: str,
    context: dict[str, Any] | None = None,
    user: User | None = None,
    address: str = "",
    channel: str = Channel.EMAIL,
    language: str | None = None,
) -> Notification | None:
    """Queue one message of ``kind`` for ``user`` (or for ``address``, someone without an
    account). Call it inside the transaction of the change it tells about. Returns the
    row, or None when the same message was already queued (or the user has no
    address or is deactivated)."""
    declared = notifications.get(kind)  # an unknown kind is a programming error: LookupError
    if user is not None:
        if not user.is_active or not user.email:
            return None
        address, owner = user.email, f"u{user.pk}"
    else:
        if not address:
            raise ValueError("notify() needs a user or an address")
        address = address.strip().lower()
        owner = f"a{address}"
    status, delivery = _placement(
        preference_for(kind, user_id=user.pk if user else None, address=address)
    )
    context = context or {}
    if declared.ephemeral:
        # A secret is not kept waiting for tomorrow's digest, and not kept at all for a
        # message that will not be sent.
        delivery = Delivery.IMMEDIATE
        if status == Status.SUPPRESSED:
            context = {}
    row = Notification(
        kind=kind,
        recipient=user,
        address=address,
        channel=channel,
        language=language or settings.LANGUAGE_CODE,
        context=context,
        delivery=delivery,
        status=status,
        key=full_key(channel, owner, f"{kind}:{key}"),
        due_at=timezone.now(),
    )
    if Notification.objects.filter(key=row.key).exists():
        return None
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin leaves the caller's
            row.save()  # transaction usable
    except IntegrityError:
        return None
    return row


def notify_many(
    *, kind: str, key: str, users: Iterable[User], context: dict[str, Any] | None = None
) -> int:
    """``notify`` for each of ``users`` (the same event; each its own row)."""
    seen: set[int] = set()
    count = 0
    for user in users:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        if notify(kind=kind, key=key, user=user, context=context) is not None:
            count += 1
    return count


# --- reminders: the daily producers' output, queued in bulk ---------------------------

COLUMNS = [
    "kind",
    "recipient_id",
    "address",
    "channel",
    "language",
    "context",
    "delivery",
    "status",
    "key",
    "due_at",
    "claimed_by",
    "attempts",
    "last_error",
    "created_at",
]


def _chunks[T](items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def queue_reminders(reminders: Iterable[Reminder], *, chunk: int = 20_000) -> int:
    """Queue reminders through the outbox in bulk: per chunk, one query for the
    recipients, one for their preferences, one multi-row insert that skips keys already
    queued (so a second run the same day adds nothing). Returns the rows inserted
    (PostgreSQL) or sent to the database (SQLite, where skipped ones count too)."""
    users = get_user_model().objects
    now = timezone.now()
    language = settings.LANGUAGE_CODE
    total = 0
    for part in _chunks(reminders, chunk):
        ids = {r.user_id for r in part}
        kinds = {r.kind for r in part}
        for kind in kinds:
            notifications.get(kind)
        addresses = dict(
            users.filter(pk__in=ids, is_active=True).exclude(email="").values_list("pk", "email")
        )
        chosen: dict[tuple[int, str], str] = {
            (u, k): p
            for u, k, p in NotificationPreference.objects.filter(
                user_id__in=ids, kind__in=[*kinds, ALL_KINDS]
            ).values_list("user_id", "kind", "preference")
        }
        rows = []
        for r in part:
            address = addresses.get(r.user_id)
            if address is None:
                continue
            if chosen.get((r.user_id, ALL_KINDS)) == Preference.OFF:
                preference = Preference.OFF
            else:
                preference = Preference(
                    chosen.get((r.user_id, r.kind), notifications.get(r.kind).default)
                )
            status, delivery = _placement(preference)
            rows.append(
                (
                    r.kind,
                    r.user_id,
                    address,
                    Channel.EMAIL,
                    language,
                    r.context,
                    delivery,
                    status,
                    full_key(Channel.EMAIL, f"u{r.user_id}", f"{r.kind}:{r.key}"),
                    now,
                    "",
                    0,
                    "",
                    now,
                )
            )
        with transaction.atomic():
            total += _insert_new(rows)
    return total


def _insert_new(rows: list[tuple[Any, ...]]) -> int:
    """Insert the rows whose key is not queued yet. PostgreSQL: ``COPY`` into a
    temporary table, then one ``INSERT … SELECT … ON CONFLICT (key) DO NOTHING`` (the
    number inserted is exact). SQLite: batched ``executemany`` with the same
    ``ON CONFLICT`` (the number is of rows sent)."""
    if connection.vendor != "postgresql":
        return bulk.insert_rows(Notification, COLUMNS, rows, ignore_conflicts_on=["key"])
    names = list(COLUMNS)  # attnames are the column names here (recipient_id …)
    columns = ", ".join(names)
    context = COLUMNS.index("context")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS notify_incoming")
        cursor.execute(
            f"CREATE TEMP TABLE notify_incoming ON COMMIT DROP AS "  # noqa: S608 - names
            f"SELECT {columns} FROM notify_notification WITH NO DATA"
        )
        ready = ((*row[:context], json.dumps(row[context]), *row[context + 1 :]) for row in rows)
        bulk.copy_rows("notify_incoming", names, ready)
        cursor.execute(
            f"INSERT INTO notify_notification ({columns}) "  # noqa: S608 - names
            f"SELECT {columns} FROM notify_incoming ON CONFLICT (key) DO NOTHING"
        )
        inserted = int(cursor.rowcount)
        cursor.execute("DROP TABLE notify_incoming")  # inside a savepoint, too
        return inserted


def reminders_queue_all(*, today: dt.date) -> dict[str, int]:
    """Run every registered reminder producer for ``today``; what each queued."""
    return {
        producer.key: queue_reminders(producer.produce(today))
        for producer in notifications.reminder_producers()
    }


# --- preferences and unsubscribing -----------------------------------------------------


def unsubscribe_token(*, kind: str, user_id: int | None = None, address: str = "") -> str:
    payload = {"k": kind, "u": user_id} if user_id else {"k": kind, "a": address}
    return signing.dumps(payload, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> dict[str, Any] | None:
    """The token's owner and kind, or None if it was not made by us."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or "k" not in payload:
        return None
    kind = payload["k"]
    if kind != ALL_KINDS and kind not in {k.key for k in notifications.kinds()}:
        return None
    return payload


def _set(*, user: Any, address: str, kind: str, preference: str) -> bool:
    lookup = (
        {"user": user, "address": ""} if user is not None else {"user": None, "address": address}
    )
    row, created = NotificationPreference.objects.get_or_create(
        **lookup, kind=kind, defaults={"preference": preference}
    )
    if not created and row.preference != preference:
        row.preference = preference
        row.save(update_fields=["preference", "updated_at"])
        return True
    return created


@transaction.atomic
def preferences_set(*, actor: User, choices: dict[str, str]) -> int:
    """A person's own choices, kind by kind (an unknown kind or choice: ValueError).
    Saving the page also ends an "unsubscribe from everything". Returns how many
    changed."""
    known = {k.key for k in notifications.kinds()}
    changed = 0
    for kind, value in choices.items():
        if kind not in known:
            raise ValueError(kind)
        preference = Preference(value)
        changed += _set(user=actor, address="", kind=kind, preference=preference)
    deleted, _ = NotificationPreference.objects.filter(user=actor, kind=ALL_KINDS).delete()
    changed += deleted
    if changed:
        audit_record(
            actor=actor,
            action="update",
            obj=NotificationPreference,
            organisation_id=None,
            after={"preferences": choices},
        )
    return changed


@transaction.atomic
def unsubscribe_apply(*, token: str) -> dict[str, Any] | None:
    """Turn a kind (or everything) off for the token's owner, with no login: the link
    in the e-mail is the proof. Queued messages of that kind are suppressed too."""
    payload = unsubscribe_read(token)
    if payload is None:
        return None
    kind = payload["k"]
    user = None
    address = ""
    if payload.get("u"):
        user = get_user_model().objects.filter(pk=payload["u"]).first()
        if user is None:
            return None
    else:
        address = payload.get("a", "")
    _set(user=user, address=address, kind=kind, preference=Preference.OFF)
    pending = Notification.objects.filter(status=Status.QUEUED)
    pending = pending.filter(recipient=user) if user else pending.filter(address=address)
    if kind != ALL_KINDS:
        pending = pending.filter(kind=kind)
    pending.update(status=Status.SUPPRESSED, due_at=timezone.now())
    audit_record(
        actor=user,
        actor_label=None if user else address,
        action="update",
        obj=NotificationPreference,
        organisation_id=None,
        after={"unsubscribed": kind},
    )
    return payload


# --- many messages of one event at once (democracy's notices to every household) -----


@dataclass(frozen=True)
class Message:
    """One message for ``notify_bulk``: to a user (``user_id``, who must have an
    address: ``address`` is theirs) or to an address alone (``user_id`` None)."""

    kind: str
    key: str
    address: str
    user_id: int | None = None
    context: dict[str, Any] = field(default_factory=dict)


def preferences_off(
    kind: str, *, user_ids: Iterable[int] = (), addresses: Iterable[str] = ()
) -> tuple[set[int], set[str]]:
    """Who turned ``kind`` (or everything) off, of these users and addresses: one query
    (a kind whose default is off counts everyone without a choice of their own)."""
    users, owners = set(user_ids), {a.strip().lower() for a in addresses}
    rows = NotificationPreference.objects.filter(kind__in=[kind, ALL_KINDS]).filter(
        Q(user_id__in=users) | Q(user=None, address__in=owners)
    )
    chosen: dict[tuple[int | str, str], str] = {
        (u or a, k): p
        for u, a, k, p in rows.values_list("user_id", "address", "kind", "preference")
    }
    default = notifications.get(kind).default

    def off(owner: int | str) -> bool:
        if chosen.get((owner, ALL_KINDS)) == Preference.OFF:
            return True
        return chosen.get((owner, kind), default) == Preference.OFF

    return {u for u in users if off(u)}, {a for a in owners if off(a)}


def notify_bulk(messages: Iterable[Message], *, chunk: int = 20_000) -> int:
    """``notify`` for many messages in bulk, with the same keys, placement and
    preferences (so a later ``notify`` of the same event queues nothing): per chunk one
    query for preferences and one multi-row insert that skips keys already queued.
    Returns the rows inserted (PostgreSQL) or sent to the database (SQLite)."""
    now = timezone.now()
    language = settings.LANGUAGE_CODE
    total = 0
    for part in _chunks(messages, chunk):
        for kind in {m.kind for m in part}:
            notifications.get(kind)
        users = {m.user_id for m in part if m.user_id}
        addresses = {m.address.strip().lower() for m in part if not m.user_id}
        rows = NotificationPreference.objects.filter(
            kind__in=[*{m.kind for m in part}, ALL_KINDS]
        ).filter(Q(user_id__in=users) | Q(user=None, address__in=addresses))
        chosen: dict[tuple[int | str, str], str] = {
            (u or a, k): p
            for u, a, k, p in rows.values_list("user_id", "address", "kind", "preference")
        }
        out = []
        for m in part:
            address = m.address.strip().lower() if not m.user_id else m.address
            if not address:
                continue
            owner_id: int | str = m.user_id or address
            if chosen.get((owner_id, ALL_KINDS)) == Preference.OFF:
                preference = Preference.OFF
            else:
                preference = Preference(
                    chosen.get((owner_id, m.kind), notifications.get(m.kind).default)
                )
            status, delivery = _placement(preference)
            owner = f"u{m.user_id}" if m.user_id else f"a{address}"
            out.append(
                (
                    m.kind,
                    m.user_id,
                    address,
                    Channel.EMAIL,
                    language,
                    m.context,
                    delivery,
                    status,
                    full_key(Channel.EMAIL, owner, f"{m.kind}:{m.key}"),
                    now,
                    "",
                    0,
                    "",
                    now,
                )
            )
        with transaction.atomic():
            total += _insert_new(out)
    return total
