"""What the democracy's meetings plug in (called from ``manifest.register()``)."""

from __future__ import annotations


def register() -> None:
    return None
