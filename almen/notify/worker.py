"""Sending the outbox: claim a batch, send it over one connection, record each outcome.

**Claim.** One short transaction takes up to ``batch`` due rows (queued ones, and
``sending`` ones whose lease ran out because their worker died) with ``SELECT … FOR
UPDATE SKIP LOCKED`` on PostgreSQL, so parallel workers take disjoint batches without
waiting for each other, and marks them ``sending`` by this worker until the lease ends.
SQLite has no row locks: its write transaction admits one claimer at a time, and the
guarded update below makes a second claimer find nothing.

**Never twice.** Each message is recorded ``sent`` the moment the receiver accepted it,
in one statement that also releases the claim (and only if the claim is still ours),
before the next message is sent. A killed worker therefore leaves at most the one
message it was handing over unrecorded; everything it recorded stays sent, and the next
worker resends only what was not. The message's Message-ID is derived from its
idempotency key, the same on every attempt, so even that one in-flight message is
recognisable as a repeat by the receiver (our tests count by it). A worker stops sending
before its lease runs out, so no one else can claim a row it is still sending.

**Retry.** A temporary failure puts the row back in the queue after an exponential
backoff (1, 2, 4 … minutes, at most a day); after ``MAX_ATTEMPTS`` or a permanent
refusal it is ``failed`` with the error kept.

**Ephemeral kinds** (``NotificationKind.ephemeral``: a secret ballot's tracker code)
keep their context only while the message is on its way: the statement that records it
sent (or failed for good, or suppressed) also blanks the context, and
``ephemeral_purge`` (run by ``manage.py notify_worker`` when idle) blanks any that a
crash left behind and gives up on those that waited longer than a day. The rendered
text is never stored.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.template import Context
from django.template.base import TextNode, TokenType, Variable, VariableNode
from django.template.defaulttags import LoadNode
from django.template.loader import get_template
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.urls import reverse
from django.utils import timezone, translation

from almen.lib import notifications
from almen.lib.notifications import Preference
from almen.notify import services
from almen.notify.channels import CHANNELS, Outgoing, PermanentFailure, Sender
from almen.notify.models import (
    DIGEST_KIND,
    Delivery,
    Notification,
    NotificationPreference,
    Status,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_MAX = dt.timedelta(days=1)
DEFAULT_LEASE = dt.timedelta(minutes=5)
# An ephemeral message not sent within this time is given up, its context blanked.
EPHEMERAL_MAX_AGE = dt.timedelta(days=1)


def backoff(attempts: int) -> dt.timedelta:
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


@dataclass
class BatchResult:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    suppressed: int = 0
    released: int = 0


def claim(*, worker: str, batch: int, lease: dt.timedelta) -> list[Notification]:
    now = timezone.now()
    due = Q(
        status__in=[Status.QUEUED, Status.SENDING], delivery=Delivery.IMMEDIATE, due_at__lte=now
    )
    with transaction.atomic():
        candidates = Notification.objects.filter(due).order_by("due_at")
        if connection.vendor == "postgresql":
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("pk", flat=True)[:batch])
        if not ids:
            return []
        # Guarded: only rows still due become ours (a second claimer on SQLite, which
        # waited for this transaction, finds them taken).
        Notification.objects.filter(due, pk__in=ids).update(
            status=Status.SENDING,
            due_at=now + lease,
            claimed_by=worker,
            attempts=F("attempts") + 1,
        )
    return list(
        Notification.objects.filter(pk__in=ids, claimed_by=worker, status=Status.SENDING)
        .select_related("recipient")
        .order_by("due_at", "pk")
    )


def _mine(row: Notification, worker: str) -> Q:
    return Q(pk=row.pk, claimed_by=worker, status=Status.SENDING)


_SENT_SQL = (
    "UPDATE notify_notification SET status = %s, sent_at = %s, claimed_by = '', "
    "last_error = '' WHERE id = %s AND claimed_by = %s AND status = %s"
)
# The same for an ephemeral kind: its context goes in the statement that records it sent.
_SENT_EPHEMERAL_SQL = _SENT_SQL.replace("last_error = ''", "last_error = '', context = '{}'")


def is_ephemeral(kind: str) -> bool:
    try:
        return notifications.get(kind).ephemeral
    except LookupError:  # a kind no module declares any more
        return False


def _forget(row: Notification) -> dict[str, Any]:
    """The extra fields of a final update: an ephemeral row's context goes."""
    return {"context": {}} if is_ephemeral(row.kind) else {}


