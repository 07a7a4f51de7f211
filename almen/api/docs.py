"""The API's documentation page (/api/v1/docs): Swagger UI from our own static files.

django-ninja's default page loads Swagger UI from a CDN with an inline script when
"ninja" is not an installed app; the site's Content-Security-Policy (script-src
'self') blocks both, and the page was blank. This page uses the copy vendored by
scripts/update-vendor.sh and starts it from a static script, so it runs under the CSP.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI


class LocalSwagger(DocsBase):
    template = "api/swagger.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {
            "url": self.get_openapi_url(api, kwargs),
            # Deep links would put a link inside each operation's button, which
            # assistive technology cannot reach (axe-core nested-interactive).
            "deepLinking": False,
            # No calls to the public validator service (and none allowed by the CSP).
            "validatorUrl": None,
        }
        return render(
            request, self.template, {"api": api, "swagger_settings": json.dumps(settings)}
        )
