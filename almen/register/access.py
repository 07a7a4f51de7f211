"""Fetch-and-authorise for register objects. 404 to outsiders, 403 to readers."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from almen.access.policy import Principal, Scope, deny, principal
from almen.lib.visibility import Visibility
from almen.register.models import Estate, Organisation

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
