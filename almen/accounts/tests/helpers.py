"""Small helpers shared by the login tests (ordinary code, not fixtures)."""

from __future__ import annotations

import re
import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.test import Client, RequestFactory

from almen.accounts.models import User
from almen.register.demo import DEMO_TOTP_SECRET

# allauth's e-mail puts the code on a line of its own, e.g. "VLDK-SKQF".
_CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)


def login_code_from_outbox(email: str) -> str:
    """The one-time code in the newest e-mail to ``email``."""
    messages = [m for m in mail.outbox if email in m.to]
    assert messages, f"no e-mail to {email}"
    match = _CODE.search(str(messages[-1].body))
    assert match, messages[-1].body
    return match.group(1)


def demo_totp_code(at: float | None = None) -> str:
    """The code an authenticator app with the demo's secret shows right now."""
    counter = int((time.time() if at is None else at) // 30)
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))


def forget_used_totp(user_id: int, code: str) -> None:
    """allauth refuses a TOTP code used once in its window (replay protection); tests
    in the same 30 seconds log the same persona in, so they forget the earlier use."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.core.cache import cache

    authenticator = Authenticator.objects.get(user_id=user_id, type=Authenticator.Type.TOTP)
    cache.delete(TOTP(authenticator)._get_used_cache_key(code))


def login_with_mfa(client: Client, user: User) -> None:
    """Log ``client`` in as ``user`` as the real login leaves it: ``force_login`` plus,
    for a user with TOTP, the record allauth writes after the TOTP step (without it the
    MFA middleware rightly asks staff for a code first)."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator

    client.force_login(user)
    totp = Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).first()
    if totp is None:
        return
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = user
    record_authentication(request, user, "mfa", id=totp.pk, type=totp.type)
    request.session.save()
