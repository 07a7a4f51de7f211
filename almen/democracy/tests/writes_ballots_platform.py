"""The write-matrix rows for the secret ballots' API and statistics: none (every new
route is a GET; a POST to them answers 405 and writes nothing, which test_writes'
read-only check holds). Merged into ``almen/access/tests/test_writes.py``'s WRITES."""

from __future__ import annotations

from typing import Any

from almen.access.tests import test_writes as w  # noqa: F401

WRITES: dict[str, Any] = {}
