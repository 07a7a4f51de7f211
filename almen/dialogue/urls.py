from django.urls import path

from almen.dialogue import views

app_name = "dialogue"

urlpatterns = [
    path("", views.dialogue_list, name="dialogue_list"),
    path("ny/", views.dialogue_create, name="dialogue_create"),
    path("<uuid:dialogue_id>/", views.dialogue_detail, name="dialogue_detail"),
    path("<uuid:dialogue_id>/rediger/", views.dialogue_edit, name="dialogue_edit"),
    path("<uuid:dialogue_id>/aftaler/ny/", views.agreement_create, name="agreement_create"),
    path(
        "<uuid:dialogue_id>/aftaler/<uuid:agreement_id>/rediger/",
        views.agreement_edit,
        name="agreement_edit",
    ),
    path(
        "<uuid:dialogue_id>/aftaler/<uuid:agreement_id>/opfoelgning/",
        views.agreement_follow_up,
        name="agreement_follow_up",
    ),
]
