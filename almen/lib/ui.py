"""Template tags for the shared look (``{% load almen_ui %}``; registered as a library in
``TEMPLATES``): Det Fælles Designsystem's breadcrumbs.

    {% url 'goals:goal_detail' goal.public_id as parent %}
    {% breadcrumbs goal.title parent _("Ny indikator") %}

renders Forside › <goal title> › Ny indikator: pairs of label and URL, then optionally
the current page's label (shown without a link, ``aria-current="page"``). The first
crumb, the home page, is always there.

    {% for shown in panels %}{% panel shown %}{% endfor %}

renders a dashboard panel (``almen.lib.panels``): its cached fragment when there is one,
otherwise its template with the page's context plus ``panel``, keeping the result
where the panel asked for it."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag(takes_context=True)
def panel(context: template.Context, shown: Any) -> SafeString:
    from almen.lib import panels

    if shown.html is not None:
        return SafeString(shown.html)
    assert context.template is not None  # a tag renders inside a template
    fragment = context.template.engine.get_template(shown.panel.template)
    with context.push(panel=shown.context):
        html = fragment.render(context)
    panels.keep(shown, str(html))
    return SafeString(html)


@register.simple_tag
def breadcrumbs(*trail: Any) -> SafeString:
    parts = list(trail)
    current = parts.pop() if len(parts) % 2 else None
    try:
        crumbs = [(gettext("Forside"), reverse("web:home"))]
    except NoReverseMatch:
        crumbs = []
    crumbs += [(str(parts[i]), str(parts[i + 1])) for i in range(0, len(parts), 2) if parts[i + 1]]
    return SafeString(render_to_string("_breadcrumbs.html", {"crumbs": crumbs, "current": current}))
