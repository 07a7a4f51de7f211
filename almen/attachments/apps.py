from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttachmentsConfig(AppConfig):
    """Files attached to goals, reviews, actions and meetings (Django's storage API)."""

    name = "almen.attachments"
    verbose_name = _("Bilag")

    def ready(self) -> None:
        from almen.attachments import manifest

        manifest.register()
