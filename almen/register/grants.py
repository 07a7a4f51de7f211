"""What the register tells the access policy about a user: explicit memberships,
seats on bodies and current tenancies. Three queries, whatever the data size."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from almen.access.policy import Grant
from almen.access.roles import Role
from almen.register.models import BodyKind, BodyMembership, BodyRole, Household, Membership


def register_grants(user: Any) -> Iterator[Grant]:
    for role, estate_id, estate_org, org_id, municipality_id in (
        Membership.objects.current()
        .filter(user=user)
        .values_list(
            "role", "estate_id", "estate__organisation_id", "organisation_id", "municipality_id"
        )
    ):
        yield Grant(
            role=role,
            organisation_id=org_id or estate_org,
            estate_id=estate_id,
            municipality_id=municipality_id,
        )
    # Seats on bodies; substitutes do not act, so they get no board access.
    for kind, estate_id, org_id in (
        BodyMembership.objects.current()
        .filter(user=user)
        .exclude(role=BodyRole.SUBSTITUTE)
        .values_list("body__kind", "body__estate_id", "body__organisation_id")
    ):
        if kind == BodyKind.ESTATE_BOARD:
            yield Grant(role=Role.ESTATE_BOARD, organisation_id=org_id, estate_id=estate_id)
        elif kind == BodyKind.ORGANISATION_BOARD:
            yield Grant(role=Role.ORG_BOARD, organisation_id=org_id)
    for estate_id, org_id in (
        Household.objects.active()
        .filter(residents__user=user)
        .values_list("unit__estate_id", "unit__estate__organisation_id")
        .distinct()
    ):
        yield Grant(role=Role.RESIDENT, organisation_id=org_id, estate_id=estate_id)
