"""The platform part's URLs (included by ``almen/green/urls.py``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from almen.green import platform_export

urlpatterns: list[URLPattern] = [
    path(
        "organisationer/<str:cvr>/groen-drift/eksport.xlsx",
        platform_export.organisation_export,
        name="platform_export",
    ),
]
