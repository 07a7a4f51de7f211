from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Report packs for the board, the residents' meeting and the municipality."""

    name = "almen.reports"
    verbose_name = _("Rapporter")

    def ready(self) -> None:
        from almen.reports import manifest

        manifest.register()
