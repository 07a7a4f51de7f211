from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    """People and roles without Django admin: invitations, body members, roles, letters."""

    name = "almen.people"
    verbose_name = _("Personer")

    def ready(self) -> None:
        from almen.people import manifest

        manifest.register()
