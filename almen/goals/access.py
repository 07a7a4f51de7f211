"""Fetch-and-authorise for the framework catalogue. Published frameworks are public;
drafts are for sector staff (who publish them)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404, HttpRequest

from almen.access.policy import deny, principal
from almen.goals.models import Commitment, Cornerstone, Framework, FrameworkStatus


def framework_for_view(request: HttpRequest, slug: str | None = None) -> Framework:
    """The framework with its cornerstones, commitments, prerequisites and sections
    (four queries). Without ``slug``: the current published framework."""
    queryset = Framework.objects.prefetch_related(
        "sections",
        "prerequisites",
        Prefetch(
            "cornerstones",
            queryset=Cornerstone.objects.prefetch_related(
                Prefetch("commitments", queryset=Commitment.objects.order_by("number"))
            ),
        ),
    )
    if slug is None:
        framework = queryset.published().order_by("-period_start").first()
    else:
        framework = queryset.filter(slug=slug).first()
    if framework is None:
        raise Http404
    if framework.status != FrameworkStatus.PUBLISHED:
        p = principal(request)
        if not (p.sector or p.superuser):
            deny(p, can_read=False)
    return framework


def cornerstone_for_view(request: HttpRequest, slug: str, number: int) -> Cornerstone:
    framework = framework_for_view(request, slug)
    for cornerstone in framework.cornerstones.all():
        if cornerstone.number == number:
            return cornerstone
    raise Http404


def commitment_for_view(request: HttpRequest, slug: str, code: str) -> Commitment:
    framework = framework_for_view(request, slug)
    for cornerstone in framework.cornerstones.all():
        for commitment in cornerstone.commitments.all():
            if commitment.code == code:
                return commitment
    raise Http404
