from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialogueConfig(AppConfig):
    """Styringsdialog: the yearly dialogue between municipality and organisation."""

    name = "almen.dialogue"
    verbose_name = _("Styringsdialog")

    def ready(self) -> None:
        from almen.dialogue import manifest

        manifest.register()
