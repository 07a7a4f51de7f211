"""Data versions: counters in the cache that cached figures put in their keys, so that a
change makes every figure computed from the old data unreachable at once (goals,
democracy, the register's names, grøn drift). ``bump(key)`` after a change, ``current(key)``
when building a key.

A page reads the same version several times (each panel builds its own key), and each
read is a round trip to Redis. Within a request a version is read once and remembered
until the request ends or this process bumps it; outside requests (workers, commands,
tests calling selectors) every read goes to the cache. A request therefore sees one
snapshot of each version, as if it had read them all when it began."""

from __future__ import annotations

import threading
from typing import Any

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction

_local = threading.local()


def current(key: str) -> int:
    """The version under ``key``: 1 until the first bump."""
    return current_many((key,))[key]


def current_many(keys: list[str] | tuple[str, ...]) -> dict[str, int]:
    """Several versions in one round trip (a page's panels name theirs together), from
    the request's snapshot where it has them; one not in the cache yet is added as 1."""
    memo: dict[str, int] | None = getattr(_local, "memo", None)
    wanted = [k for k in dict.fromkeys(keys) if memo is None or k not in memo]
    found = cache.get_many(wanted) if wanted else {}
    for k in wanted:
        if not found.get(k):  # get_or_set adds: a concurrent bump is not undone
            found[k] = cache.get_or_set(k, 1, None) or 1
    values = {k: int(found[k]) for k in wanted}
    if memo is not None:
        memo.update(values)
    return {k: memo[k] if memo is not None else values[k] for k in keys}


def bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not there (a new or flushed cache): anything but the default 1
        cache.set(key, 2, None)
    memo: dict[str, int] | None = getattr(_local, "memo", None)
    if memo is not None:
        memo.pop(key, None)


class Bump:
    """An ``on_commit`` callback that bumps ``key``; it knows whether it has run."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.done = False

    def __call__(self) -> None:
        self.done = True
        bump(self.key)


def bump_on_commit(key: str) -> None:
    """``bump`` once the current transaction commits (at once outside one), and only
    once per transaction however often it is asked: a bulk change that writes a row at a
    time (the audit log of an import) costs one round trip, and a request cannot read
    the old data under the new version in between. A bump already waiting is reused
    only if it will survive whatever this one would (registered outside any savepoint
    that is still open, so that rolling one back cannot drop it)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        open_savepoints = set(connection.savepoint_ids)
        for savepoints, func, _robust in connection.run_on_commit:
            if (
                isinstance(func, Bump)
                and func.key == key
                and not func.done
                and set(savepoints) <= open_savepoints
            ):
                return
    transaction.on_commit(Bump(key))


def forget() -> None:
    """Drop this thread's snapshot (a test that ended inside a request)."""
    _local.memo = None


def _request_started(**_kwargs: Any) -> None:
    _local.memo = {}


def _request_finished(**_kwargs: Any) -> None:
    _local.memo = None


request_started.connect(_request_started, dispatch_uid="almen-versions-start")
request_finished.connect(_request_finished, dispatch_uid="almen-versions-finish")
