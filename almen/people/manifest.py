"""What people plugs in (called from ``PeopleConfig.ready()``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from almen.lib import menu
from almen.lib.menu import MenuItem

APP = "people"


def register() -> None:
    # The URL resolves once the people pages exist; until then the menu leaves it out.
    menu.register(
        MenuItem("people.index", _("Personer"), "people:index", 80, shown=menu.is_staff),
        app=APP,
    )
