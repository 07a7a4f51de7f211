from django.urls import path

from almen.notify import views

app_name = "notify"

urlpatterns = [
    path("", views.preferences, name="preferences"),
    path("afmeld/<str:signed>/", views.unsubscribe, name="unsubscribe"),
]
