from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "almen.imports"
    verbose_name = _("Registerimport")

    def ready(self) -> None:
        from almen.imports import manifest

        manifest.register()
