"""What notify plugs in (called from ``NotifyConfig.ready()``)."""

from __future__ import annotations

APP = "notify"


def register() -> None:
    pass
