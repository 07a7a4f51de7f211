"""The REST API at /api/v1 (django-ninja). Each app contributes a router through the
route registry (``almen/lib/routes.py``, from its ``AppConfig.ready()``); this module
adds whatever is registered and names no app."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError

from almen.lib import routes

api = NinjaAPI(
    title="Almen API",
    version="1",
    description="Almene mål, register og åbne data. Offentlige data kræver intet login; "
    "integrationer bruger et API-token pr. organisation.",
    urls_namespace="api",
)
for contributed in routes.api_routers():
    api.add_router(contributed.prefix, contributed.router)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """422 with a Danish summary, plus where each problem is (pydantic's details)."""
    problems = [
        {"where": ".".join(str(part) for part in error.get("loc", ())), "type": error.get("type")}
        for error in exc.errors
    ]
    return api.create_response(
        request,
        {
            "detail": _("Ugyldige data i forespørgslen. Se »problems« for hvor."),
            "problems": problems,
        },
        status=422,
    )


@api.exception_handler(DjangoValidationError)
def refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """A service refused the change: 400 with its Danish messages."""
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(
        request, {"detail": " ".join(exc.messages), "errors": detail}, status=400
    )
