from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from almen.attachments import services
from almen.attachments.models import Attachment


@pytest.fixture
def goal(cast) -> Any:
    from almen.goals.models import Goal
    from almen.goals.testing import GOAL_ID

    return Goal.objects.get(public_id=GOAL_ID)


@pytest.fixture
def review(goal) -> Any:
    from almen.goals import services as goal_services

    return goal_services.review_record(
        actor=None, goal=goal, date=dt.date(2026, 1, 15), assessment="on_track", worked="Godt."
    )


@pytest.fixture
def action(goal) -> Any:
    from almen.goals.testing import ACTION_ID

    return goal.actions.get(public_id=ACTION_ID)


@pytest.fixture
def dialogue(cast) -> Any:
    from almen.dialogue.models import Dialogue
    from almen.dialogue.testing import DIALOGUE_ID

    return Dialogue.objects.get(public_id=DIALOGUE_ID)


@pytest.fixture
def owners(goal, review, action, dialogue) -> dict[str, Any]:
    """Every owner kind, by its URL key."""
    return {
        "maal": (goal, str(goal.public_id)),
        "status": (review, str(review.pk)),
        "indsats": (action, str(action.public_id)),
        "styringsdialog": (dialogue, str(dialogue.public_id)),
    }


def attach(owner: Any, data: bytes = b"Referat\n", name: str = "referat.txt") -> Attachment:
    return services.attachment_add(
        actor=None, owner=owner, fileobj=io.BytesIO(data), name=name, size=len(data)
    )
