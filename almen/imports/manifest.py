"""What the register import plugs in (called from ``ImportsConfig.ready()``): its API
router under /api/v1/imports and its pages under /import/."""

from __future__ import annotations

from almen.imports.api import router
from almen.lib import routes

APP = "imports"


def register() -> None:
    routes.register_api(router, app=APP, prefix="/imports")
    routes.register_urls("almen.imports.urls", app=APP, prefix="import/")
