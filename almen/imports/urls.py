from django.urls import path

from almen.imports import views

app_name = "imports"

urlpatterns = [
    path("<str:cvr>/", views.import_list, name="list"),
]
