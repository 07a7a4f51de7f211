"""The register's part of the REST API at /api/v1.

Municipalities, organisations and estates are public registers: name, number,
address and size, no personal data. They need no token. ``/me`` tells an
integration which organisation and scopes its token carries.
"""

import uuid

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from almen.lib.api import ErrorOut, Pagination
from almen.register.models import ApiToken, Estate, Municipality, Organisation
from almen.register.tokens import api_token_auth

router = Router(tags=["register"])

# A CVR number is eight digits; anything else cannot name an organisation.
Cvr = Path(..., pattern=r"^\d{8}$", description="CVR-nummer, 8 cifre.")


class MunicipalityOut(Schema):
    code: str = Field(description="Officiel kommunekode (3–4 cifre, fx 0101).")
    name: str
    region: str


class OrganisationOut(Schema):
    cvr: str
    name: str
    address: str
    municipality_code: str = Field(alias="municipality.code")
    municipality: str = Field(alias="municipality.name")


class EstateOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    organisation_cvr: str = Field(alias="organisation.cvr")
    number: int
    name: str
    municipality_code: str = Field(alias="municipality.code")
    address: str
    postal_code: str
    city: str
    unit_count: int


class OrganisationFilter(Schema):
    municipality: str | None = Field(
        None, pattern=r"^\d{3,4}$", description="Kommunekode, fx 0101 for København."
    )


class MeOut(Schema):
    token_name: str
    token_prefix: str
    scopes: list[str]
    organisation: OrganisationOut


def _organisations() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("municipality").order_by("name", "cvr")


def _estates() -> QuerySet[Estate]:
    return Estate.objects.select_related("organisation", "municipality").order_by(
        "organisation__cvr", "number"
    )


def _organisation_or_404(cvr: str) -> Organisation:
    organisation = _organisations().filter(cvr=cvr).first()
    if organisation is None:
        raise HttpError(404, _("Ingen boligorganisation med CVR-nummer %(cvr)s.") % {"cvr": cvr})
    return organisation


@router.get(
    "/municipalities",
    response=list[MunicipalityOut],
    summary="De 98 kommuner",
    description="Alle danske kommuner med officiel kommunekode og region.",
)
def municipalities(request: HttpRequest) -> QuerySet[Municipality]:
    return Municipality.objects.order_by("code")


@router.get(
    "/organisations",
    response=list[OrganisationOut],
    summary="Boligorganisationer",
    description="Sideinddelt (limit/offset). Filtrér med ?municipality=<kommunekode>.",
)
@paginate(Pagination)
def organisations(
    request: HttpRequest, filters: Query[OrganisationFilter]
) -> QuerySet[Organisation]:
    queryset = _organisations()
    if filters.municipality:
        queryset = queryset.filter(municipality__code=filters.municipality.zfill(4))
    return queryset


@router.get(
    "/organisations/{cvr}",
    response={200: OrganisationOut, 404: ErrorOut},
    summary="Én boligorganisation",
)
def organisation(request: HttpRequest, cvr: str = Cvr) -> Organisation:
    return _organisation_or_404(cvr)


@router.get(
    "/organisations/{cvr}/estates",
    response={200: list[EstateOut], 404: ErrorOut},
    summary="En boligorganisations afdelinger",
)
@paginate(Pagination)
def organisation_estates(request: HttpRequest, cvr: str = Cvr) -> QuerySet[Estate]:
    organisation = _organisation_or_404(cvr)
    return _estates().filter(organisation=organisation)


@router.get(
    "/estates/{public_id}",
    response={200: EstateOut, 404: ErrorOut},
    summary="Én afdeling",
)
def estate(request: HttpRequest, public_id: uuid.UUID) -> Estate:
    found = _estates().filter(public_id=public_id).first()
    if found is None:
        raise HttpError(404, _("Ingen afdeling med id %(id)s.") % {"id": public_id})
    return found


@router.get(
    "/me",
    response={200: MeOut, 401: ErrorOut},
    auth=api_token_auth,
    summary="Mit API-token",
    description="Den organisation og de rettigheder, som API-tokenet giver.",
)
def me(request: HttpRequest) -> dict[str, object]:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return {
        "token_name": token.name,
        "token_prefix": token.prefix,
        "scopes": token.scopes,
        "organisation": token.organisation,
    }
