from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from almen.access.policy import principal
from almen.lib import menu


def context(request: HttpRequest) -> dict[str, Any]:
    """The principal (the header shows the user's role) and the menu the registered
    modules give this principal, worked out only if the page renders the header."""
    p = principal(request)
    return {
        "principal": p,
        "menu_links": SimpleLazyObject(lambda: menu.links(p, request.path)),
    }
