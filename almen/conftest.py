"""Shared fixtures. The personas (STYLE.md) are built once per test session, through
the same code as the demo, and every test sees them inside its own transaction."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from almen.accounts.tests.helpers import login_with_mfa
from almen.attachments.tests.matrix import matrix_attachment_create
from almen.democracy.ballots_testing import matrix_ballots_create
from almen.democracy.testing import matrix_democracy_create
from almen.dialogue.testing import matrix_dialogue_create
from almen.goals.testing import matrix_goal_create
from almen.green.testing import matrix_green_create
from almen.register.demo import Persona, personas, personas_create
from almen.register.testing import matrix_resident_create


@pytest.fixture(autouse=True)
def _danish_by_default() -> object:
    """Every test starts in Danish, the source language. A request through the test
    client leaves the language its LocaleMiddleware chose active in the thread, so
    without this a test's messages would depend on which test ran before it."""
    from django.utils import translation

    translation.activate("da")
    yield
    translation.deactivate()


PERSONA_KEYS = [
    "resident_a",
    "resident_b",
    "estate_board_a",
    "org_board",
    "org_staff",
    "other_org_staff",
    "municipality_officer",
    "sector_staff",
    "anonymous",
]


@pytest.fixture(autouse=True)
def _fresh_cache() -> object:
    """Every test starts with an empty cache: cached pages, pictures and rate-limit
    counters are kept per data version, and a test's rolled-back data would otherwise
    leave entries that a later test in the same worker reads as its own."""
    from django.core.cache import cache

    from almen.lib import versions

    cache.clear()
    versions.forget()
    yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        personas_create(homes_per_estate=6, estates_per_org=2)
        matrix_goal_create()
        matrix_dialogue_create()
        matrix_attachment_create()
        matrix_resident_create()
        matrix_democracy_create()
        matrix_ballots_create()
        matrix_green_create()


@pytest.fixture
def cast(db: None) -> dict[str, Persona]:
    return personas()


@pytest.fixture
def client_for(cast: dict[str, Persona]) -> Callable[[str], Client]:
    """A test client logged in as the named persona ("anonymous": not logged in)."""

    def make(key: str) -> Client:
        client = Client()
        user = cast[key].user
        if user is not None:
            login_with_mfa(client, user)  # as after the real login, TOTP step included
        return client

    return make
