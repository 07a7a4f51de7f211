"""What the register tells the access policy about a user: explicit memberships,
seats on bodies and current tenancies. One query (a UNION ALL of the three sources),
whatever the data size: it runs on every request of a logged-in person.

Building the three querysets and compiling their UNION cost about 15 % of a logged-in
request's CPU (docs/performance.md, issue 9). The SQL differs only by the user and the
day, so it is compiled once per database and day with a marker for the user, and each
request runs it with its own user's id (``test_grants.py`` checks it against the ORM)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from typing import Any

from django.db import connections, router
from django.db.models import CharField, IntegerField, QuerySet, Value
from django.utils import timezone

from almen.access.policy import Grant
from almen.access.roles import Role
from almen.register.models import BodyKind, BodyMembership, BodyRole, Household, Membership

_SEAT_ROLES = {
    BodyKind.ESTATE_BOARD: Role.ESTATE_BOARD,
    BodyKind.ORGANISATION_BOARD: Role.ORG_BOARD,
}


# No user has this id: it marks the user's places among the compiled query's parameters.
_MARKER = -7_340_000_000_001


def grants_queryset(user: Any) -> QuerySet[Any, Any]:
    # Each branch yields (source, role or body kind, estate, estate's organisation,
    # organisation, municipality); the branches are read in one round trip.
    null = Value(None, output_field=IntegerField())
    memberships = (
        Membership.objects.current()
        .filter(user=user)
        .order_by()
        .values_list(
            Value("m", output_field=CharField()),
            "role",
            "estate_id",
            "estate__organisation_id",
            "organisation_id",
            "municipality_id",
        )
    )
    # Seats on bodies; substitutes do not act, so they get no board access.
    seats = (
        BodyMembership.objects.current()
        .filter(user=user)
        .exclude(role=BodyRole.SUBSTITUTE)
        .order_by()
        .values_list(
            Value("b", output_field=CharField()),
            "body__kind",
            "body__estate_id",
            null,
            "body__organisation_id",
            null,
        )
    )
    tenancies = (
        Household.objects.active()
        .filter(residents__user=user)
        .order_by()
        .values_list(
            Value("h", output_field=CharField()),
            Value(Role.RESIDENT.value, output_field=CharField()),
            "unit__estate_id",
            "unit__estate__organisation_id",
            null,
            null,
        )
    )
    return memberships.union(seats, tenancies, all=True)


@functools.lru_cache(maxsize=8)
def _compiled(alias: str, day: dt.date) -> tuple[str, tuple[Any, ...], tuple[int, ...]]:
    """The UNION's SQL and parameters for ``day``, and where the user's id goes. The
    day is part of the key: ``current()`` and ``active()`` read today's date."""
    del day  # the key only: the querysets read timezone.localdate() themselves
    sql, params = grants_queryset(_MARKER).query.sql_with_params()
    places = tuple(i for i, value in enumerate(params) if value == _MARKER)
    return sql, tuple(params), places


def _rows(user: Any) -> list[tuple[Any, ...]]:
    user_id = getattr(user, "pk", user)
    alias = router.db_for_read(Membership)
    sql, params, places = _compiled(alias, timezone.localdate())
    if not places or not isinstance(user_id, int):
        return list(grants_queryset(user))
    bound = list(params)
    for i in places:
        bound[i] = user_id
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, bound)
        return cursor.fetchall()


def register_grants(user: Any) -> Iterator[Grant]:
    for source, role, estate_id, estate_org, org_id, municipality_id in _rows(user):
        if source == "m":
            yield Grant(
                role=role,
                organisation_id=org_id or estate_org,
                estate_id=estate_id,
                municipality_id=municipality_id,
            )
        elif source == "b":
            seat_role = _SEAT_ROLES.get(role)
            if seat_role is Role.ESTATE_BOARD:
                yield Grant(role=seat_role, organisation_id=org_id, estate_id=estate_id)
            elif seat_role is Role.ORG_BOARD:
                yield Grant(role=seat_role, organisation_id=org_id)
        else:
            yield Grant(role=Role.RESIDENT, organisation_id=estate_org, estate_id=estate_id)
