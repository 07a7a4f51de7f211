"""The write-matrix rows for the democracy's notices: merged into
``almen/access/tests/test_writes.py``'s WRITES (imported at its end; use
``w.Write``, ``w._post_only``)."""

from __future__ import annotations

from typing import Any

from almen.access.tests import test_writes as w  # noqa: F401

WRITES: dict[str, Any] = {}
