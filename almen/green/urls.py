"""Grøn drift's URLs: each part keeps its own in ``<part>_urls.py``."""

from __future__ import annotations

from almen.green import (
    factors_urls,
    imports_urls,
    measures_urls,
    meters_urls,
    pages_urls,
    platform_urls,
)

app_name = "green"

urlpatterns = [
    *pages_urls.urlpatterns,
    *meters_urls.urlpatterns,
    *imports_urls.urlpatterns,
    *factors_urls.urlpatterns,
    *measures_urls.urlpatterns,
    *platform_urls.urlpatterns,
]
