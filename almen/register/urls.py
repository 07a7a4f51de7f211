from django.urls import path

from almen.register import views

app_name = "register"

# Residents' personal data, for the organisation's staff (docs/privacy.md).
urlpatterns = [
    path("organisationer/<str:cvr>/beboere/", views.resident_search, name="resident_search"),
    path(
        "organisationer/<str:cvr>/beboere/<uuid:resident_id>/",
        views.resident_detail,
        name="resident_detail",
    ),
    path(
        "organisationer/<str:cvr>/beboere/<uuid:resident_id>/eksport.json",
        views.resident_export,
        {"fmt": "json"},
        name="resident_export_json",
    ),
    path(
        "organisationer/<str:cvr>/beboere/<uuid:resident_id>/eksport.csv",
        views.resident_export,
        {"fmt": "csv"},
        name="resident_export_csv",
    ),
    path(
        "organisationer/<str:cvr>/beboere/<uuid:resident_id>/slet/",
        views.resident_anonymise,
        name="resident_anonymise",
    ),
]
