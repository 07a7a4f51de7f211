"""The authorisation matrix's rows for the democracy's notices: merged into
``almen/access/tests/test_matrix.py``'s EXPECTED (imported at its end, so the
helpers of test_matrix can be used here through ``m``)."""

from __future__ import annotations

from almen.access.tests import test_matrix as m  # noqa: F401

EXPECTED: dict[str, dict[str, int]] = {}
