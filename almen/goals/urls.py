from django.urls import path, register_converter

from almen.goals import downloads, views

app_name = "goals"


class CodeConverter:
    """Commitment codes such as 1.1 or 3.4."""

    regex = r"[1-9]\.[1-9]"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CodeConverter, "code")

urlpatterns = [
    # The framework (public)
    path("almene-maal/", views.framework_detail, name="framework_current"),
    path("almene-maal/overblik/", views.national, name="national"),
    # The national picture's tables as CSV (the page's filters as GET parameters).
    *[
        path(
            f"almene-maal/overblik/{table}.csv",
            downloads.national_csv,
            {"table": table},
            name=f"national_csv_{table}",
        )
        for table in downloads.NATIONAL_TABLES
    ],
    path("almene-maal/<slug:slug>/", views.framework_detail, name="framework_detail"),
    path(
        "almene-maal/<slug:slug>/pejlemaerke-<int:number>/",
        views.cornerstone_detail,
        name="cornerstone_detail",
    ),
    path("almene-maal/<slug:slug>/<code:code>/", views.commitment_detail, name="commitment_detail"),
    path(
        "almene-maal/<slug:slug>/<code:code>/maal.csv",
        downloads.commitment_goals_csv,
        name="commitment_goals_csv",
    ),
    # Local goals
    path("maal/", views.goal_list, name="goal_list"),
    path("maal/ny/<str:cvr>/", views.goal_create, name="goal_create"),
    path("maal/<uuid:public_id>/", views.goal_detail, name="goal_detail"),
    path("maal/<uuid:public_id>/rediger/", views.goal_edit, name="goal_edit"),
    path("maal/<uuid:public_id>/kopier/", views.goal_copy, name="goal_copy"),
    path(
        "maal/<uuid:public_id>/indikatorer.csv",
        downloads.goal_indicators_csv,
        name="goal_indicators_csv",
    ),
    path(
        "maal/<uuid:public_id>/indikatorer/<uuid:indicator_id>/maalinger.csv",
        downloads.measurements_csv,
        name="measurements_csv",
    ),
    path("maal/<uuid:public_id>/indikatorer/ny/", views.indicator_create, name="indicator_create"),
    path(
        "maal/<uuid:public_id>/indikatorer/<uuid:indicator_id>/rediger/",
        views.indicator_edit,
        name="indicator_edit",
    ),
    path(
        "maal/<uuid:public_id>/indikatorer/<uuid:indicator_id>/maalinger/",
        views.measurement_add,
        name="measurement_add",
    ),
    path(
        "maal/<uuid:public_id>/indikatorer/<uuid:indicator_id>/import/",
        views.measurements_import,
        name="measurements_import",
    ),
    path("maal/<uuid:public_id>/indsatser/ny/", views.action_create, name="action_create"),
    path(
        "maal/<uuid:public_id>/indsatser/<uuid:action_id>/rediger/",
        views.action_edit,
        name="action_edit",
    ),
    path("maal/<uuid:public_id>/status/ny/", views.review_create, name="review_create"),
    path("mine-indsatser/", views.my_actions, name="my_actions"),
    path("inspiration/", views.library, name="library"),
    path("kommune/", views.municipality_overview, name="municipality"),
    path("kommune/maal.csv", downloads.municipality_goals_csv, name="municipality_csv"),
]
