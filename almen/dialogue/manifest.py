"""What the styringsdialog plugs in (called from ``DialogueConfig.ready()``): its URLs
and a home panel with the way to the dialogues."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from almen.access.policy import Principal
from almen.dialogue import attachment_owners
from almen.lib import demo, menu, panels, routes
from almen.lib.demo import Demo
from almen.lib.menu import MenuItem
from almen.lib.panels import Panel

APP = "dialogue"


def links_panel(p: Principal) -> dict[str, Any] | None:
    """For municipality officers and organisation staff, who hold the dialogue."""
    if not (p.municipalities or p.staff_organisations):
        return None
    return {"municipal": bool(p.municipalities)}


def _works_on_dialogues(p: Principal) -> bool:
    """Staff and municipality officers hold styringsdialoger; others rarely see one."""
    return bool(p.staff_organisations or p.municipalities)


def register() -> None:
    menu.register(
        MenuItem(
            "dialogue.list",
            _("Styringsdialog"),
            "dialogue:dialogue_list",
            65,
            shown=_works_on_dialogues,
        ),
        app=APP,
    )
    panels.register(
        Panel("dialogue.links", 70, "dialogue/panels/links.html", links_panel, queries=0), app=APP
    )
    routes.register_urls("almen.dialogue.urls", app=APP, prefix="styringsdialog/")
    attachment_owners.register(APP)
    demo.register(
        Demo("dialogue", "nye styringsdialoger", "almen.dialogue.demo:dialogue_demo_create"),
        app=APP,
    )
