"""The measures part's URLs (included by ``almen/green/urls.py``): an estate's green
measures and residents' involvement, and the organisation's overview."""

from __future__ import annotations

from django.urls import URLPattern, path

from almen.green import measures_views as views

ESTATE = "organisationer/<str:cvr>/afdelinger/<int:number>/groen-drift/tiltag/"
MEASURE = f"{ESTATE}<uuid:measure_id>/"
# The involvement log is shown on the measures page; its own URLs sit beside it (at
# most 100 characters a pattern, so that the matrix's test ids stay readable).
LOG = "organisationer/<str:cvr>/afdelinger/<int:number>/groen-drift/inddragelse/"
INVOLVEMENT = f"{LOG}<uuid:activity_id>/"

urlpatterns: list[URLPattern] = [
    path(ESTATE, views.estate_measures, name="measures_estate"),
    path(f"{ESTATE}nyt/", views.measure_create, name="measure_create"),
    path(MEASURE, views.measure_detail, name="measure_detail"),
    path(f"{MEASURE}rediger/", views.measure_edit, name="measure_edit"),
    path(f"{MEASURE}slet/", views.measure_delete, name="measure_delete"),
    path(f"{MEASURE}fotos/ny/", views.measure_photo_add, name="measure_photo_add"),
    path(f"{LOG}ny/", views.involvement_create, name="involvement_create"),
    path(f"{INVOLVEMENT}rediger/", views.involvement_edit, name="involvement_edit"),
    path(f"{INVOLVEMENT}slet/", views.involvement_delete, name="involvement_delete"),
    path(
        "organisationer/<str:cvr>/groen-drift/tiltag/",
        views.organisation_measures,
        name="measures_organisation",
    ),
]
