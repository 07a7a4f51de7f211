"""URLs of the voting part (included by ``urls.py`` under the ``democracy`` namespace):
voting, e-mailing one's own tracker code, and the bulletin page. The bulletin's file
(``opslag.json``) is the audit part's."""

from __future__ import annotations

from django.urls import URLPattern, path

from almen.democracy import ballots_vote_views as views

BALLOT = "afstemninger/<uuid:ballot_id>/"

urlpatterns: list[URLPattern] = [
    path(f"{BALLOT}stem/", views.ballot_vote, name="ballot_vote"),
    path(f"{BALLOT}kvittering/", views.ballot_receipt, name="ballot_receipt"),
    path(f"{BALLOT}opslag/", views.ballot_bulletin, name="ballot_bulletin"),
]
