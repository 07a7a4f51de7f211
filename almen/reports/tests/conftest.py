"""The report packs' test goals: shared by the pack tests and the print tests."""

from __future__ import annotations

import pytest

from almen.goals.models import GoalStatus
from almen.lib.visibility import Visibility
from almen.register.models import Estate
from almen.reports.tests.test_reports import CVR, ESTATE, FORMULA, SECRET, SHARED, _goal


@pytest.fixture
def goals(cast):
    estate1 = Estate.objects.get(organisation__cvr=CVR, number=1)
    estate2 = Estate.objects.get(organisation__cvr=CVR, number=2)
    return {
        "shared": _goal(title=SHARED, visibility=Visibility.MUNICIPALITY, note=FORMULA),
        "estate": _goal(
            title=ESTATE, estate=estate1, visibility=Visibility.ORGANISATION, code="2.3"
        ),
        "secret": _goal(
            title=SECRET, estate=estate2, visibility=Visibility.PRIVATE, status=GoalStatus.DRAFT
        ),
    }
