from typing import Any

from django import template

from almen.lib.i18n import localized

register = template.Library()


@register.filter
def tr(obj: Any, field: str) -> str:
    """``{{ cornerstone|tr:"title" }}``: the field in the active language."""
    return localized(obj, field)


@register.filter
def paragraphs(text: str) -> list[str]:
    """Split a stored text into paragraphs (blank-line separated)."""
    return [p.strip() for p in (text or "").split("\n\n") if p.strip()]


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if mapping else None
