"""State changes of accounts that are not allauth's own. Each one is audited."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from almen.accounts.models import User
from almen.audit.services import audited_update


def user_language_set(*, actor: Any, user: User, language: str) -> User:
    """Remember the language the person chose (the switch in the header); it is used
    whenever they are logged in, and for the e-mails Almen sends them."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Ukendt sprog."), code="language")
    return audited_update(
        actor=actor,
        obj=user,
        changes={"language": language},
        allowed={"language"},
        organisation_id=None,
    )
