"""A goal with an indicator and an action at fixed ids, for the authorisation matrix
and other tests that need one: organisation A's estate 1, shared with the organisation."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from almen.goals import services
from almen.goals.models import Commitment, Framework, Goal, GoalStatus
from almen.goals.progress import Direction
from almen.lib.visibility import Visibility
from almen.register.models import Estate

GOAL_ID = uuid.UUID("00000000-0000-4000-8000-0000000000a1")
INDICATOR_ID = uuid.UUID("00000000-0000-4000-8000-0000000000b1")
ACTION_ID = uuid.UUID("00000000-0000-4000-8000-0000000000c1")


def matrix_goal_create() -> Goal:
    existing = Goal.objects.filter(public_id=GOAL_ID).first()
    if existing:
        return existing
    estate = Estate.objects.get(organisation__cvr="29190909", number=1)
    framework = Framework.objects.current()
    assert framework is not None
    goal = services.goal_create(
        actor=None,
        organisation=estate.organisation,
        estate=estate,
        framework=framework,
        title="Flere til afdelingsmødet",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2028, 12, 31),
        commitments=[Commitment.objects.get(cornerstone__framework=framework, code="3.2")],
        status=GoalStatus.ADOPTED,
        visibility=Visibility.ORGANISATION,
    )
    Goal.objects.filter(pk=goal.pk).update(public_id=GOAL_ID)
    goal.refresh_from_db()
    indicator = services.indicator_create(
        actor=None,
        goal=goal,
        title="Fremmødte husstande",
        unit="%",
        direction=Direction.INCREASE,
        baseline_value=Decimal(12),
        baseline_date=dt.date(2025, 9, 1),
        target_value=Decimal(25),
        target_date=dt.date(2028, 9, 1),
    )
    type(indicator).objects.filter(pk=indicator.pk).update(public_id=INDICATOR_ID)
    action = services.action_create(actor=None, goals=[goal], title="Børnepasning på mødet")
    type(action).objects.filter(pk=action.pk).update(public_id=ACTION_ID)
    return goal


def aarhus_published_goal(**extra: object) -> Goal:
    """The browser journeys' public goal of the demo's Aarhus organisation (Region
    Midtjylland) on commitment 2.4, with its heat indicator; ``extra`` goes to
    ``indicator_create`` under ``indicator__`` and to ``goal_create`` otherwise."""
    from almen.register.models import Organisation

    framework = Framework.objects.current()
    assert framework is not None
    indicator_extra = {
        k[len("indicator__") :]: v for k, v in extra.items() if k.startswith("indicator__")
    }
    goal_extra = {k: v for k, v in extra.items() if not k.startswith("indicator__")}
    goal = services.goal_create(
        actor=None,
        organisation=Organisation.objects.get(cvr="31415926"),
        framework=framework,
        title="Lavere varmeforbrug i alle opgange",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2028, 12, 31),
        commitments=[Commitment.objects.get(cornerstone__framework=framework, code="2.4")],
        status=GoalStatus.ADOPTED,
        visibility=Visibility.PUBLIC,
        **goal_extra,  # type: ignore[arg-type]
    )
    services.indicator_create(
        actor=None,
        goal=goal,
        title="Varmeforbrug pr. m²",
        unit="kWh/m²",
        direction=Direction.DECREASE,
        baseline_value=Decimal(130),
        baseline_date=dt.date(2025, 1, 1),
        target_value=Decimal(100),
        target_date=dt.date(2028, 12, 31),
        **indicator_extra,  # type: ignore[arg-type]
    )
    return goal
