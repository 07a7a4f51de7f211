from django.contrib import admin
from django.urls import include, path

from almen.api.api import api
from almen.web.views import healthz

urlpatterns = [
    path("", include("almen.web.urls")),
    path("", include("almen.register.urls")),
    path("import/", include("almen.imports.urls")),
    path("", include("almen.goals.urls")),
    path("styringsdialog/", include("almen.dialogue.urls")),
    path("rapporter/", include("almen.reports.urls")),
    path("konto/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
]
