from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    """The access policy. It has no models: apps contribute the roles users hold."""

    name = "almen.access"
    verbose_name = _("Adgang")
