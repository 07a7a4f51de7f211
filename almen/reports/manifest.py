"""What the report packs plug in (called from ``ReportsConfig.ready()``): their pages
under /rapporter/, the notification that a pack built in the background is ready, and
the staff's home panel with the latest packs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from almen.lib import menu, notifications, panels, routes, versions
from almen.lib.menu import MenuItem
from almen.lib.notifications import NotificationKind, Preference
from almen.lib.panels import Panel
from almen.register.places import VERSION_KEY as NAMES_VERSION
from almen.reports.models import ReportJob

if TYPE_CHECKING:
    from almen.access.policy import Principal

APP = "reports"

KINDS = (
    NotificationKind(
        "reports.pack_ready",
        _("Rapportpakken er klar"),
        _("En rapportpakke, du har bestilt, er færdig og kan hentes."),
        Preference.IMMEDIATE,
        "reports/notifications/pack_ready.txt",
    ),
)


LATEST = 5
# The home panel's rendered fragment is cached on this version (almen.lib.panels) and
# the register's names; a ReportJob saved or deleted bumps it.
VERSION_KEY = "reports:jobs:version"


def reportjob_changed(**_kwargs: Any) -> None:
    versions.bump_on_commit(VERSION_KEY)


def latest_packs_panel(p: Principal) -> dict[str, Any] | None:
    """For organisation staff: the latest report packs they ordered (only the requester
    may fetch a pack), and the way to make a new one.
    One query (and one for the organisations' names, cached)."""
    if not p.staff_organisations:
        return None
    from almen.register.places import organisations_by_name

    jobs = list(
        ReportJob.objects.filter(
            organisation_id__in=p.staff_organisations, requested_by_id=p.user_id
        )
        .select_related("organisation")
        .order_by("-created_at", "-id")[:LATEST]
    )
    organisations = organisations_by_name(p.staff_organisations)
    return {"jobs": jobs, "organisations": organisations}


def _own_fragment(p: Principal) -> str | None:
    """The packs this person ordered, in their organisations."""
    if not p.staff_organisations:
        return None
    return "{}:{}".format(p.user_id, ",".join(map(str, sorted(p.staff_organisations))))


def register() -> None:
    post_save.connect(reportjob_changed, sender=ReportJob, dispatch_uid="reports-jobs-version")
    post_delete.connect(reportjob_changed, sender=ReportJob, dispatch_uid="reports-jobs-version-d")
    panels.register(
        Panel(
            "reports.latest",
            66,
            "reports/panels/latest.html",
            latest_packs_panel,
            2,
            fragment=_own_fragment,
            versions=(VERSION_KEY, NAMES_VERSION),
        ),
        app=APP,
    )
    menu.register(
        MenuItem(
            "reports.organisation",
            _("Rapporter"),
            "reports:organisation",
            60,
            shown=menu.is_staff,
            args=menu.staff_cvr,
        ),
        app=APP,
    )
    for kind in KINDS:
        notifications.register(kind, app=APP)
    routes.register_urls("almen.reports.urls", app=APP, prefix="rapporter/")
