"""What the register tells the access policy about a user: explicit memberships,
seats on bodies and current tenancies. One query (a UNION ALL of the three sources),
whatever the data size: it runs on every request of a logged-in person."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import CharField, IntegerField, Value

from almen.access.policy import Grant
from almen.access.roles import Role
from almen.register.models import BodyKind, BodyMembership, BodyRole, Household, Membership

_SEAT_ROLES = {
    BodyKind.ESTATE_BOARD: Role.ESTATE_BOARD,
    BodyKind.ORGANISATION_BOARD: Role.ORG_BOARD,
}


def register_grants(user: Any) -> Iterator[Grant]:
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
    for source, role, estate_id, estate_org, org_id, municipality_id in memberships.union(
        seats, tenancies, all=True
    ):
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
