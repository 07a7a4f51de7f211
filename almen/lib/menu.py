"""The menu registry: what each module puts in the header's main menu, per role.

A module registers its items from its ``manifest.py``; the header (``_menu.html``, laid
out by the web) shows the items whose predicate holds for the request's principal, in
``order`` (gaps of ten leave room between modules), resolving each URL name lazily: an
item whose URL does not resolve (its module's URLs are withdrawn, or not merged yet) is
left out rather than failing the page.

Some links need the person's own places (the CVR of the organisation a staff member
works for, the number of the estate a board member sits for). ``args`` gets the
principal and ``Places`` and returns the URL arguments, or None to leave the item out.
``Places`` comes from the one registered places provider (the register's), asked at most
once per request and only when an item that is shown needs it.

    menu.register(MenuItem("imports.list", _("Import"), "imports:list", 70,
                           shown=is_staff, args=first_staff_cvr), app="imports")
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from almen.lib.registry import Registry


@dataclass(frozen=True)
class Place:
    """An organisation (``cvr``) or an estate (``cvr`` of its organisation and ``number``)."""

    id: int
    cvr: str
    name: str
    number: int | None = None


@dataclass(frozen=True)
class Places:
    """The principal's own organisations and estates, by id (what ``args`` may need)."""

    organisations: dict[int, Place] = field(default_factory=dict)
    estates: dict[int, Place] = field(default_factory=dict)

    def organisation(self, ids: frozenset[int]) -> Place | None:
        """The first of these organisations (by name), or None."""
        found = sorted((self.organisations[i] for i in ids if i in self.organisations), key=_name)
        return found[0] if found else None

    def estate(self, ids: frozenset[int]) -> Place | None:
        found = sorted((self.estates[i] for i in ids if i in self.estates), key=_name)
        return found[0] if found else None


def _name(place: Place) -> tuple[str, int]:
    return (place.name, place.id)


def everybody(p: Any) -> bool:
    return True


def signed_in(p: Any) -> bool:
    return p.user_id is not None


@dataclass(frozen=True)
class MenuItem:
    key: str
    label: str | Promise
    url_name: str
    order: int
    # A predicate on the principal: is this item for this person?
    shown: Callable[[Any], bool] = everybody
    # (principal, places) -> URL arguments, or None to leave the item out.
    args: Callable[[Any, Places], Sequence[Any] | None] | None = None


@dataclass(frozen=True)
class Link:
    key: str
    label: str | Promise
    url: str
    current: bool = False


_items: Registry[MenuItem] = Registry("menu items")
_places: Registry[Callable[[Any], Places]] = Registry("menu places")


def register(item: MenuItem, *, app: str) -> None:
    _items.register(item.key, item, app=app)


def register_places(provider: Callable[[Any], Places], *, app: str) -> None:
    """The function that reads a principal's organisations and estates (one app's)."""
    _places.register(f"{app}:places", provider, app=app)


def items() -> list[MenuItem]:
    return sorted(_items.items(), key=lambda item: (item.order, item.key))


def links(principal: Any, path: str = "") -> list[Link]:
    """The principal's menu: the items shown to them whose URL resolves, in order; the
    one whose URL is the longest prefix of ``path`` is marked current."""
    places: Places | None = None
    result: list[Link] = []
    for item in items():
        if not item.shown(principal):
            continue
        args: Sequence[Any] = ()
        if item.args is not None:
            if places is None:
                providers = _places.items()
                places = providers[0](principal) if providers else Places()
            found = item.args(principal, places)
            if found is None:
                continue
            args = found
        try:
            url = reverse(item.url_name, args=list(args))
        except NoReverseMatch:
            continue
        result.append(Link(item.key, item.label, url))
    return _mark_current(result, path)


def _mark_current(result: list[Link], path: str) -> list[Link]:
    best: Link | None = None
    for link in result:
        matches = path == link.url if link.url == "/" else path.startswith(link.url)
        if matches and (best is None or len(link.url) > len(best.url)):
            best = link
    return [
        Link(link.key, link.label, link.url, current=True) if link is best else link
        for link in result
    ]


# --- predicates and arguments modules share ------------------------------------------
def is_staff(p: Any) -> bool:
    """Organisation staff (Administration)."""
    return bool(p.staff_organisations)


def staff_cvr(p: Any, places: Places) -> tuple[str] | None:
    """The CVR of the (first) organisation the person works for."""
    place = places.organisation(p.staff_organisations)
    return (place.cvr,) if place else None
