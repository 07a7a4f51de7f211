from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemocracyConfig(AppConfig):
    """Beboerdemokrati: meetings with the legal timeline, notices, proposals,
    petitions, attendance, votes in the hall, minutes and the decision register."""

    name = "almen.democracy"
    verbose_name = _("Beboerdemokrati")

    def ready(self) -> None:
        from almen.democracy import manifest

        manifest.register()
