from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "almen.accounts"
    verbose_name = _("Konti")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added

        from almen.accounts import checks  # noqa: F401  (registers the deploy checks)
        from almen.accounts.mfa import record_mfa_on_activation

        authenticator_added.connect(record_mfa_on_activation, dispatch_uid="almen-mfa-activation")
