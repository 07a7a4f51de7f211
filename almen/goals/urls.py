from django.urls import path, register_converter

from almen.goals import views

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
    path("", views.framework_detail, name="framework_current"),
    path("<slug:slug>/", views.framework_detail, name="framework_detail"),
    path(
        "<slug:slug>/pejlemaerke-<int:number>/",
        views.cornerstone_detail,
        name="cornerstone_detail",
    ),
    path("<slug:slug>/<code:code>/", views.commitment_detail, name="commitment_detail"),
]
