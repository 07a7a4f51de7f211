"""State changes in the register. Each one records an audit entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from almen.audit.services import audit_record, snapshot
from almen.register.models import (
    Body,
    BodyKind,
    BodyMembership,
    Estate,
    Household,
    Membership,
    Municipality,
    Organisation,
    Unit,
    UnitKind,
)


@transaction.atomic
def organisation_create(
    *, actor: Any, cvr: str, name: str, municipality: Municipality, address: str = ""
) -> Organisation:
    """Create an organisation with its representative council and board."""
    organisation = Organisation(cvr=cvr, name=name, municipality=municipality, address=address)
    organisation.full_clean()
    organisation.save()
    for kind in (BodyKind.REPRESENTATIVE_COUNCIL, BodyKind.ORGANISATION_BOARD):
        Body.objects.create(kind=kind, organisation=organisation)
    audit_record(
        actor=actor,
        action="create",
        obj=organisation,
        organisation_id=organisation.pk,
        after=snapshot(organisation),
    )
    return organisation


@transaction.atomic
def estate_create(
    *,
    actor: Any,
    organisation: Organisation,
    number: int,
    name: str,
    municipality: Municipality,
    address: str = "",
    postal_code: str = "",
    city: str = "",
    fiscal_year_start_month: int = 1,
) -> Estate:
    """Create an estate with its estate board."""
    estate = Estate(
        organisation=organisation,
        number=number,
        name=name,
        municipality=municipality,
        address=address,
        postal_code=postal_code,
        city=city,
        fiscal_year_start_month=fiscal_year_start_month,
    )
    estate.full_clean()
    estate.save()
    Body.objects.create(kind=BodyKind.ESTATE_BOARD, organisation=organisation, estate=estate)
    audit_record(
        actor=actor,
        action="create",
        obj=estate,
        organisation_id=organisation.pk,
        after=snapshot(estate),
    )
    return estate


@transaction.atomic
def estate_update(*, actor: Any, estate: Estate, **changes: Any) -> Estate:
    allowed = {"name", "address", "postal_code", "city", "fiscal_year_start_month", "municipality"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(_("Disse felter kan ikke ændres: %s") % ", ".join(sorted(unknown)))
    before = snapshot(estate, list(changes))
    for key, value in changes.items():
        setattr(estate, key, value)
    estate.full_clean()
    estate.save(update_fields=list(changes))
    audit_record(
        actor=actor,
        action="update",
        obj=estate,
        organisation_id=estate.organisation_id,
        before=before,
        after=snapshot(estate, list(before)),
    )
    return estate


@transaction.atomic
def body_membership_add(
    *,
    actor: Any,
    body: Body,
    user: Any,
    role: str,
    term_start: dt.date,
    term_end: dt.date | None = None,
) -> BodyMembership:
    """Seat a person on a body (a board seat gives board access while the term runs)."""
    membership = BodyMembership(
        body=body, user=user, role=role, term_start=term_start, term_end=term_end
    )
    membership.full_clean()
    membership.save()
    audit_record(
        actor=actor,
        action="create",
        obj=membership,
        organisation_id=body.organisation_id,
        after=snapshot(membership),
    )
    return membership


@transaction.atomic
def membership_grant(
    *,
    actor: Any,
    user: Any,
    role: str,
    organisation: Organisation | None = None,
    municipality: Municipality | None = None,
    estate: Estate | None = None,
    starts: dt.date | None = None,
) -> Membership:
    """Grant a role within a scope (from today unless ``starts`` says otherwise); the
    database refuses a scope that does not fit."""
    membership, created = Membership.objects.get_or_create(
        user=user,
        role=role,
        organisation=organisation,
        municipality=municipality,
        estate=estate,
        ends=None,
        defaults={"starts": starts or timezone.localdate()},
    )
    if created:
        org_id = organisation.pk if organisation else (estate.organisation_id if estate else None)
        audit_record(
            actor=actor,
            action="grant",
            obj=membership,
            organisation_id=org_id,
            after=snapshot(membership),
        )
    return membership


@transaction.atomic
def membership_end(*, actor: Any, membership: Membership, on: dt.date) -> Membership:
    before = snapshot(membership, ["ends"])
    membership.ends = on
    membership.full_clean()
    membership.save(update_fields=["ends"])
    audit_record(
        actor=actor,
        action="revoke",
        obj=membership,
        organisation_id=membership.organisation_id_in_scope,
        before=before,
        after=snapshot(membership, ["ends"]),
    )
    return membership


__all__ = [
    "body_membership_add",
    "estate_create",
    "estate_update",
    "membership_end",
    "membership_grant",
    "organisation_create",
]


def estate_counts_refresh(*, estate_ids: Iterable[int] | None = None) -> int:
    """Recount units, households and area for the given estates (all when None), in
    one UPDATE with correlated subqueries. Returns the number of estates updated."""
    today = timezone.localdate()
    units = Unit.objects.filter(estate_id=OuterRef("pk")).order_by().values("estate_id")

    def count(queryset: QuerySet[Any]) -> Coalesce:
        return Coalesce(
            Subquery(queryset.annotate(n=Count("id")).values("n"), output_field=IntegerField()),
            0,
        )

    households = (
        Household.objects.active(on=today)
        .filter(unit__estate_id=OuterRef("pk"))
        .order_by()
        .values("unit__estate_id")
    )
    estates = Estate.objects.all()
    if estate_ids is not None:
        estates = estates.filter(pk__in=list(estate_ids))
    return estates.update(
        unit_count=count(units),
        family_units=count(units.filter(kind=UnitKind.FAMILY)),
        elderly_units=count(units.filter(kind=UnitKind.ELDERLY)),
        youth_units=count(units.filter(kind=UnitKind.YOUTH)),
        household_count=count(households),
        area_m2=Coalesce(
            Subquery(
                units.annotate(a=Sum("area_m2")).values("a"),
                output_field=DecimalField(max_digits=12, decimal_places=2),
            ),
            Value(Decimal(0)),
            output_field=DecimalField(max_digits=12, decimal_places=2),
        ),
        counts_refreshed_at=timezone.now(),
    )
