"""The pages part's URLs (included by ``almen/green/urls.py``): the estate's,
organisation's, municipality's and the country's green pages and their CSV tables."""

from __future__ import annotations

from django.urls import URLPattern, path

from almen.green import pages_views as views

ESTATE = "organisationer/<str:cvr>/afdelinger/<int:number>/groen-drift/"
ORGANISATION = "organisationer/<str:cvr>/groen-drift/"
MUNICIPALITY = "kommuner/<str:municipality_code>/groen-drift/"
NATIONAL = "groen-drift/"

urlpatterns: list[URLPattern] = [
    path(ESTATE, views.estate_green, name="estate"),
    path(f"{ESTATE}maaneder.csv", views.estate_months_csv, name="estate_months_csv"),
    path(f"{ESTATE}co2e.csv", views.estate_co2e_csv, name="estate_co2e_csv"),
    path(f"{ESTATE}sammenligning.csv", views.estate_benchmark_csv, name="estate_benchmark_csv"),
    path(ORGANISATION, views.organisation_green, name="organisation"),
    path(
        f"{ORGANISATION}afdelinger.csv",
        views.organisation_estates_csv,
        name="organisation_estates_csv",
    ),
    path(f"{ORGANISATION}co2e.csv", views.organisation_co2e_csv, name="organisation_co2e_csv"),
    path(MUNICIPALITY, views.municipality_green, name="municipality"),
    path(f"{MUNICIPALITY}co2e.csv", views.municipality_co2e_csv, name="municipality_co2e_csv"),
    path(f"{MUNICIPALITY}organisationer.csv", views.municipality_csv, name="municipality_csv"),
    path(NATIONAL, views.national_green, name="national"),
    path(
        f"{NATIONAL}regioner.csv",
        views.national_csv,
        {"table": "regioner"},
        name="national_regions_csv",
    ),
    path(
        f"{NATIONAL}kommuner.csv",
        views.national_csv,
        {"table": "kommuner"},
        name="national_municipalities_csv",
    ),
]
