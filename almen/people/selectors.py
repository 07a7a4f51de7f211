"""Reads for the people pages, in a fixed number of queries whatever the size."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from almen.access.roles import Role
from almen.accounts.models import User
from almen.people.access import body_slug
from almen.people.models import Invitation
from almen.register.models import (
    Body,
    BodyKind,
    BodyMembership,
    Estate,
    Membership,
    Organisation,
)


@dataclass
class BodyView:
    body: Body
    slug: str
    current: list[BodyMembership] = field(default_factory=list)
    past: list[BodyMembership] = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.body.estate is not None:
            return f"{self.body.get_kind_display()} – {self.body.estate}"
        return str(self.body.get_kind_display())


def _is_current(start: Any, end: Any) -> bool:
    today = timezone.localdate()
    return start <= today and (end is None or end >= today)


ROLE_ORDER = {"chair": 0, "vice_chair": 1, "member": 2, "substitute": 3}


def bodies(organisation: Organisation, estate: Estate | None = None) -> list[BodyView]:
    """The organisation's bodies (or one estate's board) with current (and coming)
    and past seats."""
    qs = Body.objects.filter(organisation=organisation).select_related("estate")
    if estate is not None:
        qs = qs.filter(estate=estate)
    views = {
        body.pk: BodyView(body, body_slug(body))
        for body in sorted(
            qs,
            key=lambda b: (
                b.kind != BodyKind.REPRESENTATIVE_COUNCIL,
                b.kind != BodyKind.ORGANISATION_BOARD,
                b.estate.number if b.estate else 0,
            ),
        )
    }
    today = timezone.localdate()
    seats = BodyMembership.objects.filter(body_id__in=list(views)).select_related("user")
    for seat in sorted(
        seats, key=lambda s: (ROLE_ORDER.get(s.role, 9), s.user.name, -s.term_start.toordinal())
    ):
        view = views[seat.body_id]
        if seat.term_end is not None and seat.term_end < today:
            view.past.append(seat)
        else:
            view.current.append(seat)
    return list(views.values())


@dataclass
class PersonRow:
    user: User
    current: list[Membership] = field(default_factory=list)
    past: list[Membership] = field(default_factory=list)


def staff(organisation: Organisation) -> list[PersonRow]:
    """Everyone with an explicit role in the organisation, with current and past roles."""
    today = timezone.localdate()
    rows: dict[int, PersonRow] = {}
    for membership in (
        Membership.objects.filter(
            organisation=organisation, role__in=[Role.ORG_STAFF, Role.ORG_BOARD]
        )
        .select_related("user")
        .order_by("user__name", "user__email", "-starts")
    ):
        row = rows.setdefault(membership.user_id, PersonRow(membership.user))
        if membership.ends is not None and membership.ends < today:
            row.past.append(membership)
        else:
            row.current.append(membership)
    return sorted(
        rows.values(), key=lambda r: (not r.current, (r.user.name or r.user.email).lower())
    )


def pending_invitations(organisation: Organisation) -> list[Invitation]:
    return list(
        Invitation.objects.pending().filter(organisation=organisation).select_related("user")
    )
