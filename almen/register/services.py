"""State changes in the register. Each one records an audit entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from almen.audit.services import audit_record, audited_update, snapshot
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


ESTATE_FIELDS = {
    "name",
    "address",
    "postal_code",
    "city",
    "fiscal_year_start_month",
    "municipality",
}


def estate_update(*, actor: Any, estate: Estate, **changes: Any) -> Estate:
    """Change an estate's own fields (the whitelist below), audited as a diff."""
    return audited_update(
        actor=actor,
        obj=estate,
        changes=changes,
        allowed={
            "name",
            "address",
            "postal_code",
            "city",
            "fiscal_year_start_month",
            "municipality",
        },
        organisation_id=estate.organisation_id,
        validate=lambda fresh: fresh.full_clean(),
    )


ORGANISATION_CONTACT_FIELDS = (
    "address",
    "postal_code",
    "city",
    "contact_email",
    "contact_phone",
    "website",
    "opening_hours",
)


def organisation_contact_update(
    *, actor: Any, organisation: Organisation, **changes: Any
) -> Organisation:
    """Change the organisation's contact details (its public contact page), audited as
    a diff. Only the contact fields may change here."""
    return audited_update(
        actor=actor,
        obj=organisation,
        changes=changes,
        allowed=ORGANISATION_CONTACT_FIELDS,
        organisation_id=organisation.pk,
        validate=lambda fresh: fresh.full_clean(),
    )


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
    """Recount units, households and area for the given estates (all when None).
    Returns the number of estates updated.

    Set-based: one ``UPDATE … FROM`` joins the estates to the units and active
    households counted once per estate (``GROUP BY``), instead of a correlated count
    per estate and column, which PostgreSQL ran as a scan of the households per estate
    right after a bulk load (7 minutes for the national seed). Given ids are refreshed
    in batches so the statement stays within SQLite's parameter limit."""
    if estate_ids is None:
        return _estate_counts_update(None)
    ids = sorted(set(estate_ids))
    with transaction.atomic():
        return sum(
            _estate_counts_update(ids[i : i + _REFRESH_BATCH])
            for i in range(0, len(ids), _REFRESH_BATCH)
        )


_REFRESH_BATCH = 1000


def _estate_counts_update(ids: list[int] | None) -> int:
    """One UPDATE for these estates (all when None)."""
    ops = connection.ops
    estate, unit, household = (ops.quote_name(m._meta.db_table) for m in (Estate, Unit, Household))
    today = ops.adapt_datefield_value(timezone.localdate())
    now = ops.adapt_datetimefield_value(timezone.now())
    marks = ", ".join(["%s"] * len(ids or []))

    def only(column: str, keyword: str = "WHERE") -> str:
        return f"{keyword} {column} IN ({marks})" if ids else ""

    # Only table names and placeholders are formatted in; every value is a parameter.
    sql = f"""
        UPDATE {estate} SET
            unit_count = c.unit_count,
            family_units = c.family_units,
            elderly_units = c.elderly_units,
            youth_units = c.youth_units,
            household_count = c.household_count,
            area_m2 = c.area_m2,
            counts_refreshed_at = %s
        FROM (
            SELECT e.id AS estate_id,
                COALESCE(u.n, 0) AS unit_count,
                COALESCE(u.family, 0) AS family_units,
                COALESCE(u.elderly, 0) AS elderly_units,
                COALESCE(u.youth, 0) AS youth_units,
                COALESCE(h.n, 0) AS household_count,
                COALESCE(u.area, 0) AS area_m2
            FROM {estate} e
            LEFT JOIN (
                SELECT estate_id, COUNT(*) AS n,
                    SUM(CASE WHEN kind = %s THEN 1 ELSE 0 END) AS family,
                    SUM(CASE WHEN kind = %s THEN 1 ELSE 0 END) AS elderly,
                    SUM(CASE WHEN kind = %s THEN 1 ELSE 0 END) AS youth,
                    SUM(area_m2) AS area
                FROM {unit} {only("estate_id")}
                GROUP BY estate_id
            ) u ON u.estate_id = e.id
            LEFT JOIN (
                SELECT hu.estate_id, COUNT(*) AS n
                FROM {household} hh JOIN {unit} hu ON hu.id = hh.unit_id
                WHERE hh.moved_in <= %s AND (hh.moved_out IS NULL OR hh.moved_out >= %s)
                {only("hu.estate_id", "AND")}
                GROUP BY hu.estate_id
            ) h ON h.estate_id = e.id
            {only("e.id")}
        ) c
        WHERE {estate}.id = c.estate_id
    """  # noqa: S608
    kinds = [UnitKind.FAMILY.value, UnitKind.ELDERLY.value, UnitKind.YOUTH.value]
    ids = ids or []
    params: list[Any] = [now, *kinds, *ids, today, today, *ids, *ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)
