"""The measures part's URLs (included by ``almen/green/urls.py``)."""

from __future__ import annotations

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
