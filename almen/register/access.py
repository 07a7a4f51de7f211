"""Fetch-and-authorise for register objects. 404 to outsiders, 403 to readers."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest

from almen.access.policy import Principal, Scope, deny, principal
from almen.lib.visibility import Visibility
from almen.register.models import Estate, Organisation, Resident

# Organisations and estates are public registers (name, number, address, size).
# What is private about them — residents, tenancies — is asked separately.
PUBLIC = Visibility.PUBLIC


def organisation_for_view(request: HttpRequest, cvr: str) -> Organisation:
    try:
        return Organisation.objects.select_related("municipality").get(cvr=cvr)
    except Organisation.DoesNotExist:
        raise Http404 from None


def organisation_for_staff(request: HttpRequest, cvr: str) -> Organisation:
    """The organisation, for its own administration (imports, log, tokens)."""
    organisation = organisation_for_view(request, cvr)
    p = principal(request)
    if not p.is_staff_of(organisation.pk):
        deny(
            p,
            can_read=p.is_member_of(organisation.pk)
            or p.can_read(Scope.of_organisation(organisation), Visibility.MUNICIPALITY),
        )
    return organisation


def estate_for_view(request: HttpRequest, cvr: str, number: int) -> Estate:
    try:
        return Estate.objects.select_related("organisation", "municipality").get(
            organisation__cvr=cvr, number=number
        )
    except Estate.DoesNotExist:
        raise Http404 from None


def estate_for_residents_list(request: HttpRequest, cvr: str, number: int) -> Estate:
    """The estate, for those allowed to see who lives there."""
    estate = estate_for_view(request, cvr, number)
    p = principal(request)
    if not p.can_read_personal_data(Scope.of_estate(estate)):
        deny(p, can_read=p.is_member_of(estate.organisation_id) or p.is_professional)
    return estate


def can_see_members_view(p: Principal, estate: Estate) -> bool:
    """Residents' own view of their estate (board, what is new) vs. the public card."""
    return p.is_resident_of(estate.pk) or p.can_read(
        Scope.of_estate(estate), Visibility.ORGANISATION
    )


def can_administer_personal_data(p: Principal, scope: Scope) -> bool:
    """Exporting and erasing a resident's data is the data controller's: the
    organisation's staff. An estate board reads its residents' names but does not
    answer data-protection requests."""
    return p.is_staff_of(scope.organisation_id) and p.can_read_personal_data(scope)


def organisation_for_personal_data(request: HttpRequest, cvr: str) -> Organisation:
    """The organisation, for staff looking up its residents (search)."""
    organisation = organisation_for_staff(request, cvr)
    p = principal(request)
    if not can_administer_personal_data(p, Scope.of_organisation(organisation)):
        deny(p, can_read=True)
    return organisation


def resident_for_staff(request: HttpRequest, cvr: str, resident_id: uuid.UUID) -> Resident:
    """One of the organisation's residents (current or former), for its staff.

    Members and those the organisation shares with get 403 on the organisation's
    administration; a resident id that is not the organisation's is 404.
    """
    organisation = organisation_for_personal_data(request, cvr)
    resident = (
        Resident.objects.select_related("household__unit__estate", "user")
        .filter(public_id=resident_id, household__unit__estate__organisation=organisation)
        .first()
    )
    if resident is None:
        raise Http404
    estate = resident.household.unit.estate
    estate.organisation = organisation
    p = principal(request)
    if not can_administer_personal_data(p, Scope.of_estate(estate)):
        deny(p, can_read=True)
    return resident
