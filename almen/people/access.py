"""Fetch-and-authorise for people and roles. 404 to outsiders, 403 to readers.

The organisation's people pages (staff, roles, bodies, invitations, letters) are its
staff's alone. An estate's board page is for that board, the organisation's staff
and the organisation board; the organisation's other members get 403."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest

from almen.access.policy import Principal, Scope, deny, principal
from almen.accounts.models import User
from almen.lib.visibility import Visibility
from almen.people.models import Invitation
from almen.register import access as register_access
from almen.register.models import (
    Body,
    BodyKind,
    BodyMembership,
    Estate,
    Household,
    Membership,
    Organisation,
)

organisation_for_staff = register_access.organisation_for_staff

# Bodies in URLs: the organisation's two by kind, an estate board by its number.
BODY_SLUGS = {
    "repraesentantskab": BodyKind.REPRESENTATIVE_COUNCIL,
    "organisationsbestyrelse": BodyKind.ORGANISATION_BOARD,
}
ESTATE_BODY_PREFIX = "afdeling-"


def body_slug(body: Body) -> str:
    if body.kind == BodyKind.ESTATE_BOARD and body.estate is not None:
        return f"{ESTATE_BODY_PREFIX}{body.estate.number}"
    return next(slug for slug, kind in BODY_SLUGS.items() if kind == body.kind)


def body_for_staff(request: HttpRequest, cvr: str, slug: str) -> Body:
    organisation = organisation_for_staff(request, cvr)
    bodies = Body.objects.select_related("organisation", "estate").filter(organisation=organisation)
    if slug in BODY_SLUGS:
        body = bodies.filter(kind=BODY_SLUGS[slug], estate__isnull=True).first()
    elif slug.startswith(ESTATE_BODY_PREFIX) and slug[len(ESTATE_BODY_PREFIX) :].isdigit():
        number = int(slug[len(ESTATE_BODY_PREFIX) :])
        body = bodies.filter(kind=BodyKind.ESTATE_BOARD, estate__number=number).first()
    else:
        body = None
    if body is None:
        raise Http404
    return body


def membership_for_staff(request: HttpRequest, cvr: str, membership_id: int) -> Membership:
    organisation = organisation_for_staff(request, cvr)
    membership = (
        Membership.objects.select_related("user", "organisation")
        .filter(pk=membership_id, organisation=organisation)
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def seat_for_staff(request: HttpRequest, cvr: str, seat_id: int) -> BodyMembership:
    organisation = organisation_for_staff(request, cvr)
    seat = (
        BodyMembership.objects.select_related("user", "body__estate", "body__organisation")
        .filter(pk=seat_id, body__organisation=organisation)
        .first()
    )
    if seat is None:
        raise Http404
    return seat


def invitation_for_staff(request: HttpRequest, cvr: str, invitation_id: int) -> Invitation:
    organisation = organisation_for_staff(request, cvr)
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(pk=invitation_id, organisation=organisation)
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


def account_for_staff(
    request: HttpRequest, cvr: str, public_id: uuid.UUID
) -> tuple[Organisation, User]:
    """An account tied to the organisation (a role, a seat, a home or an invitation
    there); any other account is 404 to its staff."""
    organisation = organisation_for_staff(request, cvr)
    user = User.objects.filter(public_id=public_id).first()
    if user is None or not is_tied(user, organisation):
        raise Http404
    return organisation, user


def is_tied(user: User, organisation: Organisation) -> bool:
    return (
        Membership.objects.filter(user=user, organisation=organisation).exists()
        or Membership.objects.filter(user=user, estate__organisation=organisation).exists()
        or BodyMembership.objects.filter(user=user, body__organisation=organisation).exists()
        or Household.objects.filter(
            residents__user=user, unit__estate__organisation=organisation
        ).exists()
        or Invitation.objects.filter(user=user, organisation=organisation).exists()
    )


def can_see_board(p: Principal, estate: Estate) -> bool:
    return (
        p.is_staff_of(estate.organisation_id)
        or p.is_board_of_estate(estate.pk)
        or p.is_board_of_organisation(estate.organisation_id)
    )


def estate_for_board_page(request: HttpRequest, cvr: str, number: int) -> Estate:
    estate = register_access.estate_for_view(request, cvr, number)
    p = principal(request)
    if not can_see_board(p, estate):
        deny(
            p,
            can_read=p.is_member_of(estate.organisation_id)
            or p.can_read(Scope.of_estate(estate), Visibility.MUNICIPALITY),
        )
    return estate


def estate_for_letters(request: HttpRequest, cvr: str, number: int) -> Estate:
    """Letters name the households: the organisation's staff (data controller)."""
    organisation = register_access.organisation_for_personal_data(request, cvr)
    estate = register_access.estate_for_view(request, cvr, number)
    estate.organisation = organisation
    return estate
