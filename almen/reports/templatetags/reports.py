"""``{% reports_link organisation %}``: a link to the organisation's report packs for
those who may read at least one (pages in other apps load this tag; no import)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from almen.access.policy import principal
from almen.reports import access

register = template.Library()


@register.simple_tag(takes_context=True)
def reports_link(context: dict[str, Any], organisation: Any) -> SafeString | str:
    request = context.get("request")
    if request is None:
        return ""
    p = principal(request)
    if p.is_anonymous:
        return ""
    if not (
        access.may_read_board_report(p, organisation)
        or access.handout_estates(p, organisation)
        or access.officer_municipalities(p, organisation)
    ):
        return ""
    return format_html(
        '<p><a class="button button-secondary" href="{}">{}</a></p>',
        reverse("reports:organisation", args=[organisation.cvr]),
        _("Rapporter"),
    )
