"""The factors part's URLs (included by ``almen/green/urls.py``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from almen.green import factors_views as views

PUBLIC = "groen-drift/emissionsfaktorer/"
ORG = "organisationer/<str:cvr>/groen-drift/forsyninger/"

urlpatterns: list[URLPattern] = [
    path(PUBLIC, views.factor_list, name="factor_list"),
    path(PUBLIC + "ny/", views.factor_create, name="factor_create"),
    path(
        PUBLIC + "forsyninger/ny/",
        views.national_supplier_create,
        name="national_supplier_create",
    ),
    path(PUBLIC + "<int:national_factor_id>/", views.factor_history, name="factor_history"),
    path(PUBLIC + "<int:national_factor_id>/ret/", views.factor_change, name="factor_change"),
    path(ORG, views.org_suppliers, name="org_suppliers"),
    path(ORG + "ny/", views.org_supplier_create, name="org_supplier_create"),
    path(ORG + "<uuid:own_supplier_id>/ret/", views.org_supplier_edit, name="org_supplier_edit"),
    path(ORG + "deklarationer/ny/", views.org_declaration_create, name="org_declaration_create"),
    path(
        ORG + "deklarationer/<int:declaration_id>/",
        views.org_declaration_history,
        name="org_declaration_history",
    ),
    path(
        ORG + "deklarationer/<int:declaration_id>/ret/",
        views.org_declaration_change,
        name="org_declaration_change",
    ),
]
