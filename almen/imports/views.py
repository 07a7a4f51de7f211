from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from almen.register.access import organisation_for_staff


@require_GET
def import_list(request: HttpRequest, cvr: str) -> HttpResponse:
    organisation = organisation_for_staff(request, cvr)
    return render(request, "imports/list.html", {"organisation": organisation})
