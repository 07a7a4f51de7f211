"""URLs of running a ballot (included by ``urls.py`` under the ``democracy`` namespace;
decision 0030's contract: the voting, bulletin and elections parts add theirs under
the same ``afstemninger/<uuid:ballot_id>/``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from almen.democracy import ballots_admin_views as views

ESTATE = "organisationer/<str:cvr>/afdelinger/<int:number>/afstemninger/"
ORGANISATION = "organisationer/<str:cvr>/afstemninger/"
BALLOT = "afstemninger/<uuid:ballot_id>/"

urlpatterns: list[URLPattern] = [
    path(ESTATE, views.estate_ballots, name="estate_ballots"),
    path(ESTATE + "ny/", views.ballot_create, name="ballot_create"),
    path(ORGANISATION, views.organisation_ballots, name="organisation_ballots"),
    path(BALLOT, views.ballot_detail, name="ballot_detail"),
    path(BALLOT + "rediger/", views.ballot_edit, name="ballot_edit"),
    path(BALLOT + "muligheder/", views.ballot_options, name="ballot_options"),
    path(BALLOT + "aabn/", views.ballot_open, name="ballot_open"),
    path(BALLOT + "luk/", views.ballot_close, name="ballot_close"),
    path(BALLOT + "papir/", views.ballot_paper, name="ballot_paper"),
    path(BALLOT + "optaelling/", views.ballot_counts, name="ballot_counts"),
    path(
        BALLOT + "optaelling/<int:count_id>/kontrol/",
        views.count_check,
        name="ballot_count_check",
    ),
    path(BALLOT + "optael/", views.ballot_count, name="ballot_count"),
    path(BALLOT + "offentliggoer/", views.ballot_publish, name="ballot_publish"),
]
