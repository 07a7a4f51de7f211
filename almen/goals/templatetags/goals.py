from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

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


@register.filter
def num(value: Any) -> str:
    """A measured value as people write it: 131,1 not 131,100; 1.250 not 1250,000."""
    if value is None or value == "":
        return "–"
    decimal = Decimal(str(value)).normalize()
    places = max(-decimal.as_tuple().exponent, 0)  # type: ignore[operator]
    return number_format(decimal, decimal_pos=places, force_grouping=True)
