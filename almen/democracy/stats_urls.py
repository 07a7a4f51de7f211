"""URLs of the democracy's stats (included by ``urls.py`` under the ``democracy`` namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from almen.democracy import stats_views

urlpatterns: list[URLPattern] = [
    path(
        "organisationer/<str:cvr>/afdelinger/<int:number>/deltagelse/",
        stats_views.estate_participation,
        name="estate_participation",
    ),
    path(
        "organisationer/<str:cvr>/afdelinger/<int:number>/deltagelse.csv",
        stats_views.estate_participation_csv,
        name="estate_participation_csv",
    ),
    path(
        "organisationer/<str:cvr>/deltagelse/",
        stats_views.organisation_participation,
        name="organisation_participation",
    ),
    path(
        "organisationer/<str:cvr>/deltagelse.csv",
        stats_views.organisation_participation_csv,
        name="organisation_participation_csv",
    ),
]
