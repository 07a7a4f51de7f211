"""Bulk ingest of meter readings for automated feeds: ``POST /api/v1/green/readings``
with a JSON list of ``{meter, estate, at, start?, value, unit?}``. All or nothing:
one finding and nothing is written (400 with every item's findings); idempotent on
meter and time (the same list twice changes nothing the second time)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from almen.green.imports_services import API_MAX_ITEMS, readings_ingest
from almen.register.models import ApiScope
from almen.register.tokens import api_token_auth, require_scope

router = Router(tags=["grøn drift"], auth=api_token_auth)


class FindingOut(Schema):
    level: str
    row: int | None
    column: str
    message: str


class IngestOut(Schema):
    readings_new: int
    readings_overwritten: int
    readings_unchanged: int
    meters: int
    warnings: list[FindingOut]


class RejectedOut(Schema):
    """400: the readings are refused (with every item's findings), or the body is not
    a list of readings (``detail`` alone). 422 keeps the house's meaning: the
    request's own parameters, in the house's ``ValidationError`` shape."""

    detail: str
    error_count: int = 0
    findings: list[FindingOut] = []
    findings_omitted: int = 0


@router.post(
    "",
    response={200: IngestOut, 400: RejectedOut},
    summary="Indberet måleraflæsninger (bulk)",
    description="En JSON-liste af {meter, estate, at, start?, value, unit?}: meter er "
    "målernummeret, estate afdelingsnummeret, at tidspunktet (ISO 8601 eller dd-mm-åååå "
    "[tt:mm]), start periodens begyndelse for målere med forbrug pr. periode, value "
    "tællerstanden eller forbruget, unit enheden (skal være målerens). Alt eller intet: "
    "med én fejl gemmes intet, og svaret (400) har fundene pr. element (row er "
    "elementets nummer i listen, fra 1). Samme måler og tidspunkt igen opdaterer "
    "værdien; samme værdi ændrer intet. Kræver rettigheden green:readings.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "array", "items": {"type": "object"}}}
            },
        }
    },
)
def readings_bulk(request: HttpRequest) -> Any:
    token = require_scope(request, ApiScope.GREEN_READINGS_WRITE)
    try:
        items = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, _("Indholdet er ikke gyldig JSON.")) from None
    if not isinstance(items, list) or not items:
        raise HttpError(400, _("Send en liste med mindst én aflæsning."))
    if len(items) > API_MAX_ITEMS:
        raise HttpError(
            400,
            _("Højst %(max)s aflæsninger pr. kald.")
            % {"max": f"{API_MAX_ITEMS:,}".replace(",", ".")},
        )
    check = readings_ingest(organisation=token.organisation, items=items)
    f = check.findings
    if f.errors:
        return 400, {
            "detail": _("%(n)s fejl: intet er gemt.") % {"n": f.errors},
            "error_count": f.errors,
            "findings": f.items,
            "findings_omitted": f.omitted,
        }
    summary = check.summary()
    return 200, {
        "readings_new": summary["readings_new"],
        "readings_overwritten": summary["readings_overwritten"],
        "readings_unchanged": summary["readings_unchanged"],
        "meters": summary["meters"],
        "warnings": [x for x in f.items if x["level"] == "warning"],
    }
