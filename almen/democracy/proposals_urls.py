"""URLs of the democracy's proposals (included by ``urls.py`` under the ``democracy`` namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from almen.democracy import proposals_views as views

ESTATE = "organisationer/<str:cvr>/afdelinger/<int:number>/"

urlpatterns: list[URLPattern] = [
    path("moeder/<uuid:meeting_id>/forslag/", views.meeting_proposals, name="meeting_proposals"),
    path("moeder/<uuid:meeting_id>/forslag/ny/", views.proposal_create, name="proposal_create"),
    path(
        "moeder/<uuid:meeting_id>/dagsorden/<int:position>/aendringsforslag/ny/",
        views.amendment_create,
        name="amendment_create",
    ),
    path("forslag/<uuid:proposal_id>/", views.proposal_detail, name="proposal_detail"),
    path(
        "forslag/<uuid:proposal_id>/medunderskriv/", views.proposal_support, name="proposal_support"
    ),
    path(
        "forslag/<uuid:proposal_id>/medunderskriv/traek-tilbage/",
        views.proposal_support_withdraw,
        name="proposal_support_withdraw",
    ),
    path("forslag/<uuid:proposal_id>/behandl/", views.proposal_handle, name="proposal_handle"),
    path(ESTATE + "underskrifter/", views.estate_petitions, name="estate_petitions"),
    path(ESTATE + "underskrifter/ny/", views.petition_create, name="petition_create"),
    path("underskrifter/<uuid:petition_id>/", views.petition_detail, name="petition_detail"),
    path("underskrifter/<uuid:petition_id>/underskriv/", views.petition_sign, name="petition_sign"),
    path(
        "underskrifter/<uuid:petition_id>/traek-tilbage/",
        views.petition_withdraw,
        name="petition_withdraw",
    ),
]
