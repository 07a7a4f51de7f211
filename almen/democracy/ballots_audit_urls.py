"""URLs of the ballots' audit (included by ``urls.py`` under the ``democracy``
namespace): the bulletin file that ``bulletin_verify.py`` checks."""

from __future__ import annotations

from django.urls import URLPattern, path

from almen.democracy import ballots_audit_views as views

urlpatterns: list[URLPattern] = [
    path(
        "afstemninger/<uuid:ballot_id>/opslag.json",
        views.bulletin_json,
        name="ballot_bulletin_json",
    ),
]