def _record_sent(row: Notification, worker: str, cursor: Any = None) -> None:
    """One statement: sent, and the claim released, only if the claim is still ours
    (plain SQL on the batch's one cursor: it runs once per message, where the ORM's
    compiling and a cursor per statement would show)."""
    now = timezone.now()
    if row.kind != DIGEST_KIND:
        params: list[Any] = [Status.SENT.value, now, row.pk, worker, Status.SENDING.value]
        sql = _SENT_EPHEMERAL_SQL if is_ephemeral(row.kind) else _SENT_SQL
        if cursor is not None:
            cursor.execute(sql, params)
            return
        with connection.cursor() as own:
            own.execute(sql, params)
        return
    with transaction.atomic():
        done = Notification.objects.filter(_mine(row, worker)).update(
            status=Status.SENT, sent_at=now, claimed_by="", last_error=""
        )
        if done:
            row.items.update(status=Status.SENT, sent_at=now)
            ephemeral = [k.key for k in notifications.kinds() if k.ephemeral]
            if ephemeral:  # only notify_bulk could have put one in a digest
                row.items.filter(kind__in=ephemeral).update(context={})


def _record_failure(row: Notification, worker: str, error: str, *, permanent: bool) -> str:
    give_up = permanent or row.attempts >= MAX_ATTEMPTS
    Notification.objects.filter(_mine(row, worker)).update(
        status=Status.FAILED if give_up else Status.QUEUED,
        due_at=timezone.now() + (dt.timedelta(0) if give_up else backoff(row.attempts)),
        claimed_by="",
        last_error=error[:500],
        **(_forget(row) if give_up else {}),
    )
    return "failed" if give_up else "retried"


def _release(rows: list[Notification], worker: str) -> int:
    """Give back rows this worker will not send now (its lease is nearly over)."""
    return Notification.objects.filter(
        pk__in=[r.pk for r in rows], claimed_by=worker, status=Status.SENDING
    ).update(status=Status.QUEUED, due_at=timezone.now(), claimed_by="", attempts=F("attempts") - 1)


def _turned_off(rows: list[Notification]) -> set[int]:
    """Rows whose person turned the kind off after it was queued (one query)."""
    users = {r.recipient_id for r in rows if r.recipient_id}
    addresses = {r.address for r in rows if not r.recipient_id}
    off = NotificationPreference.objects.filter(preference=Preference.OFF).filter(
        Q(user_id__in=users) | Q(user=None, address__in=addresses)
    )
    keys = {(u or a, k) for u, a, k in off.values_list("user_id", "address", "kind")}
    return {
        r.pk
        for r in rows
        if r.kind != DIGEST_KIND
        and (
            (r.recipient_id or r.address, r.kind) in keys
            or (r.recipient_id or r.address, services.ALL_KINDS) in keys
        )
    }


# --- rendering -----------------------------------------------------------------------


class Memo:
    """What a batch renders once: each kind's text per context and language (the same
    reminder goes to every member of a body), and each person's signed unsubscribe link
    per kind. Made per batch, so a changed template or setting shows in the next one."""

    def __init__(self) -> None:
        self.texts: dict[tuple[str, str, str], tuple[str, str]] = {}
        self.links: dict[tuple[int | None, str, str], tuple[str, str]] = {}


def _links(row: Notification, kind: str, memo: Memo | None = None) -> tuple[str, str]:
    owner = (row.recipient_id, "" if row.recipient_id else row.address, kind)
    if memo is not None and owner in memo.links:
        return memo.links[owner]
    token = services.unsubscribe_token(kind=kind, user_id=owner[0], address=owner[1])
    base, preferences = _url_bases()
    links = base.replace("TOKEN", token), preferences
    if memo is not None:
        memo.links[owner] = links
    return links


