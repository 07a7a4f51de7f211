"""The imports part's URLs (included by ``almen/green/urls.py``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from almen.green import imports_views as views

BASE = "organisationer/<str:cvr>/groen-drift/import/"

urlpatterns: list[URLPattern] = [
    path(BASE, views.import_upload, name="import_upload"),
    path(f"{BASE}<uuid:import_id>/", views.import_detail, name="import_detail"),
    path(f"{BASE}<uuid:import_id>/godkend/", views.import_commit, name="import_commit"),
]
