"""What the register import plugs in (called from ``ImportsConfig.ready()``): its API
router under /api/v1/imports and its pages under /import/."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from almen.imports.api import router
from almen.lib import menu, routes
from almen.lib.menu import MenuItem

APP = "imports"


def register() -> None:
    menu.register(
        MenuItem("imports.list", _("Import"), "imports:list", 70, menu.is_staff, menu.staff_cvr),
        app=APP,
    )
    routes.register_api(router, app=APP, prefix="/imports")
    routes.register_urls("almen.imports.urls", app=APP, prefix="import/")
