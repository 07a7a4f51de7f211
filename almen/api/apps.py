from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "almen.api"
    verbose_name = _("API")

    def ready(self) -> None:
        from almen.api import manifest

        manifest.register()
