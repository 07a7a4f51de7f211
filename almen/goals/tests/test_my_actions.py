"""'Mine indsatser' shows only goals the person may see (through goals/access.py)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from almen.goals import services
from almen.goals.models import Commitment, Framework, Goal, GoalStatus
from almen.lib.visibility import Visibility
from almen.register.models import Estate, Organisation


def _goal(*, title: str, visibility: str, estate: Estate | None) -> Goal:
    framework = Framework.objects.current()
    assert framework is not None
    return services.goal_create(
        actor=None,
        organisation=Organisation.objects.get(cvr="29190909"),
        estate=estate,
        framework=framework,
        title=title,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2028, 12, 31),
        commitments=[Commitment.objects.get(cornerstone__framework=framework, code="3.2")],
        status=GoalStatus.ADOPTED,
        visibility=visibility,
    )


def test_my_actions_hides_goals_the_person_can_no_longer_see(cast, client_for):
    board_a = cast["estate_board_a"].user
    estate_a = Estate.objects.get(organisation__cvr="29190909", number=1)
    seen = _goal(
        title="Synligt mål i afdeling A", visibility=Visibility.ORGANISATION, estate=estate_a
    )
    # Organisation A's private goal: its staff and board read it, estate A's board not.
    hidden = _goal(title="Hemmeligt organisationsmål", visibility=Visibility.PRIVATE, estate=None)
    services.action_create(
        actor=None, goals=[seen, hidden], title="Fælles indsats", responsible_user=board_a
    )
    services.action_create(
        actor=None,
        goals=[hidden],
        title="Indsats kun for det hemmelige mål",
        responsible_user=board_a,
    )

    html = client_for("estate_board_a").get(reverse("goals:my_actions")).content.decode()

    assert "Fælles indsats" in html
    assert "Synligt mål i afdeling A" in html
    assert "Hemmeligt organisationsmål" not in html
    # An action that serves only goals the person cannot see is not listed at all.
    assert "Indsats kun for det hemmelige mål" not in html
    # Staff of the organisation still see both goals on their own list (nothing of
    # theirs is hidden): assign one to them.
    staff = cast["org_staff"].user
    services.action_create(
        actor=None, goals=[hidden], title="Stabens indsats", responsible_user=staff
    )
    staff_html = client_for("org_staff").get(reverse("goals:my_actions")).content.decode()
    assert "Stabens indsats" in staff_html
    assert "Hemmeligt organisationsmål" in staff_html


def test_my_actions_query_count_is_fixed(cast, client_for, django_assert_max_num_queries):
    board_a = cast["estate_board_a"].user
    estate_a = Estate.objects.get(organisation__cvr="29190909", number=1)
    for n in range(5):
        goal = _goal(title=f"Mål {n}", visibility=Visibility.ORGANISATION, estate=estate_a)
        services.action_create(
            actor=None, goals=[goal], title=f"Indsats {n}", responsible_user=board_a
        )
    client = client_for("estate_board_a")
    client.get(reverse("goals:my_actions"))
    with django_assert_max_num_queries(20):
        assert client.get(reverse("goals:my_actions")).status_code == 200
