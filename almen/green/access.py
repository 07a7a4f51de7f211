"""Fetch-and-authorise for grøn drift. 404 to outsiders, 403 to readers who may not do
this, login for anonymous visitors (as everywhere, decision 0002).

Who sees what (decision 0031):

- **Consumption, CO2e, meters, readings, labels and benchmarks** of an estate are the
  organisation's operational data, not personal data: its staff, its organisation
  board, the estate's board and residents, the estate's municipality's officers and
  sector staff read them. Staff manage meters, readings, imports, labels and the
  organisation's own emission factors.
- **Green measures and involvement**: staff and the estate's board register them;
  each carries a visibility on the ladder, so a measure the organisation publishes
  (``public``) shows on the public estate page.
- **The national factor table** is read by everyone and kept by sector staff.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest

from almen.access.policy import Principal, Scope, deny, deny_unless, principal
from almen.lib.visibility import LADDER
from almen.register import access as register_access
from almen.register.models import Estate, Municipality, Organisation


def can_read_green(p: Principal, estate: Estate) -> bool:
    scope = Scope.of_estate(estate)
    return (
        p.superuser
        or p.can_manage(scope)
        or p.is_board_of_organisation(estate.organisation_id)
        or p.is_resident_of(estate.pk)
        or estate.municipality_id in p.municipalities
        or p.sector
    )


def can_manage_green(p: Principal, organisation_id: int) -> bool:
    """Meters, readings, imports, labels, the organisation's factors: its staff."""
    return p.is_staff_of(organisation_id)


def can_manage_measures(p: Principal, estate: Estate) -> bool:
    """Green measures and residents' involvement: staff and the estate's board."""
    return p.can_manage(Scope.of_estate(estate))


def measure_visibilities(p: Principal, estate: Estate) -> list[str]:
    """The visibilities of the estate's measures and involvement this principal may
    read (for a query's ``visibility__in``): the policy's ladder, asked per level."""
    scope = Scope.of_estate(estate)
    return [level for level in LADDER if p.can_read(scope, level)]


def can_read_measure(p: Principal, estate: Estate, visibility: str) -> bool:
    """A measure or involvement entry, by its visibility (``public`` for everyone)."""
    return p.can_read(Scope.of_estate(estate), visibility)


def can_read_organisation_measures(p: Principal, organisation: Organisation) -> bool:
    """The organisation's overview of measures: its staff and its board."""
    return p.is_staff_of(organisation.pk) or p.is_board_of_organisation(organisation.pk)


def can_read_organisation_green(p: Principal, organisation: Organisation) -> bool:
    return (
        p.is_staff_of(organisation.pk)
        or p.is_board_of_organisation(organisation.pk)
        or organisation.municipality_id in p.municipalities
        or p.sector
    )


def can_manage_national_factors(p: Principal) -> bool:
    return p.sector or p.superuser


def estate_for_reader(request: HttpRequest, cvr: str, number: int) -> Estate:
    estate = register_access.estate_for_view(request, cvr, number)
    p = principal(request)
    deny_unless(p, can_read_green(p, estate), estate.organisation_id)
    return estate


def estate_for_measures(request: HttpRequest, cvr: str, number: int) -> Estate:
    estate = register_access.estate_for_view(request, cvr, number)
    p = principal(request)
    deny_unless(p, can_manage_measures(p, estate), estate.organisation_id)
    return estate


def organisation_for_reader(request: HttpRequest, cvr: str) -> Organisation:
    organisation = register_access.organisation_for_view(request, cvr)
    p = principal(request)
    deny_unless(p, can_read_organisation_green(p, organisation), organisation.pk)
    return organisation


def organisation_for_measures(request: HttpRequest, cvr: str) -> Organisation:
    organisation = register_access.organisation_for_view(request, cvr)
    p = principal(request)
    deny_unless(p, can_read_organisation_measures(p, organisation), organisation.pk)
    return organisation


def organisation_for_manager(request: HttpRequest, cvr: str) -> Organisation:
    organisation = register_access.organisation_for_view(request, cvr)
    p = principal(request)
    deny_unless(p, can_manage_green(p, organisation.pk), organisation.pk)
    return organisation


def require_national_factor_manager(request: HttpRequest) -> None:
    """The national factor table is read by everyone (403 for those who may not keep it)."""
    p = principal(request)
    if not can_manage_national_factors(p):
        deny(p, can_read=True)


def estate_for_green_staff(request: HttpRequest, cvr: str, number: int) -> Estate:
    """The estate, for its organisation's staff (meters, readings, buildings, labels):
    outsiders 404, anonymous to login, and everyone who may read the estate's green
    figures (``can_read_green``) or is a member of the organisation 403."""
    estate = register_access.estate_for_view(request, cvr, number)
    p = principal(request)
    if not can_manage_green(p, estate.organisation_id):
        deny(p, can_read=can_read_green(p, estate) or p.is_member_of(estate.organisation_id))
    return estate


# --- roll-ups (the pages part) -----------------------------------------------------------


def can_read_municipality_green(p: Principal, municipality_id: int) -> bool:
    """A municipality's roll-up (per organisation): its officers and sector staff."""
    return p.superuser or p.sector or municipality_id in p.municipalities


def municipality_for_reader(request: HttpRequest, code: str) -> Municipality:
    """The municipality, for its officers and sector staff; 404 for everyone else
    (login first for anonymous visitors)."""
    try:
        municipality = Municipality.objects.get(code=code)
    except Municipality.DoesNotExist:
        raise Http404 from None
    p = principal(request)
    if not can_read_municipality_green(p, municipality.pk):
        deny(p, can_read=False)
    return municipality


def sees_every_municipality(p: Principal) -> bool:
    """The national roll-up is public by municipality and region only where enough
    organisations contribute; sector staff see every municipality's figures."""
    return p.superuser or p.sector


def own_municipality_code(request: HttpRequest) -> str:
    """The code of the (first, by name) municipality the person is an officer of; 404
    for everyone else, login for anonymous visitors."""
    p = principal(request)
    code = (
        Municipality.objects.filter(pk__in=p.municipalities)
        .order_by("name")
        .values_list("code", flat=True)
        .first()
        if p.municipalities
        else None
    )
    if code is None:
        deny(p, can_read=False)
    return code


def can_export_organisation_green(p: Principal, organisation: Organisation) -> bool:
    """The XLSX of every estate's months (platform part): its staff and its board."""
    return p.is_staff_of(organisation.pk) or p.is_board_of_organisation(organisation.pk)


def organisation_for_exporter(request: HttpRequest, cvr: str) -> Organisation:
    organisation = register_access.organisation_for_view(request, cvr)
    p = principal(request)
    if not can_export_organisation_green(p, organisation):
        deny(
            p,
            can_read=p.is_member_of(organisation.pk)
            or can_read_organisation_green(p, organisation),
        )
    return organisation
