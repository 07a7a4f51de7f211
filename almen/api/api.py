"""The REST API at /api/v1 (django-ninja). Each app contributes a router through the
route registry (``almen/lib/routes.py``, from its ``AppConfig.ready()``); this module
adds whatever is registered and names no app.

What holds for every endpoint is set here, once:

- **The token rule.** Every endpoint runs the optional token check: no
  ``Authorization`` header reads as anonymous; a header that is sent must carry a valid
  token, or the answer is 401 with ``WWW-Authenticate`` (also on public endpoints).
  Endpoints that need a token say ``auth=api_token_auth``. See docs/api.md and
  docs/decisions/0016-api-token-rule-and-principal.md.
- **Rate limits** per token and per address (``almen.api.throttling``): 429.
- **HEAD** is answered for every GET endpoint (and the OpenAPI document and the docs
  page) like GET, without a body.
- **The OpenAPI document** lists, for every operation, the answers every endpoint can
  give: 401, 414 (from the web server), 422 and 429, plus 403 where a token is required
  and 404 where the path names an object.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, Throttled, ValidationError
from ninja.openapi.schema import OpenAPISchema

from almen.api.docs import LocalSwagger
from almen.api.throttling import AnonymousThrottle, TokenThrottle
from almen.lib import routes
from almen.lib.api import ErrorOut, ValidationErrorOut

REALM = "Almen API"
# The views of the OpenAPI document and the docs page (not django-ninja operations).
_DOCUMENT_VIEWS = {"openapi-json", "openapi-view"}


def _answer_head(view: Callable[..., Any], *, safe_only: bool) -> Callable[..., Any]:
    """HEAD is GET without the body (RFC 9110): the same status and headers, with the
    Content-Length that GET would send. ``safe_only`` answers 405 to anything but GET
    and HEAD (for the document views, which do not check the method themselves)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if safe_only and request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        if request.method != "HEAD":
            return view(request, *args, **kwargs)
        request.method = "GET"
        try:
            response = view(request, *args, **kwargs)
        finally:
            request.method = "HEAD"
        if not response.streaming:
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response

    return wrapper


def _error(description: str, schema: str = "Error", headers: dict | None = None) -> dict:
    answer: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }
    if headers:
        answer["headers"] = {name: {"schema": {"type": "string"}} for name in headers}
    return answer


class AlmenAPI(NinjaAPI):
    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern):
                pattern = URLPattern(
                    pattern.pattern,
                    _answer_head(pattern.callback, safe_only=pattern.name in _DOCUMENT_VIEWS),
                    pattern.default_args,
                    pattern.name,
                )
            urls.append(pattern)
        return urls

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        _document_common_answers(schema)
        return schema


def _document_common_answers(schema: OpenAPISchema) -> None:
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name, model in (("Error", ErrorOut), ("ValidationError", ValidationErrorOut)):
        model_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(model_schema.pop("$defs", {}))
        schemas[name] = model_schema
    schemes = components.setdefault("securitySchemes", {})
    optional = schemes.pop("OptionalApiTokenAuth", None)
    if optional is not None:
        schemes.setdefault("ApiTokenAuth", optional)
    for path, item in schema["paths"].items():
        for operation in item.values():
            responses = operation["responses"]
            security = operation.get("security") or []
            if security == [{"OptionalApiTokenAuth": []}]:
                # Anyone may call; a token that is sent is checked.
                operation["security"] = [{}, {"ApiTokenAuth": []}]
                needs_token = False
            else:
                needs_token = bool(security)
            responses.setdefault(
                401,
                _error(
                    "Mangler API-token, eller det er ugyldigt, tilbagekaldt eller udløbet."
                    if needs_token
                    else "Et API-token er sendt, men det er ugyldigt, tilbagekaldt eller "
                    "udløbet (uden token svarer endpointet som for alle).",
                    headers={"WWW-Authenticate": True},
                ),
            )
            if needs_token:
                responses.setdefault(403, _error("API-tokenet mangler den nødvendige rettighed."))
            if "{" in path:
                responses.setdefault(404, _error("Findes ikke (eller er ikke synligt for dig)."))
            responses.setdefault(
                422, _error("Ugyldige parametre eller data.", schema="ValidationError")
            )
            responses.setdefault(
                429, _error("For mange kald; prøv igen senere.", headers={"Retry-After": True})
            )
            # gunicorn refuses a request line over 4 KB itself, before Almen sees it.
            responses.setdefault(
                414,
                {
                    "description": "Adressen (med forespørgslen) er længere end 4 KB; "
                    "svaret kommer fra webserveren.",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                },
            )
            # The challenge and the wait, also where an endpoint documents its own 401.
            for status, header in ((401, "WWW-Authenticate"), (429, "Retry-After")):
                headers = responses[status].setdefault("headers", {})
                headers.setdefault(header, {"schema": {"type": "string"}})


api = AlmenAPI(
    title="Almen API",
    version="1",
    description="Almene mål, register og åbne data. Offentlige data kræver intet login; "
    "integrationer bruger et API-token pr. organisation. Et token, der sendes, skal være "
    "gyldigt: ellers er svaret 401 på alle endpoints.",
    urls_namespace="api",
    auth=routes.api_auth(),
    throttle=[AnonymousThrottle(), TokenThrottle()],
    docs=LocalSwagger(),
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


@api.exception_handler(MultiPartParserError)
def unreadable_body(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    """A body that says it is multipart but cannot be parsed (no boundary, cut off):
    422 like any other invalid input, never 500."""
    return api.create_response(
        request,
        {
            "detail": _("Forespørgslens indhold kunne ikke læses som multipart/form-data."),
            "problems": [{"where": "body", "type": "unreadable"}],
        },
        status=422,
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    """401 with the Danish reason and a ``WWW-Authenticate`` challenge (RFC 6750)."""
    response = api.create_response(request, {"detail": exc.message}, status=401)
    challenge = f'Bearer realm="{REALM}"'
    if request.headers.get("Authorization"):
        challenge += ', error="invalid_token"'
    response["WWW-Authenticate"] = challenge
    return response


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    """429 in Danish; django-ninja adds ``Retry-After``."""
    return api.create_response(
        request, {"detail": _("For mange kald. Vent lidt, og prøv igen.")}, status=429
    )


@api.exception_handler(DjangoValidationError)
def refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """A service refused the change: 400 with its Danish messages."""
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(
        request, {"detail": " ".join(exc.messages), "errors": detail}, status=400
    )
