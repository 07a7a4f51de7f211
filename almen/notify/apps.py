from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    """The notification outbox: one row per recipient and channel, sent by workers."""

    name = "almen.notify"
    verbose_name = _("Beskeder")

    def ready(self) -> None:
        from almen.notify import manifest

        manifest.register()
