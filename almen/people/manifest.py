"""What people plugs in (called from ``PeopleConfig.ready()``)."""

from __future__ import annotations

APP = "people"


def register() -> None:
    pass
