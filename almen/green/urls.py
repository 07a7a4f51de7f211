from django.urls import path  # noqa: F401  (each part adds its patterns)

app_name = "green"

urlpatterns: list = []
