from django.urls import path

from almen.imports import views

app_name = "imports"

urlpatterns = [
    path("<str:cvr>/", views.import_list, name="list"),
    path("<str:cvr>/<uuid:run_id>/", views.import_detail, name="detail"),
    path("<str:cvr>/<uuid:run_id>/godkend/", views.import_commit, name="commit"),
]
