"""What the register import plugs in (called from ``ImportsConfig.ready()``): its API
router under /api/v1/imports, its pages under /import/ and the staff's home panel with
the latest imports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from almen.imports.models import ImportRun
from almen.lib import menu, panels, routes, versions
from almen.lib.menu import MenuItem
from almen.lib.panels import Panel
from almen.register.places import VERSION_KEY as NAMES_VERSION

if TYPE_CHECKING:
    from almen.access.policy import Principal

APP = "imports"


LATEST = 5
# The home panel's rendered fragment is cached on this version (almen.lib.panels) and
# the register's names; a ImportRun saved or deleted bumps it.
VERSION_KEY = "imports:runs:version"


def importrun_changed(**_kwargs: Any) -> None:
    versions.bump_on_commit(VERSION_KEY)


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


def _staff_fragment(p: Principal) -> str | None:
    return ",".join(map(str, sorted(p.staff_organisations))) if p.staff_organisations else None


def register() -> None:
    post_save.connect(importrun_changed, sender=ImportRun, dispatch_uid="imports-runs-version")
    post_delete.connect(importrun_changed, sender=ImportRun, dispatch_uid="imports-runs-version-d")
    panels.register(
        Panel(
            "imports.latest",
            64,
            "imports/panels/latest.html",
            latest_imports_panel,
            2,
            fragment=_staff_fragment,
            versions=(VERSION_KEY, NAMES_VERSION),
        ),
        app=APP,
    )
    menu.register(
        MenuItem("imports.list", _("Import"), "imports:list", 70, menu.is_staff, menu.staff_cvr),
        app=APP,
    )
    routes.register_api("almen.imports.api:router", app=APP, prefix="/imports")
    routes.register_urls("almen.imports.urls", app=APP, prefix="import/")
