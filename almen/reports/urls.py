from django.urls import path, register_converter

from almen.reports import views


class ReportFormatConverter:
    regex = "pdf|docx|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class RecommendationPackConverter:
    regex = "bestyrelse|kommune"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReportFormatConverter, "reportfmt")
register_converter(RecommendationPackConverter, "reportpack")

app_name = "reports"

urlpatterns = [
    path("organisationer/<str:cvr>/", views.organisation_reports, name="organisation"),
    path("organisationer/<str:cvr>/bestyrelse.<reportfmt:fmt>", views.board_report, name="board"),
    path(
        "organisationer/<str:cvr>/afdelinger/<int:number>/afdelingsmoede.<reportfmt:fmt>",
        views.handout,
        name="handout",
    ),
    path(
        "organisationer/<str:cvr>/afdelinger/<int:number>/indstilling/",
        views.estate_recommendation,
        name="estate_recommendation",
    ),
    path(
        "organisationer/<str:cvr>/kommune/<str:municipality_code>/<int:year>.<reportfmt:fmt>",
        views.municipality_pack,
        name="municipality",
    ),
    path(
        "organisationer/<str:cvr>/indstilling/<reportpack:pack>/",
        views.recommendation,
        name="recommendation",
    ),
    path("organisationer/<str:cvr>/job/<uuid:job_id>/", views.job_detail, name="job"),
    path(
        "organisationer/<str:cvr>/job/<uuid:job_id>/hent/", views.job_download, name="job_download"
    ),
]
