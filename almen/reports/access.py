"""Fetch-and-authorise for report packs. The pack's *content* is filtered again by
``visible_goals``: a pack never shows a goal its reader could not open on the site."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn
from uuid import UUID

from django.http import Http404, HttpRequest

from almen.access.policy import Principal, Scope, deny, principal
from almen.lib.visibility import Visibility
from almen.register.models import Estate, Municipality, Organisation
from almen.reports.models import ReportJob


@dataclass(frozen=True)
class PackAccess:
    principal: Principal
    organisation: Organisation
    estate: Estate | None = None
    municipality: Municipality | None = None


def _organisation(cvr: str) -> Organisation:
    try:
        return Organisation.objects.select_related("municipality").get(cvr=cvr)
    except Organisation.DoesNotExist:
        raise Http404 from None


def may_read_board_report(p: Principal, organisation: Organisation) -> bool:
    """The organisation's staff and its board: those who read all its goals."""
    return p.is_staff_of(organisation.pk) or p.is_board_of_organisation(organisation.pk)


def _readers_deny(p: Principal, organisation: Organisation) -> NoReturn:
    # Members and the officers the organisation shares with know it exists: 403.
    deny(
        p,
        can_read=p.is_member_of(organisation.pk)
        or p.can_read(Scope.of_organisation(organisation), Visibility.MUNICIPALITY),
    )


def organisation_for_reports(request: HttpRequest, cvr: str) -> PackAccess:
    """The organisation's list of packs: for everyone who may read at least one."""
    organisation = _organisation(cvr)
    p = principal(request)
    if not (
        may_read_board_report(p, organisation)
        or _officer_municipalities(p, organisation)
        or _handout_estates(p, organisation)
    ):
        _readers_deny(p, organisation)
    return PackAccess(p, organisation)


def organisation_for_board_report(request: HttpRequest, cvr: str) -> PackAccess:
    organisation = _organisation(cvr)
    p = principal(request)
    if not may_read_board_report(p, organisation):
        _readers_deny(p, organisation)
    return PackAccess(p, organisation)


def organisation_for_recommendation(request: HttpRequest, cvr: str) -> PackAccess:
    """The "indstilling" is the administration's: the organisation's staff write it;
    the board and other readers of the organisation may not (403), outsiders 404."""
    organisation = _organisation(cvr)
    p = principal(request)
    if not p.is_staff_of(organisation.pk):
        _readers_deny(p, organisation)
    return PackAccess(p, organisation)


def _officer_municipalities(p: Principal, organisation: Organisation) -> set[int]:
    """Municipalities whose officer ``p`` is and where the organisation has homes or
    its seat."""
    if not p.municipalities:
        return set()
    touched = set(organisation.estates.values_list("municipality_id", flat=True))
    touched.add(organisation.municipality_id)
    return touched & set(p.municipalities)


def _handout_estates(p: Principal, organisation: Organisation) -> list[Estate]:
    if p.is_staff_of(organisation.pk) or p.is_board_of_organisation(organisation.pk):
        return list(organisation.estates.order_by("number"))
    ids = p.resident_estates | p.board_estates
    if not ids:
        return []
    return list(organisation.estates.filter(pk__in=ids).order_by("number"))


def handout_estates(p: Principal, organisation: Organisation) -> list[Estate]:
    """The estates whose residents' handout ``p`` may read."""
    return _handout_estates(p, organisation)


def officer_municipalities(p: Principal, organisation: Organisation) -> list[Municipality]:
    """Municipalities whose pack ``p`` may read: all the organisation touches for its
    staff and board, the officer's own for an officer."""
    if may_read_board_report(p, organisation):
        ids = set(organisation.estates.values_list("municipality_id", flat=True))
        ids.add(organisation.municipality_id)
    else:
        ids = _officer_municipalities(p, organisation)
    return list(Municipality.objects.filter(pk__in=ids).order_by("name"))


def organisation_for_municipality_pack(
    request: HttpRequest, cvr: str, municipality_code: str
) -> PackAccess:
    """Staff and board of the organisation, and the officers of that municipality."""
    organisation = _organisation(cvr)
    p = principal(request)
    try:
        municipality = Municipality.objects.get(code=municipality_code)
    except Municipality.DoesNotExist:
        if may_read_board_report(p, organisation):
            raise Http404 from None
        _readers_deny(p, organisation)
    if may_read_board_report(p, organisation):
        return PackAccess(p, organisation, municipality=municipality)
    if municipality.pk in _officer_municipalities(p, organisation):
        return PackAccess(p, organisation, municipality=municipality)
    _readers_deny(p, organisation)


def estate_for_handout(request: HttpRequest, cvr: str, number: int) -> PackAccess:
    """The residents' handout: the estate's residents and board, the organisation's
    staff and board."""
    try:
        estate = Estate.objects.select_related("organisation__municipality", "municipality").get(
            organisation__cvr=cvr, number=number
        )
    except Estate.DoesNotExist:
        raise Http404 from None
    p = principal(request)
    organisation = estate.organisation
    if not (
        p.is_resident_of(estate.pk)
        or p.can_manage(Scope.of_estate(estate))
        or p.is_board_of_organisation(organisation.pk)
    ):
        _readers_deny(p, organisation)
    return PackAccess(p, organisation, estate=estate)


def may_recommend_handout(p: Principal, estate: Estate) -> bool:
    """The handout's "indstilling" to the residents' meeting: the organisation's staff
    or the estate's own board write it."""
    return p.can_manage(Scope.of_estate(estate))


def estate_for_recommendation(request: HttpRequest, cvr: str, number: int) -> PackAccess:
    """The handout's readers who may not write its indstilling get 403, others 404."""
    pack_access = estate_for_handout(request, cvr, number)
    assert pack_access.estate is not None
    if not may_recommend_handout(pack_access.principal, pack_access.estate):
        _readers_deny(pack_access.principal, pack_access.organisation)
    return pack_access


def job_for_requester(request: HttpRequest, cvr: str, job_id: UUID) -> ReportJob:
    """A background job: only for the person who asked for it."""
    p = principal(request)
    if p.is_anonymous:
        deny(p, can_read=False)
    job = (
        ReportJob.objects.select_related("organisation")
        .filter(public_id=job_id, organisation__cvr=cvr, requested_by_id=p.user_id)
        .first()
    )
    if job is None:
        raise Http404
    return job
