"""What the register import plugs in (called from ``ImportsConfig.ready()``): its API
router under /api/v1/imports, its pages under /import/ and the staff's home panel with
the latest imports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from almen.imports.models import ImportRun
from almen.lib import menu, panels, routes
from almen.lib.menu import MenuItem
from almen.lib.panels import Panel

if TYPE_CHECKING:
    from almen.access.policy import Principal

APP = "imports"


LATEST = 5


def latest_imports_panel(p: Principal) -> dict[str, Any] | None:
    """For organisation staff: the latest register imports of their organisations, with
    the way to each organisation's imports.
    One query (and one for the organisations' names, cached)."""
    if not p.staff_organisations:
        return None
    from almen.register.places import organisations_by_name

    runs = list(
        ImportRun.objects.register()
        .filter(organisation_id__in=p.staff_organisations)
        .select_related("organisation")
        .order_by("-created_at", "-id")[:LATEST]
    )
    organisations = organisations_by_name(p.staff_organisations)
    return {"runs": runs, "organisations": organisations}


def register() -> None:
    panels.register(
        Panel("imports.latest", 64, "imports/panels/latest.html", latest_imports_panel, 2),
        app=APP,
    )
    menu.register(
        MenuItem("imports.list", _("Import"), "imports:list", 70, menu.is_staff, menu.staff_cvr),
        app=APP,
    )
    routes.register_api("almen.imports.api:router", app=APP, prefix="/imports")
    routes.register_urls("almen.imports.urls", app=APP, prefix="import/")
