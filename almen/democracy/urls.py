from django.urls import path

from almen.democracy import views

app_name = "democracy"

ESTATE = "organisationer/<str:cvr>/afdelinger/<int:number>/"
ORG = "organisationer/<str:cvr>/"

urlpatterns = [
    path("beslutninger/<uuid:decision_id>/", views.decision_detail, name="decision_detail"),
]
