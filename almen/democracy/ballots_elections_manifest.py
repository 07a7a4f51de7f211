"""What elections plug in (called from ``manifest.register()``): nothing of their own
yet; the ballot's notifications and menu are the admin part's."""

from __future__ import annotations


def register() -> None:
    return None
