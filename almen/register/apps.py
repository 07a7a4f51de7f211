from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "almen.register"
    verbose_name = _("Register")

    def ready(self) -> None:
        from almen.register import manifest

        manifest.register()
