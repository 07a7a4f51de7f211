from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GreenConfig(AppConfig):
    """Grøn drift: meters, readings, versioned emission factors, CO2e footprints,
    benchmarks, energy labels, green measures and biodiversity (decision 0031)."""

    name = "almen.green"
    verbose_name = _("Grøn drift")

    def ready(self) -> None:
        from almen.green import manifest

        manifest.register()
