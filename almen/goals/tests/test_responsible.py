"""Item 2 of issue 7: "ansvarlig" is a person or a body of the organisation (free text
only for external parties); the data migration maps old text; "Mine indsatser" follows
the person and the bodies they sit on; open data and the API never show an e-mail."""

from __future__ import annotations

import datetime as dt
import io
import typing
import zipfile

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from almen.api.opendata import build_zip
from almen.goals import services
from almen.goals.forms import ActionForm
from almen.goals.models import Action, Commitment, Framework, Goal, GoalStatus
from almen.goals.responsible import map_free_text
from almen.lib.visibility import Visibility
from almen.register.models import Body, BodyKind, BodyMembership, Estate, Organisation

ORG_A = "29190909"


def _goal(*, estate: Estate | None, visibility: str = Visibility.ORGANISATION, **fields) -> Goal:
    framework = Framework.objects.current()
    assert framework is not None
    return services.goal_create(
        actor=None,
        organisation=Organisation.objects.get(cvr=ORG_A),
        estate=estate,
        framework=framework,
        title=fields.pop("title", "Et mål"),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2028, 12, 31),
        commitments=[Commitment.objects.get(cornerstone__framework=framework, code="3.2")],
        status=GoalStatus.ADOPTED,
        visibility=visibility,
        **fields,
    )


def _estate_a() -> Estate:
    return Estate.objects.get(organisation__cvr=ORG_A, number=1)


def test_the_action_form_offers_the_organisations_people_and_bodies_only(cast):
    organisation = Organisation.objects.get(cvr=ORG_A)
    form = ActionForm(organisation=organisation)
    groups: list[typing.Any] = list(form.fields["responsible_choice"].choices)[1:]  # type: ignore[attr-defined]
    values = {value for _group, options in groups for value, _label in options}
    staff, board, other = (cast[k].user for k in ("org_staff", "estate_board_a", "other_org_staff"))
    assert f"person:{staff.pk}" in values  # staff (Membership)
    assert f"person:{board.pk}" in values  # a seat on the estate's board (BodyMembership)
    assert f"person:{other.pk}" not in values  # staff of another organisation
    assert f"person:{cast['resident_b'].user.pk}" not in values  # a resident is not
    board_body = Body.objects.get(organisation=organisation, kind=BodyKind.ORGANISATION_BOARD)
    assert f"body:{board_body.pk}" in values
    other_body = Body.objects.exclude(organisation=organisation).first()
    assert other_body is None or f"body:{other_body.pk}" not in values
    # Nobody's e-mail in the labels when they have a name.
    labels = [label for _g, options in groups for _v, label in options]
    assert staff.email not in " ".join(labels)


