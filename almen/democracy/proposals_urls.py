"""URLs of the democracy's proposals (included by ``urls.py`` under the ``democracy`` namespace)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
