"""The organisation a person belongs to, for e-mails that name it (lib/affiliation.py):
their organisation staff or board grant, else their board seat, else their current
home."""

from __future__ import annotations

from typing import Any

from almen.register.models import BodyMembership, Household, Membership, Resident


def organisation_name_for_user(user: Any) -> str | None:
    grant = (
        Membership.objects.current()
        .filter(user=user, organisation__isnull=False)
        .select_related("organisation")
        .order_by("starts")
        .first()
    )
    if grant is not None and grant.organisation is not None:
        return grant.organisation.name
    seat = (
        BodyMembership.objects.current()
        .filter(user=user)
        .select_related("body__organisation")
        .order_by("term_start")
        .first()
    )
    if seat is not None:
        return seat.body.organisation.name
    home = (
        Resident.objects.filter(
            user=user, household__in=Household.objects.active(), anonymised_at__isnull=True
        )
        .select_related("household__unit__estate__organisation")
        .first()
    )
    if home is not None:
        return home.household.unit.estate.organisation.name
    return None
