"""The application's URLs plus two ceilings for bench/run.py: the cheapest response
Django can give, and one indexed query. Only config.settings_bench uses this."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from almen.register.models import Estate


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello", content_type="text/plain")


def one_query(request: HttpRequest) -> HttpResponse:
    estate = Estate.objects.only("id", "name").get(pk=1)
    return HttpResponse(estate.name, content_type="text/plain")


urlpatterns = [
    path("bench/hello", hello),
    path("bench/one-query", one_query),
    path("", include("config.urls")),
]
