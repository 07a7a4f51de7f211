from django.urls import path

from almen.people import views

app_name = "people"

ORG = "organisationer/<str:cvr>/personer/"
ESTATE = "organisationer/<str:cvr>/afdelinger/<int:number>/"

urlpatterns = [
    path("personer/", views.index, name="index"),
    path(ORG, views.organisation, name="organisation"),
    path(f"{ORG}inviter/", views.invite, name="invite"),
    path(f"{ORG}roller/ny/", views.role_give, name="role_give"),
    path(f"{ORG}roller/<int:id>/afslut/", views.role_end, name="role_end"),
    path(f"{ORG}organer/<slug:body>/ny/", views.seat_add, name="seat_add"),
    path(f"{ORG}medlemmer/<int:id>/afslut/", views.seat_end, name="seat_end"),
    path(
        f"{ORG}invitationer/<int:id>/tilbagekald/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        f"{ORG}konti/<uuid:public_id>/deaktiver/",
        views.account_deactivate,
        name="account_deactivate",
    ),
    path(
        f"{ORG}konti/<uuid:public_id>/genaktiver/",
        views.account_reactivate,
        name="account_reactivate",
    ),
    path(f"{ESTATE}bestyrelse/", views.estate_board, name="estate_board"),
    path(f"{ESTATE}aktiveringsbreve/", views.estate_letters, name="estate_letters"),
    path("invitation/<str:key>/", views.accept, name="accept"),
    path("aktiver/", views.activate, name="activate"),
]
