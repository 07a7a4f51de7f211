"""Render a form field's widget with Det Fælles Designsystem's classes and the
aria attributes that tie it to its hint and error message."""

from __future__ import annotations

from django import template
from django.forms import BoundField, CheckboxInput, RadioSelect
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return isinstance(field.field.widget, CheckboxInput)


@register.filter
def dkfds_widget(field: BoundField) -> SafeString:
    widget = field.field.widget
    if isinstance(widget, CheckboxInput):
        css = "form-checkbox"
    elif isinstance(widget, RadioSelect):
        css = "form-radio"
    else:
        css = "form-input"
    attrs: dict[str, str | bool] = {"class": f"{css} {widget.attrs.get('class', '')}".strip()}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_hint")
    if field.errors:
        described.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    # allauth's placeholders repeat the label in English-ish shorthand; the label says it.
    attrs["placeholder"] = False
    return field.as_widget(attrs=attrs)
