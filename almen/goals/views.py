from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from almen.goals import access


@require_GET
def framework_detail(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    framework = access.framework_for_view(request, slug)
    return render(request, "goals/framework_detail.html", {"framework": framework})


@require_GET
def cornerstone_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    cornerstone = access.cornerstone_for_view(request, slug, number)
    return render(
        request,
        "goals/cornerstone_detail.html",
        {"framework": cornerstone.framework, "cornerstone": cornerstone},
    )


@require_GET
def commitment_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    commitment = access.commitment_for_view(request, slug, code)
    cornerstone = commitment.cornerstone
    return render(
        request,
        "goals/commitment_detail.html",
        {"framework": cornerstone.framework, "cornerstone": cornerstone, "commitment": commitment},
    )
