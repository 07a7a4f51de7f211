"""The principal's own organisations and estates for the header menu (``lib/menu.py``)
and the home panels that link to them (imports, reports): their ids, CVR numbers, names
and numbers. Every page asks, so they are cached per set of ids until an organisation or
an estate is saved or deleted (``names_changed``, connected by the register's manifest);
a cold read is at most two small queries, and only for people who hold such places."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache

from almen.access.policy import Principal
from almen.lib import versions
from almen.lib.menu import Place, Places
from almen.register.models import Estate, Organisation

VERSION_KEY = "register:names:version"
TIMEOUT = 60 * 60


def names_version() -> int:
    return versions.current(VERSION_KEY)


def names_changed(**_kwargs: Any) -> None:
    """An organisation's or an estate's name, CVR or number may have changed."""
    versions.bump(VERSION_KEY)


def _cached(
    kind: str, ids: frozenset[int], compute: Callable[[], dict[int, Place]]
) -> dict[int, Place]:
    key = "register:places:{}:{}:v{}".format(kind, ",".join(map(str, sorted(ids))), names_version())
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, TIMEOUT)
    return dict(found)


def organisation_places(ids: frozenset[int]) -> dict[int, Place]:
    if not ids:
        return {}
    return _cached(
        "o",
        ids,
        lambda: {
            pk: Place(pk, cvr, name)
            for pk, cvr, name in Organisation.objects.filter(pk__in=ids).values_list(
                "pk", "cvr", "name"
            )
        },
    )


def estate_places(ids: frozenset[int]) -> dict[int, Place]:
    if not ids:
        return {}
    return _cached(
        "e",
        ids,
        lambda: {
            pk: Place(pk, cvr, name, number)
            for pk, cvr, name, number in Estate.objects.filter(pk__in=ids).values_list(
                "pk", "organisation__cvr", "name", "number"
            )
        },
    )


def organisations_by_name(ids: frozenset[int]) -> list[Place]:
    """These organisations as places (``cvr``, ``name``), by name: for a panel's links."""
    return sorted(organisation_places(ids).values(), key=lambda place: (place.name, place.id))


def principal_places(p: Principal) -> Places:
    return Places(
        organisations=organisation_places(p.staff_organisations | p.board_organisations),
        estates=estate_places(p.board_estates | p.resident_estates),
    )