@functools.cache
def _url_bases() -> tuple[str, str]:
    return (
        settings.SITE_URL + reverse("notify:unsubscribe", args=["TOKEN"]),
        settings.SITE_URL + reverse("notify:preferences"),
    )


@functools.cache
def _template(name: str) -> Any:
    return get_template(name).template  # type: ignore[attr-defined]


def _text(template: str, context: dict[str, Any]) -> str:
    """A plain-text template rendered without HTML escaping (an e-mail is not HTML)."""
    return str(_template(template).render(Context(context, autoescape=False))).strip()


def _printed_names(template: str) -> tuple[str, ...] | None:
    """The context names a template only prints, when that is all it does with them
    (text, ``{{ name }}`` without filters, ``{% translate "…" %}``, ``{% blocktranslate
    %}`` without a count or ``with``); None for any other template (a condition, a
    filter, a plural: its text depends on the values)."""
    names: list[str] = []
    for node in _template(template).nodelist:
        if isinstance(node, TextNode | LoadNode):
            continue
        if isinstance(node, VariableNode):
            expression = node.filter_expression
            var = expression.var
            if expression.filters or not isinstance(var, Variable) or var.lookups is None:
                return None
            if len(var.lookups) != 1:
                return None
            names.append(var.lookups[0])
        elif isinstance(node, TranslateNode):
            if (
                node.asvar
                or node.message_context
                or not isinstance(node.filter_expression.var, str)
            ):
                return None
        elif isinstance(node, BlockTranslateNode):
            if node.counter or node.extra_context or node.asvar or node.message_context:
                return None
            names += [t.contents for t in node.singular if t.token_type == TokenType.VAR]
        else:
            return None
    return tuple(dict.fromkeys(names))


_SIMPLE = functools.cache(_printed_names)


@functools.lru_cache(maxsize=256)
def _skeleton(template: str, language: str, names: tuple[str, ...]) -> str:
    """The template rendered once per language with a marker for each printed name."""
    with translation.override(language):
        return _text(template, {name: f"\x00{name}\x00" for name in names})


def _fill(template: str, names: tuple[str, ...], context: dict[str, Any]) -> str | None:
    """A simple template's text for ``context`` from its skeleton, or None when a value
    is not text (numbers and dates are localised by the template engine)."""
    values = [context.get(name, "") for name in names]
    if not all(isinstance(v, str) for v in values):
        return None
    text = _skeleton(template, translation.get_language() or "", names)
    for name, value in zip(names, values, strict=True):
        text = text.replace(f"\x00{name}\x00", value.replace("\x00", ""))
    return text.strip()


def _render_one(
    kind_key: str, context: dict[str, Any], memo: Memo | None = None
) -> tuple[str, str]:
    key = (kind_key, translation.get_language() or "", json.dumps(context, sort_keys=True))
    if memo is not None and key in memo.texts:
        return memo.texts[key]
    kind = notifications.get(kind_key)
    full = {**context, "site_url": settings.SITE_URL}
    names = _SIMPLE(kind.template)
    text = (_fill(kind.template, names, full) if names is not None else None) or _text(
        kind.template, full
    )
    subject, _, body = text.partition("\n")
    rendered = subject.strip(), body.strip()
    if memo is not None:
        memo.texts[key] = rendered
    return rendered


def render(row: Notification, memo: Memo | None = None) -> Outgoing:
    """The message in the recipient's language, with the unsubscribe link (also as the
    List-Unsubscribe header, one click per RFC 8058)."""
    with translation.override(row.language):
        if row.kind == DIGEST_KIND:
            items = [
                _render_one(item.kind, item.context, memo)
                for item in row.items.order_by("created_at", "pk")
            ]
            unsubscribe, preferences = _links(row, services.ALL_KINDS, memo)
            context = {"items": items, "site_url": settings.SITE_URL}
            subject, _, body = _text("notify/digest.txt", context).partition("\n")
        else:
            subject, body = _render_one(row.kind, row.context, memo)
            unsubscribe, preferences = _links(row, row.kind, memo)
        footer = _footer(unsubscribe, preferences, digest=row.kind == DIGEST_KIND, memo=memo)
    return Outgoing(
        to=row.address,
        subject=subject.strip(),
        body=f"{body.strip()}\n\n{footer}\n",
        message_id=row.message_id,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )


