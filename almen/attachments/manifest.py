"""What attachments plugs in (called from ``AttachmentsConfig.ready()``): its URLs.
The owners of attachments (goals, reviews, actions, styringsdialog meetings) register
themselves from their own manifests (``attachments.owners.register_owner``)."""

from __future__ import annotations

from almen.lib import routes

APP = "attachments"


def register() -> None:
    routes.register_urls("almen.attachments.urls", app=APP)
