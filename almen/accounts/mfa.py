"""The session's two-factor state, read from allauth's own records.

allauth logs every authentication step of the current session
(``allauth.account.authentication.get_authentication_records``): ``password``,
``code``, ``socialaccount`` and, after the TOTP or recovery-code step, ``mfa``. Having
an authenticator is not the same as having used it: only an ``mfa`` record for this
user in this session means the second factor was passed.
"""

from __future__ import annotations

from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

MFA_METHOD = "mfa"


def session_passed_mfa(request: HttpRequest) -> bool:
    """True when this session's user passed a second factor in this session, after the
    last time one of their authenticators was removed (``User.mfa_reset_at``). No query:
    the records live in the session, the reset time on the user row."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    reset = getattr(user, "mfa_reset_at", None)
    since = reset.timestamp() if reset else 0.0
    return any(
        record.get("method") == MFA_METHOD and float(record.get("at", 0)) > since
        for record in get_authentication_records(request, user)
    )


def has_totp(user: AbstractBaseUser) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def mfa_reset_on_removal(sender: Any, instance: Authenticator, **kwargs: Any) -> None:
    """An authenticator is gone (deactivated by its owner, deleted by an administrator):
    every session of that user that passed MFA before now must pass it again, so a
    staff role cannot go on without TOTP until the session expires."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    get_user_model().objects.filter(pk=instance.user_id).update(mfa_reset_at=timezone.now())


def record_mfa_on_activation(
    sender: Any,
    request: HttpRequest | None,
    user: AbstractBaseUser,
    authenticator: Any,
    **kwargs: Any,
) -> None:
    """Activating TOTP is a passed second factor: allauth has just asked for the password
    again and the person typed a valid code from the new app. Without this record they
    would be asked for a code straight after activation, and the code they just used
    would be refused as a replay."""
    if request is None or authenticator.type != Authenticator.Type.TOTP:
        return
    record_authentication(
        request, user, MFA_METHOD, id=authenticator.pk, type=authenticator.type, activated=True
    )
    # allauth sends the signal on commit, which may come after the session middleware
    # has saved the session (e.g. inside an outer transaction): save the record now.
    request.session.save()
