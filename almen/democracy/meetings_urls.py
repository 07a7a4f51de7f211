"""URLs of the democracy's meetings (included by ``urls.py`` under the ``democracy`` namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from almen.democracy import meetings_views as views

ESTATE = "organisationer/<str:cvr>/afdelinger/<int:number>/moeder/"
ORGANISATION = "organisationer/<str:cvr>/moeder/"
MEETING = "moeder/<uuid:meeting_id>/"
ITEM = MEETING + "dagsorden/<int:position>/"

urlpatterns: list[URLPattern] = [
    path(ESTATE, views.estate_meetings, name="estate_meetings"),
    path(ESTATE + "ny/", views.meeting_create, name="meeting_create"),
    path(ORGANISATION, views.organisation_meetings, name="organisation_meetings"),
    path(
        ORGANISATION + "ny/", views.organisation_meeting_create, name="organisation_meeting_create"
    ),
    path(MEETING, views.meeting_detail, name="meeting_detail"),
    path(MEETING + "rediger/", views.meeting_edit, name="meeting_edit"),
    path(MEETING + "aflys/", views.meeting_cancel, name="meeting_cancel"),
    path(MEETING + "indkald/", views.notice_publish, name="notice_publish"),
    path(MEETING + "materiale/offentliggoer/", views.material_publish, name="material_publish"),
    path(MEETING + "dagsorden/ny/", views.agenda_item_add, name="agenda_item_add"),
    path(ITEM + "rediger/", views.agenda_item_edit, name="agenda_item_edit"),
    path(ITEM + "flyt/", views.agenda_item_move, name="agenda_item_move"),
    path(ITEM + "fjern/", views.agenda_item_remove, name="agenda_item_remove"),
]
