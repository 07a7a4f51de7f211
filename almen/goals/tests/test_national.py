import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from almen.goals.models import Action, Goal, GoalStatus, Indicator, Measurement, Review
from almen.goals.national import GOAL_ID_RANGE, goals_national_seed
from almen.goals.services import _check_indicator
from almen.register.national import NATIONAL_CVR_PREFIX, national_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def national(cast) -> None:
    national_seed(organisations=6, estates=30, households=200, residents=300, out=io.StringIO())


def _national_goals():
    low, high = GOAL_ID_RANGE
    return Goal.objects.filter(public_id__gte=low, public_id__lt=high)


def test_seed_writes_the_asked_numbers_and_every_indicator_is_valid(national) -> None:
    err = io.StringIO()
    call_command(
        "seed_goals_national",
        "--goals=50",
        "--indicators=120",
        "--measurements=1000",
        stdout=io.StringIO(),
        stderr=err,
    )
    assert "rækker/s" in err.getvalue()
    goals = _national_goals()
    assert goals.count() == 50
    assert not goals.exclude(organisation__cvr__startswith=NATIONAL_CVR_PREFIX).exists()
    assert goals.filter(status=GoalStatus.ADOPTED).count() > 25
    assert not goals.filter(commitments=None).exists()
    indicators = Indicator.objects.filter(goal__in=goals).select_related("goal")
    assert indicators.count() == 120
    for indicator in indicators:
        _check_indicator(indicator)  # raises ValidationError on any broken rule
    measurements = Measurement.objects.filter(indicator__goal__in=goals)
    assert measurements.count() == 1000
    assert Action.objects.filter(goals__in=goals).count() == 50
    assert Review.objects.filter(goal__in=goals).count() == 25


def test_measurements_lie_in_the_past_and_after_the_baseline(national) -> None:
    from django.utils import timezone

    goals_national_seed(goals=20, indicators=40, measurements=600, out=io.StringIO())
    today = timezone.localdate()
    for m in Measurement.objects.filter(indicator__goal__in=_national_goals()).select_related(
        "indicator"
    ):
        assert m.indicator.baseline_date < m.date < today


def test_a_broken_indicator_fails_the_check(national) -> None:
    # The validation the seed test relies on does catch a target against the direction.
    goals_national_seed(goals=5, indicators=10, measurements=0, out=io.StringIO())
    indicator = Indicator.objects.filter(goal__in=_national_goals(), direction="increase").first()
    assert indicator is not None
    indicator.target_value = indicator.baseline_value - 1
    with pytest.raises(ValidationError):
        _check_indicator(indicator)


def test_seeding_twice_is_refused(national) -> None:
    goals_national_seed(goals=5, indicators=5, measurements=10, out=io.StringIO())
    with pytest.raises(CommandError, match="allerede nationale mål"):
        call_command("seed_goals_national", "--goals=5", "--indicators=5", stderr=io.StringIO())
    assert _national_goals().count() == 5


def test_without_national_register_it_says_so(cast) -> None:
    with pytest.raises(CommandError, match="seed_national"):
        call_command("seed_goals_national", "--goals=5", "--indicators=5", stderr=io.StringIO())
