from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "almen.register"
    verbose_name = _("Register")

    def ready(self) -> None:
        from almen.access.policy import register_contributor
        from almen.register.grants import register_grants
        from almen.register.metrics import register_metrics

        register_contributor(register_grants)
        register_metrics()
