"""The grants query is compiled once per database and day and run with each user's id
(``register/grants.py``): it must give exactly what the ORM's UNION gives, for every
persona, and follow a change in the register at once."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from almen.access.roles import Role
from almen.register import grants
from almen.register.models import Membership, Organisation


def _key(row: tuple) -> tuple:
    return tuple("" if value is None else str(value) for value in row)


def test_every_persona_gets_what_the_orm_union_gives(cast):
    seen_sources = set()
    for key, persona in cast.items():
        if persona.user is None:
            continue
        compiled = sorted(grants._rows(persona.user), key=_key)
        orm = sorted(grants.grants_queryset(persona.user), key=_key)
        assert compiled == orm, key
        seen_sources |= {row[0] for row in compiled}
    # The personas cover all three branches: memberships, seats and tenancies.
    assert seen_sources == {"m", "b", "h"}


def test_it_is_one_query_and_a_new_membership_shows_at_once(cast):
    user = cast["resident_a"].user
    before = list(grants.register_grants(user))
    organisation = Organisation.objects.exclude(pk__in=[g.organisation_id for g in before]).first()
    assert organisation is not None
    Membership.objects.create(
        user=user, role=Role.ORG_STAFF, organisation=organisation, starts=dt.date(2020, 1, 1)
    )
    with CaptureQueriesContext(connection) as queries:
        after = list(grants.register_grants(user))
    assert len(queries) == 1
    assert any(g.role == Role.ORG_STAFF and g.organisation_id == organisation.pk for g in after)
    assert len(after) == len(before) + 1


def test_a_membership_that_ends_is_gone_the_next_day(cast):
    user = cast["resident_a"].user
    organisation = Organisation.objects.first()
    assert organisation is not None
    today = timezone.localdate()
    Membership.objects.create(
        user=user,
        role=Role.ORG_STAFF,
        organisation=organisation,
        starts=today - dt.timedelta(days=30),
        ends=today + dt.timedelta(days=1),
    )

    def staff() -> bool:
        return any(
            g.role == Role.ORG_STAFF and g.organisation_id == organisation.pk
            for g in grants.register_grants(user)
        )

    assert staff()
    with time_machine.travel(today + dt.timedelta(days=3), tick=False):
        assert not staff()
        assert sorted(grants._rows(user), key=_key) == sorted(
            grants.grants_queryset(user), key=_key
        )
