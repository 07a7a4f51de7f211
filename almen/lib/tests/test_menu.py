"""The menu registry (almen/lib/menu.py): items per role, in order, URLs resolved lazily
(an item whose URL does not resolve is left out), the places asked for only when an
item shown needs them, and the current page marked."""

from __future__ import annotations

from typing import Any

import pytest

from almen.access.policy import ANONYMOUS, Principal
from almen.lib import menu
from almen.lib.menu import MenuItem, Place, Places

STAFF = Principal(user_id=1, staff_organisations=frozenset({7}))
RESIDENT = Principal(user_id=2, resident_estates=frozenset({3}))


@pytest.fixture
def fake_places() -> Any:
    """Staff of organisation 7 and a resident of estate 3, without a database."""
    saved = dict(menu._places._entries)
    menu._places._entries = {}
    menu.register_places(
        lambda p: Places(
            organisations={7: Place(7, "12345678", "Org")},
            estates={3: Place(3, "12345678", "Afdeling", 1)},
        ),
        app="register",
    )
    yield
    menu._places._entries = saved


def keys(principal: Any, path: str = "/") -> list[str]:
    return [link.key for link in menu.links(principal, path)]


def test_items_follow_the_role(fake_places: None) -> None:
    anonymous = keys(ANONYMOUS)
    staff = keys(STAFF)
    assert anonymous[:1] == ["web.home"]
    assert {"goals.framework", "goals.library", "goals.national"} <= set(anonymous)
    assert not {"goals.goals", "imports.list", "reports.organisation"} & set(anonymous)
    assert {"goals.goals", "imports.list", "reports.organisation", "dialogue.list"} <= set(staff)
    assert "web.estate" in keys(RESIDENT) and "imports.list" not in keys(RESIDENT)
    assert "goals.municipality" in keys(Principal(user_id=3, municipalities=frozenset({1})))


@pytest.mark.django_db
def test_links_carry_the_persons_own_places(cast: Any) -> None:
    from almen.access.policy import principal_for

    staff = principal_for(cast["org_staff"].user)
    links = {link.key: link.url for link in menu.links(staff, "/")}
    organisation = cast["org_staff"].user.memberships.get().organisation
    assert links["imports.list"] == f"/import/{organisation.cvr}/"
    assert links["reports.organisation"] == f"/rapporter/organisationer/{organisation.cvr}/"
    board = principal_for(cast["estate_board_a"].user)
    estate_link = {link.key: link.url for link in menu.links(board, "/")}["web.estate"]
    assert estate_link.startswith("/organisationer/") and "/afdelinger/" in estate_link


def test_an_item_whose_url_does_not_resolve_is_left_out(fake_places: None) -> None:
    # "Personer" (people:index) is registered before its pages exist.
    registry = menu._items
    saved = dict(registry._entries)
    try:
        menu.register(MenuItem("test.missing", "Mangler", "nowhere:index", 1), app="web")
        assert "test.missing" not in keys(STAFF)
    finally:
        registry._entries = saved


def test_places_are_asked_for_only_when_needed() -> None:
    calls: list[Any] = []
    saved = dict(menu._places._entries)

    def provider(p: Any) -> Places:
        calls.append(p)
        return Places(organisations={7: Place(7, "12345678", "Org")})

    try:
        menu._places._entries = {}
        menu.register_places(provider, app="register")
        menu.links(ANONYMOUS, "/")
        assert calls == []  # nothing anonymous sees needs a place
        links = {link.key: link.url for link in menu.links(STAFF, "/")}
        assert len(calls) == 1  # once for all the items that need one
        assert links["imports.list"] == "/import/12345678/"
    finally:
        menu._places._entries = saved


def test_the_current_page_is_the_longest_matching_link() -> None:
    links = menu.links(ANONYMOUS, "/almene-maal/overblik/")
    current = [link.key for link in links if link.current]
    assert current == ["goals.national"]
    assert [link.key for link in menu.links(ANONYMOUS, "/") if link.current] == ["web.home"]
