"""``{% attachments_section owner %}``: the attachments section on an owner's page
(the page has already authorised reading the owner)."""

from __future__ import annotations

from typing import Any

from django import template

from almen.access.policy import principal
from almen.attachments.access import Owned
from almen.attachments.owners import kind_of

register = template.Library()


@register.inclusion_tag("attachments/_section.html", takes_context=True)
def attachments_section(context: template.Context, owner: Any) -> dict[str, Any]:
    from almen.attachments.views import section_context

    kind = kind_of(owner)
    if kind is None or owner is None:
        return {"hidden": True}
    request = context["request"]
    owned = Owned(kind, owner, kind.can_manage(principal(request), owner))
    return {**section_context(owned), "request": request, "csrf_token": context.get("csrf_token")}
