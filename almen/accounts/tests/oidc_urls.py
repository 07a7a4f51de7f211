"""The site's URLs plus the test OpenID Connect provider. Used only by the OIDC test
through override_settings(ROOT_URLCONF=...), so the authorisation matrix (which walks
config.urls) never sees the provider."""

from django.urls import include, path

from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    *site_urlpatterns,
    path("test-oidc/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
