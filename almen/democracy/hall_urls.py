"""URLs of the democracy's hall (included by ``urls.py`` under the ``democracy`` namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from almen.democracy import hall_views as views

HALL = "moeder/<uuid:meeting_id>/salen/"

urlpatterns: list[URLPattern] = [
    path(HALL, views.hall, name="hall"),
    path(f"{HALL}antal/", views.hall_count, name="hall_count"),
    path(f"{HALL}tjek-ind/", views.checkin_search, name="hall_checkin"),
    path(
        f"{HALL}fremmoede/<int:attendance_id>/fortryd/",
        views.attendance_undo,
        name="hall_undo",
    ),
    path(f"{HALL}fuldmagt/", views.proxy, name="hall_proxy"),
    path(f"{HALL}punkter/<int:item_id>/afstemning/", views.item_vote, name="hall_item_vote"),
    path(
        f"{HALL}punkter/<int:item_id>/kandidater/",
        views.candidate_add,
        name="hall_candidate_add",
    ),
    path(f"{HALL}punkter/<int:item_id>/valg/", views.election, name="hall_election"),
    path(
        f"{HALL}aendringsforslag/<int:amendment_id>/afstemning/",
        views.amendment_vote,
        name="hall_amendment_vote",
    ),
    path(f"{HALL}afslut/", views.close, name="hall_close"),
    # The QR code on the notice letter (checkin.checkin_path builds it).
    path("moeder/<uuid:meeting_id>/tjek-ind/<str:token>/", views.checkin_scan, name="checkin_scan"),
    path(
        "organisationer/<str:cvr>/afdelinger/<int:number>/moederegler/",
        views.estate_rules,
        name="estate_rules",
    ),
]