_LINK = "\x00unsubscribe\x00"


def _footer(unsubscribe: str, preferences: str, *, digest: bool, memo: Memo | None) -> str:
    """The footer: rendered once per language and batch with a placeholder where each
    message's own unsubscribe link goes."""
    key = ("notify/footer.txt", translation.get_language() or "", f"{digest}|{preferences}")
    if memo is None or key not in memo.texts:
        text = _text(
            "notify/footer.txt",
            {"unsubscribe": _LINK, "preferences": preferences, "digest": digest},
        ).strip()
        if memo is None:
            return text.replace(_LINK, unsubscribe)
        memo.texts[key] = (text, "")
    return memo.texts[key][0].replace(_LINK, unsubscribe)


# --- one pass ------------------------------------------------------------------------


def _asynchronous_commit() -> None:
    """PostgreSQL: the worker's commits return before the WAL is flushed to disk. A
    commit is still visible to every other session at once, so a killed *worker* loses
    nothing it recorded; only a crash of the database server itself could forget the
    last fraction of a second of "sent" records, whose messages would then be sent once
    more (with the same Message-ID). Without it each message waits for a disk flush: the
    bench measured 24 messages/s instead of hundreds on a busy disk."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")


def warm_up() -> None:
    """What the first message would otherwise pay for (the URL configuration behind the
    unsubscribe link, each kind's template compiled and checked): done at start-up, so
    a broken template shows before anything is claimed."""
    _url_bases()
    for kind in notifications.kinds():
        _SIMPLE(kind.template)
    for name in ("notify/footer.txt", "notify/digest.txt"):
        _template(name)


class Senders:
    """A worker's open channels, kept open from one batch to the next while there is
    work (one SMTP connection per worker, not per batch); the worker closes them when
    it finds nothing to do, so an idle worker holds no connection a server would time
    out. A channel whose connection failed is dropped and opened afresh next time."""

    def __init__(self) -> None:
        self.open: dict[str, Sender] = {}

    def get(self, channel: str) -> Sender:
        if channel not in self.open:
            sender: Sender = CHANNELS[channel]()
            sender.open()
            self.open[channel] = sender
        return self.open[channel]

    def drop(self, channel: str) -> None:
        sender = self.open.pop(channel, None)
        if sender is not None:
            with contextlib.suppress(Exception):  # one that will not close cleanly is gone
                sender.close()

    def close(self) -> None:
        for channel in list(self.open):
            self.drop(channel)


def send_batch(
    *,
    batch: int = 100,
    lease: dt.timedelta = DEFAULT_LEASE,
    worker: str | None = None,
    channel: str = "email",
    senders: Senders | None = None,
) -> BatchResult:
    """Claim and send one batch. Returns what happened to it. With ``senders`` (the
    worker's), the channel stays open for the next batch; without, it is opened and
    closed here."""
    worker = worker or uuid.uuid4().hex
    _asynchronous_commit()
    rows = claim(worker=worker, batch=batch, lease=lease)
    result = BatchResult(claimed=len(rows))
    if not rows:
        return result
    # Stop early enough that the lease, measured on the database's clock, is still ours.
    deadline = time.monotonic() + lease.total_seconds() * 0.8
    off = _turned_off(rows)
    own = senders is None
    senders = senders or Senders()
    try:
        sender = senders.get(channel)
    except Exception as error:  # the server is down: every row waits and tries again
        logger.warning("notify: cannot open %s channel: %s", channel, error)
        for row in rows:
            outcome = _record_failure(row, worker, f"connect: {error}", permanent=False)
            setattr(result, outcome, getattr(result, outcome) + 1)
        return result
    memo = Memo()
    cursor = connection.cursor()
    try:
        for index, row in enumerate(rows):
            if time.monotonic() > deadline:
                result.released += _release(rows[index:], worker)
                break
            if row.pk in off:
                Notification.objects.filter(_mine(row, worker)).update(
                    status=Status.SUPPRESSED, claimed_by="", **_forget(row)
                )
                result.suppressed += 1
                continue
            try:
                message = render(row, memo)
                sender.send(message)
            except PermanentFailure as error:
                result.failed += 1
                _record_failure(row, worker, str(error), permanent=True)
            except Exception as error:  # a dropped connection, a timeout, a template
                logger.warning("notify: %s to %s failed: %s", row.kind, row.address, error)
                outcome = _record_failure(row, worker, repr(error), permanent=False)
                setattr(result, outcome, getattr(result, outcome) + 1)
                if isinstance(error, OSError | EOFError):
                    # The connection is gone: the rest of the batch goes back, unsent.
                    senders.drop(channel)
                    result.released += _release(rows[index + 1 :], worker)
                    break
            else:
                _record_sent(row, worker, cursor)
                result.sent += 1
    finally:
        cursor.close()
        if own:
            senders.close()
    return result


# --- ephemeral kinds -------------------------------------------------------------------


def ephemeral_purge(*, now: dt.datetime | None = None) -> int:
    """Blank the context of ephemeral rows that are done with (sent, failed, suppressed:
    normally blanked already, unless a worker died between sending and recording), and
    give up on those still waiting after ``EPHEMERAL_MAX_AGE`` (``failed``, context
    blanked; a row in a live lease is left to its worker). Returns the rows changed."""
    kinds = [k.key for k in notifications.kinds() if k.ephemeral]
    if not kinds:
        return 0
    now = now or timezone.now()
    rows = Notification.objects.filter(kind__in=kinds)
    done = (
        rows.filter(status__in=[Status.SENT, Status.FAILED, Status.SUPPRESSED])
        .exclude(context={})
        .update(context={})
    )
    waiting = Q(status=Status.QUEUED) | Q(status=Status.SENDING, due_at__lt=now)
    stale = rows.filter(waiting, created_at__lt=now - EPHEMERAL_MAX_AGE).update(
        status=Status.FAILED,
        context={},
        claimed_by="",
        last_error="not sent in time: the message's context is not kept",
    )
    return done + stale


# --- the daily digest -----------------------------------------------------------------


def digests_build(*, today: dt.date | None = None) -> int:
    """One digest per person with daily rows waiting: the rows become its items and the
    digest is queued like any immediate message. A person with nothing waiting gets
    nothing; one digest per person per day (its key), so a second run the same day
    leaves later rows for tomorrow's. Returns the digests written."""
    today = today or timezone.localdate()
    pending = Notification.objects.filter(
        status=Status.QUEUED, delivery=Delivery.DAILY, digest__isnull=True
    )
    owners = list(pending.values_list("recipient_id", "address").distinct())
    written = 0
    for user_id, address in owners:
        with transaction.atomic():
            mine = (
                pending.filter(recipient_id=user_id)
                if user_id
                else pending.filter(recipient=None, address=address)
            )
            rows = (
                mine.select_for_update(skip_locked=True)
                if connection.vendor == "postgresql"
                else mine
            )
            items = list(rows.order_by("pk"))
            off = _turned_off(items)
            if off:
                Notification.objects.filter(pk__in=off).update(status=Status.SUPPRESSED)
            items = [i for i in items if i.pk not in off]
            if not items:
                continue
            owner = f"u{user_id}" if user_id else f"a{address}"
            key = services.full_key("email", owner, f"{DIGEST_KIND}:{today.isoformat()}")
            if Notification.objects.filter(key=key).exists():
                continue
            digest = Notification.objects.create(
                kind=DIGEST_KIND,
                recipient_id=user_id,
                address=items[-1].address,
                channel="email",
                language=items[-1].language,
                context={"day": today.isoformat()},
                delivery=Delivery.IMMEDIATE,
                status=Status.QUEUED,
                key=key,
                due_at=timezone.now(),
            )
            Notification.objects.filter(pk__in=[i.pk for i in items]).update(digest=digest)
            written += 1
    return written
