"""Data versions are read once per request (one snapshot per request), and every read
outside a request goes to the cache."""

from __future__ import annotations

from django.core.cache import cache
from django.core.signals import request_finished, request_started

from almen.lib import versions

KEY = "test:versions:key"


def test_a_request_sees_one_snapshot_and_its_own_bumps(db):
    cache.set(KEY, 5, None)
    request_started.send(sender=None)
    try:
        assert versions.current(KEY) == 5
        cache.set(KEY, 9, None)  # another process bumped meanwhile
        assert versions.current(KEY) == 5  # this request keeps its snapshot
        versions.bump(KEY)  # this request's own change shows at once
        assert versions.current(KEY) == 10
    finally:
        request_finished.send(sender=None)
    cache.set(KEY, 20, None)
    assert versions.current(KEY) == 20  # outside a request: the cache, every time


def test_outside_requests_every_read_goes_to_the_cache():
    cache.set(KEY, 3, None)
    assert versions.current(KEY) == 3
    cache.set(KEY, 4, None)
    assert versions.current(KEY) == 4


def test_a_missing_version_reads_one_and_a_bump_moves_it_off_one():
    cache.delete(KEY)
    assert versions.current(KEY) == 1
    cache.delete(KEY)
    versions.bump(KEY)
    assert versions.current(KEY) == 2
