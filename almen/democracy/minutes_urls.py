"""URLs of the democracy's minutes and decision register (included by ``urls.py``
under the ``democracy`` namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from almen.democracy import minutes_views as views

urlpatterns: list[URLPattern] = [
    path("moeder/<uuid:meeting_id>/referat/", views.minutes, name="minutes"),
    path("moeder/<uuid:meeting_id>/referat/rediger/", views.minutes_edit, name="minutes_edit"),
    path("moeder/<uuid:meeting_id>/referat/udkast/", views.minutes_draft, name="minutes_draft"),
    path(
        "moeder/<uuid:meeting_id>/referat/offentliggoer/",
        views.minutes_publish,
        name="minutes_publish",
    ),
    path("moeder/<uuid:meeting_id>/referat.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("moeder/<uuid:meeting_id>/referat.docx", views.minutes_docx, name="minutes_docx"),
    path(
        "organisationer/<str:cvr>/beslutninger/",
        views.organisation_decisions,
        name="organisation_decisions",
    ),
    path(
        "organisationer/<str:cvr>/beslutninger/ny/",
        views.organisation_decision_create,
        name="organisation_decision_create",
    ),
    path(
        "organisationer/<str:cvr>/afdelinger/<int:number>/beslutninger/",
        views.estate_decisions,
        name="estate_decisions",
    ),
    path(
        "organisationer/<str:cvr>/afdelinger/<int:number>/beslutninger/ny/",
        views.estate_decision_create,
        name="estate_decision_create",
    ),
]
