"""Which housing organisation a person belongs to, for messages that name it.

The login-code and password e-mails (``almen.accounts.adapters``) greet a person with
their organisation's name, but accounts sit below the register and cannot ask it. The
register answers here instead, from its manifest:

    affiliation.register("register", organisation_name_for_user, app="register")

The first registered answer that is not ``None`` wins; nobody answers: ``None`` (the
e-mail then says "Almen").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from almen.lib.registry import Registry

Lookup = Callable[[Any], str | None]

_lookups: Registry[Lookup] = Registry("organisation affiliation")


def register(key: str, lookup: Lookup, *, app: str) -> None:
    _lookups.register(key, lookup, app=app)


def organisation_name(user: Any) -> str | None:
    """The name of the organisation ``user`` belongs to, or None (unknown, several
    answers are not asked for: the first wins)."""
    if user is None:
        return None
    for lookup in _lookups.items():
        name = lookup(user)
        if name:
            return name
    return None
