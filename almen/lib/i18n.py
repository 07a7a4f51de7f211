"""Content stored in both languages (``<field>_da``/``<field>_en``), picked by the
active language with Danish as the fallback."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language


def localized(obj: Any, field: str, language: str | None = None) -> str:
    lang = (language or get_language() or "da")[:2]
    value = getattr(obj, f"{field}_{lang}", "") if lang in {"da", "en"} else ""
    return value or getattr(obj, f"{field}_da", "")
