"""URLs of elections (included by ``urls.py`` under the ``democracy`` namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from almen.democracy import ballots_elections_views as views

BALLOT = "afstemninger/<uuid:ballot_id>/"

urlpatterns: list[URLPattern] = [
    path(f"{BALLOT}kandidater/", views.candidates, name="election_candidates"),
    path(f"{BALLOT}lodtraekning/", views.draw, name="election_draw"),
]
