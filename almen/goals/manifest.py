"""What the goals module plugs into the platform (called from ``GoalsConfig.ready()``):
its open-data tables, its panels, the notification kinds it will send, its API
router, its URLs and its demo. Removing these registrations removes goals from the home page,
the open-data zip and the API without breaking the rest (``almen/web/tests/
test_manifest.py``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from functools import partial
from typing import Any

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from almen.access.policy import Principal
from almen.goals import attachment_owners
from almen.goals.access import visible_goals
from almen.goals.models import Action, GoalStatus
from almen.goals.opendata import TABLES
from almen.goals.picture import (
    CACHE_VERSION_KEY,
    cached_on_goals,
    goals_version,
    national_picture,
)
from almen.goals.reminders import goal_reminders
from almen.goals.selectors import (
    DUE_SOON_DAYS,
    actions_for_user,
    goal_overview,
    goal_summaries,
    my_body_ids,
    open_actions,
    own_scope,
    review_due,
    with_last_review,
)
from almen.lib import decisions, demo, menu, notifications, opendata, panels, routes
from almen.lib.decisions import DecisionUse, UseLink
from almen.lib.demo import Demo
from almen.lib.menu import MenuItem
from almen.lib.notifications import NotificationKind, Preference, ReminderProducer
from almen.lib.panels import ESTATE, ORGANISATION, Panel
from almen.register.models import Estate, Organisation

APP = "goals"
ATTENTION_LIMIT = 8


def _roles(p: Principal) -> str:
    """What a person may read follows from their roles: one text per set of roles (the
    person's id left out), so every reader with the same roles shares a cached panel."""
    roles = [
        sorted(v) if isinstance(v, frozenset) else v
        for v in (getattr(p, f.name) for f in dataclasses.fields(p))
        if not isinstance(v, int | type(None)) or isinstance(v, bool)
    ]
    return str(roles)


def estate_goals_panel(p: Principal) -> dict[str, Any] | None:
    """For residents and estate boards: what their estate is working on, and how it goes.
    Cached per set of roles until a goal changes (``picture.cached_on_goals``); two
    queries when computed."""
    estates = p.resident_estates | p.board_estates
    if not estates:
        return None
    return {
        "goals": cached_on_goals(f"dashboard-estate-goals:{_roles(p)}", partial(_estate_goals, p))
    }


def _estate_goals_fragment(p: Principal) -> str | None:
    return _roles(p) if p.resident_estates or p.board_estates else None


def _estate_goals(p: Principal) -> list[Any]:
    goals = (
        visible_goals(p)
        .filter(estate_id__in=p.resident_estates | p.board_estates)
        .exclude(status=GoalStatus.DRAFT)
        .order_by("title")
    )
    return goal_summaries(goals, limit=6)


def attention_panel(p: Principal) -> dict[str, Any] | None:
    """For staff and boards: reviews and actions that are overdue or due within a month,
    in the goals they answer for (``selectors.own_scope``). Cached per set of roles and
    day until a goal, action or review changes; three queries when computed."""
    scope = own_scope(p)
    if scope is None:
        return None
    today = timezone.localdate()
    return cached_on_goals(
        f"dashboard-attention:{_roles(p)}:{today.isoformat()}",
        partial(_attention, p, scope, today),
    )


def _attention(p: Principal, scope: Q, today: dt.date) -> dict[str, Any]:
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    mine = visible_goals(p).filter(scope)
    goals = with_last_review(mine.exclude(status=GoalStatus.ENDED))
    dues = [
        (g, review_due(g, today))
        for g in goals.select_related("organisation", "estate").order_by("title")
    ]
    actions = open_actions(mine).order_by("due", "title")
    return {
        "reviews": [g for g, due in dues if due.overdue][:ATTENTION_LIMIT],
        "reviews_soon": [(g, due.due) for g, due in dues if not due.overdue and due.due <= soon][
            :ATTENTION_LIMIT
        ],
        "actions": list(actions.filter(due__lt=today)[:ATTENTION_LIMIT]),
        "actions_soon": list(actions.filter(due__gte=today, due__lte=soon)[:ATTENTION_LIMIT]),
        "days": DUE_SOON_DAYS,
    }


def _scope_fragment(p: Principal) -> str | None:
    """The overview's and attention's fragments: the same for every reader with the same
    roles (what ``own_scope`` and ``visible_goals`` read)."""
    return _roles(p) if own_scope(p) is not None else None


def overview_panel(p: Principal) -> dict[str, Any] | None:
    """For staff and boards: their adopted goals by computed status (each count links
    to the goal list filtered by it) and the drafts waiting for a decision. Cached per
    scope until a goal changes; two queries when computed."""
    scope = own_scope(p)
    if scope is None:
        return None
    key = f"dashboard-overview:{_roles(p)}"
    overview = cached_on_goals(key, lambda: goal_overview(visible_goals(p).filter(scope)))
    return {"overview": overview, "decides": bool(p.board_organisations or p.board_estates)}


MY_WORK_LIMIT = 5


def my_work_panel(p: Principal) -> dict[str, Any] | None:
    """For staff and boards: the first open actions they are responsible for (themselves
    or through a body they sit on), the way to "Mine indsatser". The bodies they sit on
    today are read on every request (one query: a seat given or ended shows at once);
    the actions are cached per person, roles, bodies and day until a goal or action
    changes (three queries when computed)."""
    if p.user_id is None or own_scope(p) is None:
        return None
    today = timezone.localdate()
    bodies = my_body_ids(p.user_id)
    actions = cached_on_goals(
        f"dashboard-my-work:{p.user_id}:{_roles(p)}:{bodies}:{today.isoformat()}",
        partial(actions_for_user, p.user_id, principal=p, limit=MY_WORK_LIMIT, bodies=bodies),
    )
    return {"actions": actions, "today": today, "limit": MY_WORK_LIMIT}


def _my_work_fragment(p: Principal) -> str | None:
    """Per person, roles and the bodies the person sits on today (read live: a seat given
    or ended shows at once)."""
    if p.user_id is None or own_scope(p) is None:
        return None
    return f"{p.user_id}:{_roles(p)}:{my_body_ids(p.user_id)}"


def _adoption_fragment(p: Principal) -> str | None:
    return "sector" if p.sector else None


def adoption_panel(p: Principal) -> dict[str, Any] | None:
    """For the sector: adoption across the country, from the cached national picture
    (goals shared with the sector): homes covered per region and the most used
    commitments."""
    if not p.sector:
        return None
    picture = national_picture("sector")
    covered = sum(r["covered"] for r in picture.regions)
    commitments = sorted(
        picture.commitments, key=lambda c: (-c["adoption"].goals, c["commitment"].code)
    )
    return {
        "picture": picture,
        "share": round(100 * covered / picture.total_homes, 1) if picture.total_homes else None,
        "top": [c for c in commitments if c["adoption"].goals][:5],
    }


def organisation_goals_panel(p: Principal, organisation: Organisation) -> dict[str, Any]:
    """On the organisation page: the organisation's own goals this principal may see."""
    goals = visible_goals(p).filter(organisation=organisation, estate__isnull=True)
    return {"goals": goal_summaries(goals.order_by("title"))}


def estate_page_goals_panel(p: Principal, estate: Estate) -> dict[str, Any]:
    """On the estate page: the estate's goals this principal may see."""
    return {"goals": goal_summaries(visible_goals(p).filter(estate=estate).order_by("title"))}


DECISION_LINKS_LIMIT = 50


def decision_links(decision_id: uuid.UUID, p: Principal) -> list[UseLink]:
    """What serves a decision (lib.decisions, decision 0029): the goals it adopted and
    the actions it created, as far as ``p`` may see them by goals' own rules (an action
    through the first of its goals ``p`` may see). Two queries."""
    visible = visible_goals(p)
    goals = (
        visible.filter(decision_id=decision_id)
        .order_by("title")
        .values_list("public_id", "title")[:DECISION_LINKS_LIMIT]
    )
    links = [
        UseLink(str(_("Mål")), title, reverse("goals:goal_detail", args=[public_id]))
        for public_id, title in goals
    ]
    first_goal = visible.filter(actions=OuterRef("pk")).order_by("title").values("public_id")[:1]
    actions = (
        Action.objects.filter(decision_id=decision_id)
        .annotate(goal_public_id=Subquery(first_goal))
        .filter(goal_public_id__isnull=False)
        .order_by("title")
        .values_list("title", "goal_public_id")[:DECISION_LINKS_LIMIT]
    )
    links += [
        UseLink(
            str(_("Indsats")), title, reverse("goals:goal_detail", args=[goal_id]) + "#indsatser"
        )
        for title, goal_id in actions
    ]
    return links


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
    # The dashboards (decision 0025); their rendered fragments are cached on the goals
    # version (almen.lib.panels).
    on_goals = (CACHE_VERSION_KEY,)
    panels.register(
        Panel(
            "goals.estate_goals",
            20,
            "goals/panels/estate_goals.html",
            estate_goals_panel,
            2,
            fragment=_estate_goals_fragment,
            versions=on_goals,
        ),
        app=APP,
    )
    panels.register(
        Panel(
            "goals.overview",
            15,
            "goals/panels/overview.html",
            overview_panel,
            2,
            fragment=_scope_fragment,
            versions=on_goals,
        ),
        app=APP,
    )
    panels.register(
        Panel(
            "goals.my_work",
            22,
            "goals/panels/my_work.html",
            my_work_panel,
            3,
            fragment=_my_work_fragment,
            versions=on_goals,
        ),
        app=APP,
    )
    panels.register(
        Panel(
            "goals.attention",
            30,
            "goals/panels/attention.html",
            attention_panel,
            3,
            fragment=_scope_fragment,
            versions=on_goals,
        ),
        app=APP,
    )
    panels.register(
        Panel(
            "goals.adoption",
            84,
            "goals/panels/adoption.html",
            adoption_panel,
            9,
            fragment=_adoption_fragment,
            versions=on_goals,
        ),
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
    for kind in KINDS:
        notifications.register(kind, app=APP)
    notifications.register_reminders(ReminderProducer("goals.deadlines", goal_reminders), app=APP)
    routes.register_api("almen.goals.api:router", app=APP)
    decisions.register_use(DecisionUse("goals.decision_links", decision_links), app=APP)
    routes.register_urls("almen.goals.urls", app=APP)
    attachment_owners.register(APP)
    demo.register(Demo("goals", "nye mål", "almen.goals.demo:goals_demo_create"), app=APP)
