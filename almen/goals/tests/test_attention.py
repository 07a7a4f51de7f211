""" "Kræver opmærksomhed" on the home page: every item is a link to where it is handled
(issue 7: the overdue actions were plain text)."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache

from almen.goals import services
from almen.goals.models import Commitment, Framework, GoalStatus
from almen.lib.visibility import Visibility
from almen.register.models import Organisation


def test_overdue_actions_link_to_their_goal(cast, client_for) -> None:
    framework = Framework.objects.current()
    assert framework is not None
    goal = services.goal_create(
        actor=None,
        organisation=Organisation.objects.get(cvr="29190909"),
        framework=framework,
        title="Tryghed i opgangene",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2028, 12, 31),
        commitments=[Commitment.objects.get(cornerstone__framework=framework, code="3.2")],
        status=GoalStatus.ADOPTED,
        visibility=Visibility.ORGANISATION,
    )
    services.action_create(
        actor=None, goals=[goal], title="Lys i kældergangen", due=dt.date(2020, 1, 1)
    )
    cache.clear()
    html = client_for("org_staff").get("/").content.decode()
    attention = html[html.index('id="attention"') :]
    assert f'<a href="/maal/{goal.public_id}/#indsatser">Lys i kældergangen</a>' in attention
