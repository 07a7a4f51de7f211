from django.urls import path

from almen.web import site_views, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("konto/profil/", views.profile, name="profile"),
    path("organisationer/", views.organisation_list, name="organisation_list"),
    path("organisationer/<str:cvr>/", views.organisation_detail, name="organisation_detail"),
    path("organisationer/<str:cvr>/log/", views.audit_log, name="audit_log"),
    path("organisationer/<str:cvr>/api-tokens/", views.api_tokens, name="api_tokens"),
    path(
        "organisationer/<str:cvr>/api-tokens/<uuid:token_id>/tilbagekald/",
        views.api_token_revoke,
        name="api_token_revoke",
    ),
    path(
        "organisationer/<str:cvr>/afdelinger/<int:number>/",
        views.estate_detail,
        name="estate_detail",
    ),
    path(
        "organisationer/<str:cvr>/afdelinger/<int:number>/beboere/",
        views.estate_residents,
        name="estate_residents",
    ),
    # Site pages (site_views.py): public, linked from the footer.
    path("tilgaengelighed/", site_views.accessibility, name="accessibility"),
    path("privatliv/", site_views.privacy, name="privacy"),
    path("cookies/", site_views.cookies, name="cookies"),
    path("status/", site_views.status, name="status"),
    path(
        "organisationer/<str:cvr>/kontakt/",
        site_views.organisation_contact,
        name="organisation_contact",
    ),
    path(
        "organisationer/<str:cvr>/kontakt/rediger/",
        site_views.organisation_contact_edit,
        name="organisation_contact_edit",
    ),
]
