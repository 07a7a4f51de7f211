from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from almen.register.models import Estate, Municipality, Organisation

router = Router(tags=["register"])


class MunicipalityOut(Schema):
    code: str
    name: str
    region: str


class OrganisationOut(Schema):
    cvr: str
    name: str
    municipality_code: str
    municipality: str


class EstateOut(Schema):
    id: str
    organisation_cvr: str
    number: int
    name: str
    municipality_code: str
    address: str
    postal_code: str
    city: str


def _organisation_out(o: Organisation) -> dict[str, object]:
    return {
        "cvr": o.cvr,
        "name": o.name,
        "municipality_code": o.municipality.code,
        "municipality": o.municipality.name,
    }


def _estate_out(e: Estate) -> dict[str, object]:
    return {
        "id": str(e.public_id),
        "organisation_cvr": e.organisation.cvr,
        "number": e.number,
        "name": e.name,
        "municipality_code": e.municipality.code,
        "address": e.address,
        "postal_code": e.postal_code,
        "city": e.city,
    }


@router.get("/municipalities", response=list[MunicipalityOut], summary="De 98 kommuner")
def municipalities(request):
    return list(Municipality.objects.order_by("code").values("code", "name", "region"))


@router.get("/organisations", response=list[OrganisationOut])
@paginate(LimitOffsetPagination)
def organisations(request):
    return [_organisation_out(o) for o in Organisation.objects.select_related("municipality")]


@router.get("/organisations/{cvr}", response=OrganisationOut)
def organisation(request, cvr: str):
    return _organisation_out(
        get_object_or_404(Organisation.objects.select_related("municipality"), cvr=cvr)
    )


@router.get("/organisations/{cvr}/estates", response=list[EstateOut])
@paginate(LimitOffsetPagination)
def organisation_estates(request, cvr: str):
    organisation = get_object_or_404(Organisation, cvr=cvr)
    return [
        _estate_out(e) for e in organisation.estates.select_related("organisation", "municipality")
    ]
