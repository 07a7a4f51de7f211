from django.urls import path

from almen.attachments import views

app_name = "attachments"

urlpatterns = [
    path("bilag/fil/<uuid:attachment_id>/", views.download, name="download"),
    path("bilag/fil/<uuid:attachment_id>/slet/", views.delete, name="delete"),
    path("bilag/<slug:kind>/<str:owner>/", views.owner_attachments, name="owner"),
]
