"""URLs of the democracy's notices (included by ``urls.py`` under the ``democracy`` namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from almen.democracy import notices_views as views

urlpatterns: list[URLPattern] = [
    path("moeder/<uuid:meeting_id>/indkaldelser/", views.notices, name="notices"),
    path("moeder/<uuid:meeting_id>/indkaldelser/send/", views.notices_send, name="notices_send"),
    path("moeder/<uuid:meeting_id>/indkaldelser/breve/", views.letters_make, name="notice_letters"),
    path(
        "moeder/<uuid:meeting_id>/indkaldelser/breve/<uuid:job_id>/",
        views.notice_job,
        name="notice_job",
    ),
    path(
        "moeder/<uuid:meeting_id>/indkaldelser/breve/<uuid:job_id>/hent/",
        views.notice_job_download,
        name="notice_job_download",
    ),
    path("moeder/<uuid:meeting_id>/moede.ics", views.meeting_ics, name="meeting_ics"),
]
