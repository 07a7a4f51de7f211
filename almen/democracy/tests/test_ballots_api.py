"""The secret ballots in the API, per caller: anonymous, a session (answered as
anonymous), a token of organisation A with and without ``democracy:read``, and one of
organisation B. Never a draft, never a result before it is published, never who took
part; what a caller may not see answers 404."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from almen.access.policy import principal_for
from almen.democracy import access, ballots_box
from almen.democracy.ballots_testing import (
    BALLOT_COUNTED_ID,
    BALLOT_OPEN_ID,
    close_now,
    yes_no_ballot,
)
from almen.democracy.bulletin_verify import entry_hash
from almen.democracy.models import (
    Ballot,
    BallotState,
    Decision,
    Forum,
    Outcome,
    Participation,
)
from almen.democracy.testing import matrix_estate
from almen.lib.visibility import Visibility
from almen.register.models import ApiScope, Household, Organisation
from almen.register.tokens import api_token_create

pytestmark = pytest.mark.django_db


def _tally(ballot: Ballot) -> dict[str, Any]:
    """The stored count (every ballot here is counted)."""
    assert ballot.tally is not None
    return ballot.tally


CVR_A = "29190909"
CVR_B = "31415926"
OPEN = str(BALLOT_OPEN_ID)
COUNTED = str(BALLOT_COUNTED_ID)


def _token(cvr: str, scopes: list[str]) -> dict[str, str]:
    _row, plaintext = api_token_create(
        actor=None, organisation=Organisation.objects.get(cvr=cvr), name="test", scopes=scopes
    )
    return {"Authorization": f"Bearer {plaintext}"}


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return [row["id"] for row in response.json()["items"]]


def _counted(*, visibility: str = Visibility.PUBLIC, publish: bool = True) -> Ballot:
    """A ballot of estate 1 with two households' votes, closed and counted (published
    unless ``publish`` is False)."""
    ballot = yes_no_ballot(title="Urafstemning om vaskeriet", visibility=visibility)
    for household in ballots_box.roll(ballot).order_by("id")[:2]:
        ballots_box.cast(ballot=ballot, household=household, user=None, marks=[2], votes=2)
    ballot = close_now(ballot)
    ballot.tally = ballots_box.tally(ballot)
    ballot.counted_at = timezone.now()
    ballot.state = BallotState.PUBLISHED if publish else BallotState.COUNTED
    ballot.published_at = timezone.now() if publish else None
    ballot.save()
    return ballot


@pytest.fixture
def draft(cast) -> Ballot:
    return yes_no_ballot(title="Kladde til urafstemning", state=BallotState.DRAFT)


def test_token_of_the_organisation_sees_its_ballots_but_never_a_draft(draft) -> None:
    headers = _token(CVR_A, [ApiScope.DEMOCRACY_READ])
    client = Client()
    ids = _ids(client.get("/api/v1/ballots", headers=headers))
    assert OPEN in ids and COUNTED in ids
    assert str(draft.public_id) not in ids
    assert client.get(f"/api/v1/ballots/{draft.public_id}", headers=headers).status_code == 404
    detail = client.get(f"/api/v1/ballots/{OPEN}", headers=headers)
    assert detail.status_code == 200
    body = detail.json()
    assert body["state"] == "aaben" and body["purpose"] == "urafstemning"
    assert body["estate_number"] == 1 and body["organisation_cvr"] == CVR_A
    assert [o["kind"] for o in body["options"]] == ["ja", "nej", "blank"]
    assert body["result_published_at"] is None
    # Open: no result, no bulletin (whoever asks).
    for part in ("result", "bulletin"):
        response = client.get(f"/api/v1/ballots/{OPEN}/{part}", headers=headers)
        assert response.status_code == 404, part
        assert "ikke offentliggjort" in response.json()["detail"]


def test_the_published_result_has_the_totals_and_the_turnout(cast) -> None:
    ballot = Ballot.objects.get(public_id=BALLOT_COUNTED_ID)
    response = Client().get(f"/api/v1/ballots/{COUNTED}/result")
    assert response.status_code == 200
    body = response.json()
    # The matrix ballot: 3 households with 2 votes each, Ja, Nej, Ja.
    assert {o["label"]: o["votes"] for o in body["options"]} == {"Ja": 4, "Nej": 2, "Blank": 0}
    assert body["options"][0]["votes_digital"] == 4 and body["options"][0]["votes_hall"] == 0
    assert body["votes"] == 6 and body["votes_blank"] == 0 and body["households"] == 3
    assert body["roll"] == _tally(ballot)["roll"]
    assert body["possible_votes"] == 2 * body["roll"]
    assert body["turnout"] == pytest.approx(round(300 / body["roll"], 1))
    assert body["decision_id"] is None  # the matrix ballot made no decision


def test_the_bulletin_is_the_box_and_its_chain_holds(cast) -> None:
    ballot = Ballot.objects.get(public_id=BALLOT_COUNTED_ID)
    response = Client().get(f"/api/v1/ballots/{COUNTED}/bulletin")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert set(data) == {"format", "ballot", "options", "entries", "chain_head", "tally"}
    assert data["format"] == "almen-ballot-v1"
    assert data["ballot"]["id"] == COUNTED
    assert [o["position"] for o in data["options"]] == [1, 2, 3]
    entries = data["entries"]
    assert [e["seq"] for e in entries] == [1, 2, 3]
    assert set(entries[0]) == {"seq", "batch", "tracker", "marks", "weight", "prev_hash", "hash"}
    # The chain, recomputed from the file alone, ends in the published head.
    prev = ballots_box.ballot_genesis(ballot)
    for entry in entries:
        assert entry["prev_hash"] == prev
        prev = entry_hash(
            prev, COUNTED, entry["seq"], entry["tracker"], entry["marks"], entry["weight"]
        )
        assert entry["hash"] == prev
    assert prev == data["chain_head"] == ballot.chain_head
    assert data["tally"]["votes"] == 6
    # Nothing of who voted: no household, no participation row.
    households = Participation.objects.filter(ballot=ballot).values_list(
        "household__public_id", flat=True
    )
    text = response.content.decode()
    assert not [h for h in households if str(h) in text]
    assert "household_id" not in text and "participation" not in text


def test_anonymous_sees_only_public_published_ballots(cast, client_for) -> None:
    organisation_only = _counted(visibility=Visibility.ORGANISATION)
    counted_only = _counted(publish=False)
    for client in (Client(), client_for("org_staff"), client_for("resident_a")):
        # A session is not a token: whoever is logged in reads as anonymous.
        ids = _ids(client.get("/api/v1/ballots"))
        assert COUNTED in ids
        assert OPEN not in ids
        assert str(organisation_only.public_id) not in ids
        assert str(counted_only.public_id) not in ids
        assert client.get(f"/api/v1/ballots/{COUNTED}").status_code == 200
        for hidden in (OPEN, organisation_only.public_id, counted_only.public_id):
            for suffix in ("", "/result", "/bulletin"):
                response = client.get(f"/api/v1/ballots/{hidden}{suffix}")
                assert response.status_code == 404, (hidden, suffix)
                assert "Ingen afstemning" in response.json()["detail"]


@pytest.mark.parametrize("caller", ["token_a_goals", "token_b_democracy"])
def test_other_tokens_see_no_ballot_of_organisation_a(caller, cast) -> None:
    organisation_only = _counted(visibility=Visibility.ORGANISATION)
    headers = (
        _token(CVR_A, [ApiScope.GOALS_READ])
        if caller == "token_a_goals"
        else _token(CVR_B, [ApiScope.DEMOCRACY_READ])
    )
    client = Client()
    ids = _ids(client.get("/api/v1/ballots", headers=headers))
    assert COUNTED in ids  # public and published: everyone's
    assert OPEN not in ids and str(organisation_only.public_id) not in ids
    for hidden in (OPEN, organisation_only.public_id):
        assert client.get(f"/api/v1/ballots/{hidden}", headers=headers).status_code == 404
    assert (
        client.get(f"/api/v1/ballots/{organisation_only.public_id}/result", headers=headers)
    ).status_code == 404
    assert client.get(f"/api/v1/ballots/{COUNTED}/bulletin", headers=headers).status_code == 200


def test_a_counted_result_waits_for_publishing_even_for_the_organisation(cast) -> None:
    counted = _counted(publish=False)
    headers = _token(CVR_A, [ApiScope.DEMOCRACY_READ])
    client = Client()
    assert str(counted.public_id) in _ids(client.get("/api/v1/ballots", headers=headers))
    assert client.get(f"/api/v1/ballots/{counted.public_id}", headers=headers).status_code == 200
    for part in ("result", "bulletin"):
        response = client.get(f"/api/v1/ballots/{counted.public_id}/{part}", headers=headers)
        assert response.status_code == 404, part


def test_the_result_names_its_decision_only_to_who_may_read_it(cast) -> None:
    ballot = _counted()
    estate = matrix_estate()
    decision = Decision.objects.create(
        organisation=estate.organisation,
        estate=estate,
        forum=Forum.BALLOT,
        decided_on=dt.date(2026, 9, 15),
        title=ballot.title,
        text="Forkastet ved urafstemning.",
        outcome=Outcome.REJECTED,
        votes_for=0,
        votes_against=4,
        votes_blank=0,
        visibility=Visibility.ORGANISATION,
        published_at=timezone.now(),
    )
    Ballot.objects.filter(pk=ballot.pk).update(decision=decision)
    client = Client()
    url = f"/api/v1/ballots/{ballot.public_id}/result"
    assert client.get(url).json()["decision_id"] is None
    own = _token(CVR_A, [ApiScope.DEMOCRACY_READ])
    assert client.get(url, headers=own).json()["decision_id"] == str(decision.public_id)
    Decision.objects.filter(pk=decision.pk).update(visibility=Visibility.PUBLIC)
    assert client.get(url).json()["decision_id"] == str(decision.public_id)


def test_filters_and_bad_parameters(cast) -> None:
    headers = _token(CVR_A, [ApiScope.DEMOCRACY_READ])
    client = Client()
    estate = matrix_estate()
    assert set(_ids(client.get(f"/api/v1/ballots?estate={estate.public_id}", headers=headers))) >= {
        OPEN,
        COUNTED,
    }
    assert _ids(client.get("/api/v1/ballots?state=aaben", headers=headers)) == [OPEN]
    assert _ids(client.get("/api/v1/ballots?state=offentliggjort", headers=headers)) == [COUNTED]
    assert _ids(client.get("/api/v1/ballots?kind=valg", headers=headers)) == []
    assert _ids(client.get("/api/v1/ballots?purpose=salen", headers=headers)) == []
    assert _ids(client.get(f"/api/v1/ballots?organisation={CVR_B}", headers=headers)) == []
    for bad in (
        "organisation=123",
        "kind=fest",
        "purpose=x",
        "state=kladde",  # a draft is never shown: not a value to ask for
        "estate=x",
        "limit=0",
        "offset=-1",
    ):
        response = client.get(f"/api/v1/ballots?{bad}", headers=headers)
        assert response.status_code == 422, bad
        assert response.json()["detail"]
    unknown = "00000000-0000-4000-8000-00000000ffff"
    for suffix in ("", "/result", "/bulletin"):
        assert client.get(f"/api/v1/ballots/{unknown}{suffix}").status_code == 404
        assert client.get(f"/api/v1/ballots/ikke-et-id{suffix}").status_code == 422
    assert client.get("/api/v1/ballots", headers={"Authorization": "Bearer x"}).status_code == 401
    assert client.post("/api/v1/ballots").status_code == 405


def test_readable_ballots_agree_with_the_access_policy(cast, draft) -> None:
    """The API's queryset answers as ``access.can_read_ballot`` (drafts left out), for
    every persona."""
    _counted(visibility=Visibility.ORGANISATION)
    _counted(publish=False)
    other_estate = matrix_estate().organisation.estates.get(number=2)
    yes_no_ballot(title="Afdeling 2", estate=other_estate)
    ballots = list(Ballot.objects.select_related("estate", "organisation"))
    for persona in cast.values():
        p = principal_for(persona.user)
        readable = set(access.readable_ballots(p).values_list("pk", flat=True))
        assert readable == {
            b.pk for b in ballots if b.state != BallotState.DRAFT and access.can_read_ballot(p, b)
        }, persona.key


def test_the_list_takes_a_fixed_number_of_queries(cast, django_assert_max_num_queries) -> None:
    headers = _token(CVR_A, [ApiScope.DEMOCRACY_READ])
    client = Client()
    client.get("/api/v1/ballots", headers=headers)
    for n in range(5):
        yes_no_ballot(title=f"Urafstemning {n}")
    with django_assert_max_num_queries(8):
        assert len(_ids(client.get("/api/v1/ballots", headers=headers))) >= 7


def test_no_participation_reaches_the_api(cast) -> None:
    """Whoever asks, no answer names a household that voted."""
    headers = _token(CVR_A, [ApiScope.DEMOCRACY_READ])
    client = Client()
    voted = set(
        Household.objects.filter(pk__in=Participation.objects.values("household_id")).values_list(
            "public_id", flat=True
        )
    )
    assert voted
    for url in (
        "/api/v1/ballots",
        f"/api/v1/ballots/{COUNTED}",
        f"/api/v1/ballots/{COUNTED}/result",
        f"/api/v1/ballots/{COUNTED}/bulletin",
    ):
        body = client.get(url, headers=headers).content.decode()
        assert not [h for h in voted if str(h) in body], url
