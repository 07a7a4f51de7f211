"""Query counts of the main pages: bounded, and the same after the register grows.

Each page is fetched, the register grows (more estates in the persona's organisation
and municipality, more households and residents in the persona's estate, another
organisation), and the page is fetched again: the number of queries must not change.
A page whose count grows with the data has an N+1 and fails here, not for a user."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from almen.register import services
from almen.register.demo import ORGANISATIONS, Persona
from almen.register.models import (
    Estate,
    Household,
    Municipality,
    Organisation,
    Resident,
    Unit,
)

pytestmark = pytest.mark.django_db

ORG_A = ORGANISATIONS[0][0]


def _homes(estate: Estate, count: int, start: int) -> None:
    units = Unit.objects.bulk_create(
        [
            Unit(estate=estate, number=f"Q-{start + i}", rooms=2, area_m2=Decimal("60.00"))
            for i in range(count)
        ]
    )
    households = Household.objects.bulk_create(
        [Household(unit=u, moved_in=dt.date(2020, 1, 1)) for u in units]
    )
    Resident.objects.bulk_create(
        [Resident(household=h, name=f"Ny Beboer {i}") for i, h in enumerate(households)]
        + [Resident(household=h, name=f"Anden Beboer {i}") for i, h in enumerate(households)]
    )


def grow_register() -> None:
    """More of everything the pages show, around every persona."""
    org_a = Organisation.objects.get(cvr=ORG_A)
    for org in Organisation.objects.all():
        top = max(org.estates.values_list("number", flat=True), default=0)
        for n in range(top + 1, top + 4):
            estate = services.estate_create(
                actor=None,
                organisation=org,
                number=n,
                name=f"Vækstparken {n}",
                municipality=org.municipality,
            )
            _homes(estate, 4, 0)
        for estate in org.estates.all()[:2]:
            _homes(estate, 7, 1000)
    for i in range(3):
        new = services.organisation_create(
            actor=None,
            cvr=f"1234567{i}",
            name=f"Ny Boligforening {i}",
            municipality=org_a.municipality,
        )
        estate = services.estate_create(
            actor=None,
            organisation=new,
            number=1,
            name="Nyparken",
            municipality=Municipality.objects.get(code="0751"),
        )
        _homes(estate, 3, 0)


def count_queries(client: Client, url: str) -> int:
    """Queries for one request with a cold cache (cached figures would hide growth)."""
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


@pytest.fixture
def urls(cast: dict[str, Persona]) -> dict[str, str]:
    estate = Estate.objects.get(organisation__cvr=ORG_A, number=1)
    return {
        "organisation": f"/organisationer/{ORG_A}/",
        "estate": f"/organisationer/{ORG_A}/afdelinger/{estate.number}/",
        "residents": f"/organisationer/{ORG_A}/afdelinger/{estate.number}/beboere/",
        "organisation_list": "/organisationer/",
    }


# The counts measured when these tests were written, plus SLACK so that a module adding
# one section to a page does not have to touch this file. What catches an N+1 is the
# second half of each test: the count must not change when the register grows.
SLACK = 2
# The header menu reads the person's own organisation or estate once (its CVR and
# number for the links "Din afdeling", "Import", "Rapporter"; almen/lib/menu.py).
MENU = 1
# Cold, the residents' ballots panel reads the estates' ballots (cached after) and what
# the household used in them: 2 (issue 9's panel, cached in the staff-home work).
BALLOTS_COLD = 1
# Cold, "my work" reads the bodies the person sits on twice: for its cached fragment's
# key and in its selector (almen.lib.panels; a warm page reads them once and nothing else
# of the panel).
MY_WORK_COLD = 1
HOME_BOUNDS = {
    "anonymous": 4 + SLACK,
    "resident_a": 6 + MENU + SLACK + BALLOTS_COLD,
    "resident_b": 6 + MENU + SLACK,
    # The dashboards (decision 0025): goals by status 2, my actions 3, what needs
    # attention 3 (boards and staff); latest imports 2 and report packs 2 (staff); the
    # sector's adoption from the national picture (cold here: the cache is cleared).
    "estate_board_a": 16 + MENU + SLACK + BALLOTS_COLD + MY_WORK_COLD,
    "org_board": 13 + MENU + SLACK,
    "org_staff": 19 + MENU + SLACK,
    "other_org_staff": 19 + MENU + SLACK,
    "municipality_officer": 8 + SLACK,
    "sector_staff": 15 + SLACK,
}


@pytest.mark.parametrize("persona", sorted(HOME_BOUNDS))
def test_home_page_queries_bounded_and_flat(
    persona: str,
    client_for: Callable[[str], Client],
    django_assert_max_num_queries: Callable[[int], object],
) -> None:
    client = client_for(persona)
    with django_assert_max_num_queries(HOME_BOUNDS[persona]):  # type: ignore[attr-defined]
        before = count_queries(client, "/")
    grow_register()
    assert count_queries(client, "/") == before


PAGES = [
    # page, persona, bound
    ("organisation", "anonymous", 6 + SLACK),
    ("organisation", "org_staff", 12 + MENU + SLACK),
    ("estate", "anonymous", 4 + SLACK),
    # … + grøn drift's two sections (its key figures; its published measures)
    ("estate", "resident_a", 16 + MENU + SLACK + BALLOTS_COLD),
    ("estate", "org_staff", 15 + MENU + SLACK),
    # +1 each: reading the residents list is audited (one insert per page viewed).
    ("residents", "org_staff", 10 + MENU + SLACK),
    ("residents", "estate_board_a", 9 + MENU + SLACK),
    ("organisation_list", "anonymous", 2 + SLACK),
    ("organisation_list", "sector_staff", 8 + SLACK),
]


@pytest.mark.parametrize(("page", "persona", "bound"), PAGES)
def test_page_queries_bounded_and_flat(
    page: str,
    persona: str,
    bound: int,
    urls: dict[str, str],
    client_for: Callable[[str], Client],
    django_assert_max_num_queries: Callable[[int], object],
) -> None:
    client = client_for(persona)
    with django_assert_max_num_queries(bound):  # type: ignore[attr-defined]
        before = count_queries(client, urls[page])
    grow_register()
    assert count_queries(client, urls[page]) == before
