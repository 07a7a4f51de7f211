from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "almen.web"
    verbose_name = _("Web")

    def ready(self) -> None:
        from almen.web import manifest

        manifest.register()
