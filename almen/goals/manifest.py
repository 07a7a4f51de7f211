"""What the goals module plugs into the platform (called from ``GoalsConfig.ready()``):
its open-data tables, its panels, the notification kinds it will send, its API
router, its URLs and its demo. Removing these registrations removes goals from the home page,
the open-data zip and the API without breaking the rest (``almen/web/tests/
test_manifest.py``)."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from almen.access.policy import Principal
from almen.goals.access import visible_goals
from almen.goals.api import router
from almen.goals.demo import goals_demo_create
from almen.goals.models import Action, ActionStatus, Goal, GoalStatus
from almen.goals.opendata import TABLES
from almen.goals.picture import goals_version
from almen.goals.selectors import goal_summaries, review_due, with_last_review
from almen.lib import demo, menu, notifications, opendata, panels, routes
from almen.lib.demo import Demo
from almen.lib.menu import MenuItem
from almen.lib.notifications import NotificationKind, Preference
from almen.lib.panels import ESTATE, ORGANISATION, Panel
from almen.register.models import Estate, Organisation

APP = "goals"
ATTENTION_LIMIT = 8


def estate_goals_panel(p: Principal) -> dict[str, Any] | None:
    """For residents and estate boards: what their estate is working on, and how it goes."""
    estates = p.resident_estates | p.board_estates
    if not estates:
        return None
    goals = (
        visible_goals(p)
        .filter(estate_id__in=estates)
        .exclude(status=GoalStatus.DRAFT)
        .order_by("title")
    )
    return {"goals": goal_summaries(goals, limit=6)}


def attention_panel(p: Principal) -> dict[str, Any] | None:
    """For staff and estate boards: goals whose review is overdue and actions past their
    due date, in what they manage."""
    if not (p.staff_organisations or p.board_estates):
        return None
    scope = Q(organisation_id__in=p.staff_organisations) | Q(estate_id__in=p.board_estates)
    today = timezone.localdate()
    goals = with_last_review(Goal.objects.filter(scope).exclude(status=GoalStatus.ENDED))
    overdue_reviews = [
        g
        for g in goals.select_related("organisation", "estate").order_by("title")
        if review_due(g, today).overdue
    ]
    overdue_actions = list(
        Action.objects.filter(Q(goals__in=Goal.objects.filter(scope)), due__lt=today)
        .filter(status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS])
        .distinct()
        # The goal page the item links to (the action's first goal in this scope).
        .annotate(
            goal_public_id=Subquery(
                Goal.objects.filter(scope, actions=OuterRef("pk"))
                .order_by("title")
                .values("public_id")[:1]
            )
        )
        .order_by("due")[:ATTENTION_LIMIT]
    )
    return {"reviews": overdue_reviews[:ATTENTION_LIMIT], "actions": overdue_actions}


def organisation_goals_panel(p: Principal, organisation: Organisation) -> dict[str, Any]:
    """On the organisation page: the organisation's own goals this principal may see."""
    goals = visible_goals(p).filter(organisation=organisation, estate__isnull=True)
    return {"goals": goal_summaries(goals.order_by("title"))}


def estate_page_goals_panel(p: Principal, estate: Estate) -> dict[str, Any]:
    """On the estate page: the estate's goals this principal may see."""
    return {"goals": goal_summaries(visible_goals(p).filter(estate=estate).order_by("title"))}


def national_link_panel(p: Principal) -> dict[str, Any] | None:
    """For the sector: the way to the national picture."""
    return {} if p.sector else None


KINDS = (
    NotificationKind(
        "goals.review_due",
        _("Status skal snart gøres"),
        _("Et mål, I har ansvaret for, skal snart have status."),
        Preference.DAILY,
        "goals/notifications/review_due.txt",
    ),
    NotificationKind(
        "goals.review_overdue",
        _("Status er overskredet"),
        _("Et mål, I har ansvaret for, skulle have haft status."),
        Preference.IMMEDIATE,
        "goals/notifications/review_overdue.txt",
    ),
    NotificationKind(
        "goals.action_due",
        _("En indsats har snart frist"),
        _("En indsats, du er ansvarlig for, har snart frist."),
        Preference.DAILY,
        "goals/notifications/action_due.txt",
    ),
    NotificationKind(
        "goals.action_overdue",
        _("En indsats har overskredet fristen"),
        _("En indsats, du er ansvarlig for, er ikke færdig, og fristen er gået."),
        Preference.IMMEDIATE,
        "goals/notifications/action_overdue.txt",
    ),
    NotificationKind(
        "goals.goal_shared",
        _("Et mål er delt med jer"),
        _("En boligorganisation har delt et mål med jeres kommune eller med sektoren."),
        Preference.DAILY,
        "goals/notifications/goal_shared.txt",
    ),
    NotificationKind(
        "goals.goal_adopted",
        _("Et af jeres mål er brugt af andre"),
        _("En anden boligorganisation eller afdeling har kopieret et af jeres mål."),
        Preference.DAILY,
        "goals/notifications/goal_adopted.txt",
    ),
)


def _is_municipality(p: Principal) -> bool:
    return bool(p.municipalities)


MENU = (
    MenuItem("goals.goals", _("Mål"), "goals:goal_list", 20, shown=menu.signed_in),
    MenuItem("goals.framework", _("Almene mål"), "goals:framework_current", 30),
    MenuItem("goals.library", _("Inspiration"), "goals:library", 40),
    MenuItem("goals.national", _("Nationalt billede"), "goals:national", 50),
    MenuItem("goals.municipality", _("Din kommune"), "goals:municipality", 15, _is_municipality),
)


def register() -> None:
    for item in MENU:
        menu.register(item, app=APP)
    for table in TABLES:
        opendata.register(table, app=APP)
    opendata.register_version(goals_version, app=APP)
    panels.register(
        Panel("goals.estate_goals", 20, "goals/panels/estate_goals.html", estate_goals_panel, 2),
        app=APP,
    )
    panels.register(
        Panel("goals.attention", 30, "goals/panels/attention.html", attention_panel, 2),
        app=APP,
    )
    panels.register(
        Panel(
            "goals.organisation_goals",
            20,
            "goals/panels/organisation_goals.html",
            organisation_goals_panel,
            2,
            place=ORGANISATION,
        ),
        app=APP,
    )
    panels.register(
        Panel(
            "goals.estate_page_goals",
            20,
            "goals/panels/estate_page_goals.html",
            estate_page_goals_panel,
            2,
            place=ESTATE,
        ),
        app=APP,
    )
    panels.register(
        Panel("goals.national_link", 85, "goals/panels/national_link.html", national_link_panel, 0),
        app=APP,
    )
    for kind in KINDS:
        notifications.register(kind, app=APP)
    routes.register_api(router, app=APP)
    routes.register_urls("almen.goals.urls", app=APP)
    demo.register(Demo("goals", "nye mål", goals_demo_create), app=APP)
