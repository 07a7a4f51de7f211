from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "almen.goals"
    verbose_name = _("Almene mål")

    def ready(self) -> None:
        from almen.goals import manifest

        manifest.register()
