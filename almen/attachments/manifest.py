"""What attachments plugs in (called from ``AttachmentsConfig.ready()``): its URLs.
The owners of attachments (goals, reviews, actions, styringsdialog meetings) register
themselves from their own manifests (``attachments.owners.register_owner``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from almen.audit.display import register_actions
from almen.lib import routes

APP = "attachments"


def register() -> None:
    register_actions({"refuse": _("Fil afvist af virusskanningen")})
    routes.register_urls("almen.attachments.urls", app=APP)
