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

_local = threading.local()


def current(key: str) -> int:
    memo: dict[str, int] | None = getattr(_local, "memo", None)
    if memo is not None and key in memo:
        return memo[key]
    value = int(cache.get_or_set(key, 1, None) or 1)
    if memo is not None:
        memo[key] = value
    return value


def bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not there (a new or flushed cache): anything but the default 1
        cache.set(key, 2, None)
    memo: dict[str, int] | None = getattr(_local, "memo", None)
    if memo is not None:
        memo.pop(key, None)


def forget() -> None:
    """Drop this thread's snapshot (a test that ended inside a request)."""
    _local.memo = None


def _request_started(**_kwargs: Any) -> None:
    _local.memo = {}


def _request_finished(**_kwargs: Any) -> None:
    _local.memo = None


request_started.connect(_request_started, dispatch_uid="almen-versions-start")
request_finished.connect(_request_finished, dispatch_uid="almen-versions-finish")
