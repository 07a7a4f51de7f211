"""The democracy API per caller: anonymous, a session (answered as anonymous), a token
of organisation A with and without ``democracy:read``, and one of organisation B.
No draft meeting and no unpublished decision is ever shown; what a caller may not see
answers 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from almen.access.policy import principal_for
from almen.democracy import access, services
from almen.democracy.models import Decision, Forum, Meeting, MeetingKind, Outcome
from almen.democracy.stats_api import democracy_principal, visible_decisions, visible_meetings
from almen.democracy.testing import DECISION_ID, MEETING_ID, PROPOSAL_ID, matrix_estate
from almen.lib.visibility import Visibility
from almen.register.models import ApiScope, Organisation
from almen.register.tokens import api_token_create

pytestmark = pytest.mark.django_db

CVR_A = "29190909"
CVR_B = "31415926"


def _token(cvr: str, scopes: list[str]) -> dict[str, str]:
    _token_row, plaintext = api_token_create(
        actor=None, organisation=Organisation.objects.get(cvr=cvr), name="test", scopes=scopes
    )
    return {"Authorization": f"Bearer {plaintext}"}


@pytest.fixture
def draft(cast) -> Meeting:
    estate = matrix_estate()
    return services.meeting_create(
        actor=None,
        organisation=estate.organisation,
        estate=estate,
        kind=MeetingKind.ORDINARY,
        title="Kladde til møde",
        starts_at=timezone.now() + dt.timedelta(days=90),
        place="Fælleshuset",
    )


def _decision(*, visibility: str, published: bool, title: str) -> Decision:
    estate = matrix_estate()
    return Decision.objects.create(
        organisation=estate.organisation,
        estate=estate,
        forum=Forum.RESIDENTS_MEETING,
        decided_on=dt.date(2026, 9, 15),
        title=title,
        text="Tekst.",
        outcome=Outcome.ADOPTED,
        visibility=visibility,
        published_at=timezone.now() if published else None,
    )


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return [row["id"] for row in response.json()["items"]]


def test_token_with_democracy_read_sees_its_organisations_meetings(draft) -> None:
    headers = _token(CVR_A, [ApiScope.DEMOCRACY_READ])
    client = Client()
    ids = _ids(client.get("/api/v1/meetings", headers=headers))
    assert str(MEETING_ID) in ids
    assert str(draft.public_id) not in ids  # never a draft
    detail = client.get(f"/api/v1/meetings/{MEETING_ID}", headers=headers)
    assert detail.status_code == 200
    body = detail.json()
    assert [i["kind"] for i in body["agenda"]][:2] == ["dirigent", "forretningsorden"]
    assert body["timeline"]["notice_by"] is not None
    assert client.get(f"/api/v1/meetings/{draft.public_id}", headers=headers).status_code == 404
    proposals = client.get(f"/api/v1/meetings/{MEETING_ID}/proposals", headers=headers)
    assert proposals.status_code == 200
    [proposal] = proposals.json()["items"]
    assert proposal["id"] == str(PROPOSAL_ID)
    assert proposal["proposer_name"] == ""  # not accepted: the name is in no material yet


def test_filters_and_bad_filters(cast) -> None:
    headers = _token(CVR_A, [ApiScope.DEMOCRACY_READ])
    client = Client()
    estate = matrix_estate()
    assert str(MEETING_ID) in _ids(
        client.get(f"/api/v1/meetings?estate={estate.public_id}&kind=ordinaert", headers=headers)
    )
    assert _ids(client.get("/api/v1/meetings?status=afholdt", headers=headers)) == []
    assert _ids(client.get(f"/api/v1/meetings?organisation={CVR_B}", headers=headers)) == []
    for bad in ("organisation=123", "kind=fest", "status=kladde", "estate=x", "limit=0"):
        response = client.get(f"/api/v1/meetings?{bad}", headers=headers)
        assert response.status_code == 422, bad
        assert response.json()["detail"]


@pytest.mark.parametrize("caller", ["anonymous", "session", "token_a_goals", "token_b_democracy"])
def test_others_see_no_meeting_of_organisation_a(caller, client_for) -> None:
    client = client_for("org_staff") if caller == "session" else Client()
    headers = {}
    if caller == "token_a_goals":
        headers = _token(CVR_A, [ApiScope.GOALS_READ])
    elif caller == "token_b_democracy":
        headers = _token(CVR_B, [ApiScope.DEMOCRACY_READ])
    assert str(MEETING_ID) not in _ids(client.get("/api/v1/meetings", headers=headers))
    for url in (f"/api/v1/meetings/{MEETING_ID}", f"/api/v1/meetings/{MEETING_ID}/proposals"):
        response = client.get(url, headers=headers)
        assert response.status_code == 404, (caller, url)
        assert response.json()["detail"]


def test_decisions_per_caller(cast) -> None:
    public = _decision(visibility=Visibility.PUBLIC, published=True, title="Offentlig")
    unpublished = _decision(visibility=Visibility.PUBLIC, published=False, title="Ikke endnu")
    client = Client()
    anonymous = _ids(client.get("/api/v1/decisions"))
    assert str(public.public_id) in anonymous
    assert str(DECISION_ID) not in anonymous  # the organisation's only
    assert str(unpublished.public_id) not in anonymous
    assert client.get(f"/api/v1/decisions/{public.public_id}").status_code == 200
    assert client.get(f"/api/v1/decisions/{DECISION_ID}").status_code == 404

    own = _token(CVR_A, [ApiScope.DEMOCRACY_READ])
    ids = _ids(client.get(f"/api/v1/decisions?organisation={CVR_A}", headers=own))
    assert str(DECISION_ID) in ids and str(public.public_id) in ids
    assert str(unpublished.public_id) not in ids  # never unpublished, whoever asks
    assert client.get(f"/api/v1/decisions/{DECISION_ID}", headers=own).status_code == 200
    assert client.get(f"/api/v1/decisions/{unpublished.public_id}", headers=own).status_code == 404

    other = _token(CVR_B, [ApiScope.DEMOCRACY_READ])
    assert client.get(f"/api/v1/decisions/{DECISION_ID}", headers=other).status_code == 404
    assert client.get(f"/api/v1/decisions/{public.public_id}", headers=other).status_code == 200
    assert client.get("/api/v1/decisions?forum=valg").status_code == 422


def test_decision_names_its_meeting_only_to_who_may_see_it(cast) -> None:
    decision = _decision(visibility=Visibility.PUBLIC, published=True, title="Med møde")
    Decision.objects.filter(pk=decision.pk).update(
        meeting=Meeting.objects.get(public_id=MEETING_ID)
    )
    client = Client()
    assert client.get(f"/api/v1/decisions/{decision.public_id}").json()["meeting_id"] is None
    own = _token(CVR_A, [ApiScope.DEMOCRACY_READ])
    body = client.get(f"/api/v1/decisions/{decision.public_id}", headers=own).json()
    assert body["meeting_id"] == str(MEETING_ID)


def test_unknown_ids_and_a_bad_token(cast) -> None:
    client = Client()
    unknown = "00000000-0000-4000-8000-00000000ffff"
    assert client.get(f"/api/v1/meetings/{unknown}").status_code == 404
    assert client.get(f"/api/v1/decisions/{unknown}").status_code == 404
    assert client.get("/api/v1/meetings/ikke-et-id").status_code == 422
    bad = {"Authorization": "Bearer almen_forkert"}
    assert client.get("/api/v1/meetings", headers=bad).status_code == 401


def test_querysets_agree_with_the_access_policy(cast, draft) -> None:
    """The API's querysets answer as ``access.can_read_*`` (published objects only),
    for every persona."""
    _decision(visibility=Visibility.ORGANISATION, published=False, title="Kladde")
    meetings = list(Meeting.objects.select_related("estate", "organisation"))
    decisions = list(Decision.objects.select_related("estate", "organisation"))
    for persona in cast.values():
        p = principal_for(persona.user)
        visible = set(visible_meetings(p).values_list("pk", flat=True))
        assert visible == {
            m.pk for m in meetings if m.is_published and access.can_read_meeting(p, m)
        }, persona
        readable = set(visible_decisions(p).values_list("pk", flat=True))
        assert readable == {
            d.pk for d in decisions if d.published_at and access.can_read_decision(p, d)
        }, persona


def test_the_principal_of_a_call(cast, rf) -> None:
    request = rf.get("/api/v1/meetings")
    assert democracy_principal(request).is_anonymous
