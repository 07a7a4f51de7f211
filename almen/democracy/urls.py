from django.urls import path

from almen.democracy import (
    ballots_admin_urls,
    ballots_audit_urls,
    ballots_elections_urls,
    ballots_vote_urls,
    hall_urls,
    meetings_urls,
    minutes_urls,
    notices_urls,
    proposals_urls,
    stats_urls,
    views,
)

app_name = "democracy"

urlpatterns = [
    path("beslutninger/<uuid:decision_id>/", views.decision_detail, name="decision_detail"),
    *meetings_urls.urlpatterns,
    *notices_urls.urlpatterns,
    *proposals_urls.urlpatterns,
    *hall_urls.urlpatterns,
    *minutes_urls.urlpatterns,
    *stats_urls.urlpatterns,
    *ballots_audit_urls.urlpatterns,
    *ballots_vote_urls.urlpatterns,
    *ballots_admin_urls.urlpatterns,
    *ballots_elections_urls.urlpatterns,
]
