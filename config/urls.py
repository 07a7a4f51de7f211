from django.contrib import admin
from django.urls import include, path

from almen.api.api import api
from almen.lib import routes
from almen.web.views import healthz

urlpatterns = [
    # Each app's pages, as registered from its AppConfig.ready() (almen/lib/routes.py).
    *routes.url_includes(),
    path("konto/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
]
