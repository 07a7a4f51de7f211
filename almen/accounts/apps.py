from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "almen.accounts"
    verbose_name = _("Konti")

    def ready(self) -> None:
        from allauth.mfa.models import Authenticator
        from allauth.mfa.signals import authenticator_added
        from django.contrib import admin
        from django.db.models.signals import post_delete

        # Imported for their side effects: the deploy checks, the login receiver.
        from almen.accounts import checks, language  # noqa: F401
        from almen.accounts.mfa import mfa_reset_on_removal, record_mfa_on_activation
        from almen.accounts.views import admin_login

        authenticator_added.connect(record_mfa_on_activation, dispatch_uid="almen-mfa-activation")
        post_delete.connect(
            mfa_reset_on_removal, sender=Authenticator, dispatch_uid="almen-mfa-removal"
        )
        # One login door: the admin's own password form (no TOTP, no rate limits) is
        # replaced by a redirect to allauth's login, which comes back to the admin. The
        # admin builds its URLs from ``site.login`` when the URLconf loads, after this.
        admin.site.login = admin_login  # type: ignore[method-assign]