def test_the_form_refuses_another_organisations_person_and_both_kinds_at_once(cast):
    organisation = Organisation.objects.get(cvr=ORG_A)
    other = cast["other_org_staff"].user
    form = ActionForm(
        {"title": "Ny indsats", "status": "planned", "responsible_choice": f"person:{other.pk}"},
        organisation=organisation,
    )
    assert not form.is_valid()
    assert "responsible_choice" in form.errors
    staff = cast["org_staff"].user
    form = ActionForm(
        {
            "title": "Ny indsats",
            "status": "planned",
            "responsible_choice": f"person:{staff.pk}",
            "responsible": "Entreprenøren",
        },
        organisation=organisation,
    )
    assert not form.is_valid()
    assert "Ekstern ansvarlig" in " ".join(str(e) for e in form.errors["responsible"])
    form = ActionForm(
        {"title": "Ny indsats", "status": "planned", "responsible_choice": f"person:{staff.pk}"},
        organisation=organisation,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["responsible_user"] == staff
    assert "responsible_choice" not in form.cleaned_data


def test_services_refuse_a_person_or_body_outside_the_organisation(cast):
    goal = _goal(estate=None)
    with pytest.raises(ValidationError):
        services.action_create(
            actor=None, goals=[goal], title="X", responsible_user=cast["other_org_staff"].user
        )
    foreign_body = Body.objects.exclude(organisation=goal.organisation).first()
    if foreign_body is not None:
        with pytest.raises(ValidationError):
            services.goal_update(actor=None, goal=goal, responsible_body=foreign_body)
    with pytest.raises(ValidationError):
        services.goal_update(
            actor=None, goal=goal, responsible_user=cast["org_staff"].user, responsible="Kommunen"
        )
    assert not Action.objects.filter(title="X").exists()
    services.goal_update(actor=None, goal=goal, responsible_user=cast["org_staff"].user)
    assert Goal.objects.get(pk=goal.pk).responsible_user == cast["org_staff"].user


def test_the_migration_maps_text_that_names_exactly_one_person_or_body(cast):
    estate = _estate_a()
    organisation = estate.organisation
    staff, board = cast["org_staff"].user, cast["estate_board_a"].user
    rows = {
        "by name": _goal(estate=None, title="1"),
        "by e-mail": _goal(estate=None, title="2"),
        "org board": _goal(estate=None, title="3"),
        "estate board on the estate": _goal(estate=estate, title="4"),
        "estate board at org level": _goal(estate=None, title="5"),
        "external": _goal(estate=None, title="6"),
        "other org's person": _goal(estate=None, title="7"),
    }
    texts = {
        "by name": f"  {staff.name.upper()} ",
        "by e-mail": board.email,
        "org board": "Organisationsbestyrelsen",
        "estate board on the estate": "Afdelingsbestyrelsen",
        # Which estate's board? Organisation A has several: ambiguous, stays text.
        "estate board at org level": "Afdelingsbestyrelsen",
        "external": "Driften",
        "other org's person": cast["other_org_staff"].user.name,
    }
    for key, goal in rows.items():
        Goal.objects.filter(pk=goal.pk).update(responsible=texts[key])
    action = services.action_create(
        actor=None, goals=[rows["estate board on the estate"]], title="A"
    )
    Action.objects.filter(pk=action.pk).update(responsible="afdelingsbestyrelse – " + str(estate))

    goals_mapped, actions_mapped = map_free_text(apps)

    fresh = {k: Goal.objects.get(pk=g.pk) for k, g in rows.items()}
    assert (fresh["by name"].responsible_user, fresh["by name"].responsible) == (staff, "")
    assert fresh["by e-mail"].responsible_user == board
    assert fresh["org board"].responsible_body == Body.objects.get(
        organisation=organisation, kind=BodyKind.ORGANISATION_BOARD
    )
    estate_board = Body.objects.get(estate=estate, kind=BodyKind.ESTATE_BOARD)
    assert fresh["estate board on the estate"].responsible_body == estate_board
    for key in ("estate board at org level", "external", "other org's person"):
        assert (fresh[key].responsible_user, fresh[key].responsible_body) == (None, None), key
        assert fresh[key].responsible == texts[key]
    assert Action.objects.get(pk=action.pk).responsible_body == estate_board
    assert (goals_mapped, actions_mapped) == (4, 1)
    # Running it again changes nothing.
    assert map_free_text(apps) == (0, 0)


def test_my_actions_follow_the_body_and_list_my_goals(cast, client_for):
    estate = _estate_a()
    board = cast["estate_board_a"].user
    estate_board = Body.objects.get(estate=estate, kind=BodyKind.ESTATE_BOARD)
    goal = _goal(estate=estate, title="Grønnere gårde", responsible_user=board)
    services.action_create(
        actor=None, goals=[goal], title="Plant frugttræer", responsible_body=estate_board
    )
    services.action_create(
        actor=None, goals=[goal], title="Driftens indsats", responsible="Driften"
    )

    html = client_for("estate_board_a").get(reverse("goals:my_actions")).content.decode()
    assert "Plant frugttræer" in html
    assert "Grønnere gårde" in html
    assert "Driftens indsats" not in html

    # After the term ends, the body's actions are no longer theirs.
    BodyMembership.objects.filter(body=estate_board, user=board).update(
        term_end=timezone.localdate() - dt.timedelta(days=1)
    )
    html = client_for("estate_board_a").get(reverse("goals:my_actions")).content.decode()
    assert "Plant frugttræer" not in html


def test_open_data_and_the_api_name_no_person_and_no_email(cast, client):
    staff = cast["org_staff"].user
    goal = _goal(estate=None, visibility=Visibility.PUBLIC, responsible_user=staff)
    services.action_create(
        actor=None, goals=[goal], title="Offentlig indsats", responsible_user=staff
    )
    content = build_zip()

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        text = "".join(archive.read(n).decode() for n in archive.namelist())
    assert staff.email not in text
    assert staff.name not in text
    assert "responsible_kind" in text and ";person;" in text
    answer = client.get(f"/api/v1/goals/{goal.public_id}").json()
    assert answer["responsible_kind"] == "person"
    assert staff.email not in str(answer) and staff.name not in str(answer)
    assert answer["actions"][0]["responsible_kind"] == "person"


def test_the_goal_page_names_the_person_only_to_the_organisations_people(cast, client_for):
    staff = cast["org_staff"].user
    goal = _goal(estate=None, visibility=Visibility.PUBLIC, responsible_user=staff)
    services.action_create(
        actor=None, goals=[goal], title="Navngivet indsats", responsible_user=staff
    )
    url = reverse("goals:goal_detail", args=[goal.public_id])
    inside = client_for("org_board").get(url).content.decode()
    assert staff.name in inside
    outside = client_for("anonymous").get(url).content.decode()
    assert staff.name not in outside and staff.email not in outside
    assert "En person i organisationen" in outside
