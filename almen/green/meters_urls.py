"""The meters part's URLs (included by ``almen/green/urls.py``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from almen.green import meters_views as views

GREEN = "organisationer/<str:cvr>/afdelinger/<int:number>/groen-drift/"
METERS = GREEN + "maalere/"
METER = METERS + "<uuid:meter_id>/"
LABELS = GREEN + "energimaerker/"

urlpatterns: list[URLPattern] = [
    path(METERS, views.meter_list, name="meter_list"),
    path(METERS + "ny/", views.meter_create, name="meter_create"),
    path(METER, views.meter_detail, name="meter_detail"),
    path(METER + "rediger/", views.meter_edit, name="meter_edit"),
    path(METER + "slet/", views.meter_delete, name="meter_delete"),
    path(METER + "aflaesninger/ny/", views.reading_create, name="reading_create"),
    path(METER + "udskiftning/", views.exchange_create, name="exchange_create"),
    path(
        METERS + "aflaesninger/<int:reading_id>/slet/",
        views.reading_delete,
        name="reading_delete",
    ),
    path(GREEN + "bygninger/", views.building_list, name="building_list"),
    path(GREEN + "bygninger/<int:building_id>/rediger/", views.building_edit, name="building_edit"),
    path(LABELS, views.label_list, name="label_list"),
    path(LABELS + "ny/", views.label_create, name="label_create"),
    path(LABELS + "<uuid:label_id>/rediger/", views.label_edit, name="label_edit"),
    path(LABELS + "<uuid:label_id>/slet/", views.label_delete, name="label_delete"),
]
