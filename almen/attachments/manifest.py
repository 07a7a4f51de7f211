"""What attachments plugs in (called from ``AttachmentsConfig.ready()``)."""

from __future__ import annotations

APP = "attachments"


def register() -> None:
    pass
