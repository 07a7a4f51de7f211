"""The bulletin file (``afstemninger/<id>/opslag.json``) per persona: what it holds
(every tracker code with its marks, the chain, the totals) and what it must never
hold (households, residents, users), for both matrix ballots whichever of them the
matrix's ARGS names."""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

# test_matrix first: it imports the parts' rows (ours included) at its end.
from almen.access.tests.test_matrix import ARGS
from almen.conftest import PERSONA_KEYS
from almen.democracy import ballots_audit_views
from almen.democracy.ballots_testing import BALLOT_COUNTED_ID, BALLOT_OPEN_ID
from almen.democracy.bulletin_verify import verify
from almen.democracy.models import Ballot, BallotEntry, Participation
from almen.democracy.tests.matrix_ballots_audit import ROWS
from almen.register.models import Household, Resident

pytestmark = pytest.mark.django_db
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _url(public_id: object) -> str:
    return reverse("democracy:ballot_bulletin_json", args=[public_id])


def _people_of_the_estate() -> list[str]:
    """Everything that would say who voted: the voting households' ids, the estate's
    residents' ids, names and e-mails, and the voters' accounts."""
    counted = Ballot.objects.get(public_id=BALLOT_COUNTED_ID)
    voted = Participation.objects.filter(ballot=counted).values_list("household_id", flat=True)
    found = [
        str(p) for p in Household.objects.filter(pk__in=voted).values_list("public_id", flat=True)
    ]
    for public_id, name, email in Resident.objects.filter(
        household__unit__estate_id=counted.estate_id
    ).values_list("public_id", "name", "email"):
        found += [str(public_id), name] + ([email] if email else [])
    return found


@pytest.mark.parametrize("persona", PERSONA_KEYS)
def test_the_counted_bulletin_file_for_each_reader(persona: str, client_for) -> None:
    response = client_for(persona).get(_url(BALLOT_COUNTED_ID))
    assert response.status_code == ROWS[str(BALLOT_COUNTED_ID)][persona] == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="afstemning-urafstemning-om-husdyr-opslag.json"'
    )
    data = json.loads(response.content)
    ballot = Ballot.objects.get(public_id=BALLOT_COUNTED_ID)
    trackers = list(
        BallotEntry.objects.filter(ballot=ballot).order_by("seq").values_list("tracker", flat=True)
    )
    assert data["entry_fields"][2] == "tracker"
    assert [e[2] for e in data["entries"]] == trackers and len(trackers) == 3
    assert data["ballot"]["title"] == "Urafstemning om husdyr"
    assert data["chain_head"] == ballot.chain_head
    assert data["participation"] == {
        "households": 3,
        "votes_digital": 6,
        "votes_hall": 0,
        "votes_paper": 0,
    }
    assert verify(data).ok
    text = response.content.decode()
    assert not [p for p in _people_of_the_estate() if p in text]
    # The only id in the file is the ballot's own.
    assert set(UUID.findall(text)) == {str(BALLOT_COUNTED_ID)}
    assert "@" not in text


@pytest.mark.parametrize("persona", PERSONA_KEYS)
def test_an_open_ballot_has_no_bulletin_file(persona: str, client_for) -> None:
    response = client_for(persona).get(_url(BALLOT_OPEN_ID))
    assert response.status_code == ROWS[str(BALLOT_OPEN_ID)][persona]
    assert response.status_code != 200


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_file_is_read_only(method: str, client_for) -> None:
    response = getattr(client_for("org_staff"), method)(_url(BALLOT_COUNTED_ID))
    assert response.status_code == 405


def test_the_matrix_names_one_of_the_two_ballots() -> None:
    assert ARGS["ballot_id"] in ROWS


def test_an_unknown_ballot_is_404(client_for) -> None:
    response = client_for("org_staff").get(_url("00000000-0000-4000-8000-00000000dead"))
    assert response.status_code == 404


def test_the_file_is_cached_on_the_chain_and_rebuilt_when_it_changes(
    client_for, django_assert_max_num_queries
) -> None:
    client = client_for("anonymous")
    ballot = Ballot.objects.get(public_id=BALLOT_COUNTED_ID)
    first = client.get(_url(BALLOT_COUNTED_ID)).content
    with django_assert_max_num_queries(4):  # the session and the ballot, no entry
        assert client.get(_url(BALLOT_COUNTED_ID)).content == first
    # A recount (a new tally) or a changed chain head is another file.
    Ballot.objects.filter(pk=ballot.pk).update(tally={**(ballot.tally or {}), "votes": 99})
    assert json.loads(client.get(_url(BALLOT_COUNTED_ID)).content)["tally"]["votes"] == 99
    # The key is the ballot's own fields: no tracker, no person, not even its public id.
    key = ballots_audit_views._cache_key(Ballot.objects.get(pk=ballot.pk))
    assert cache.get(key) is not None
    trackers = BallotEntry.objects.filter(ballot=ballot).values_list("tracker", flat=True)
    assert str(ballot.public_id) not in key and not [t for t in trackers if t in key]


def test_building_the_file_makes_a_fixed_number_of_queries(
    client_for, django_assert_max_num_queries
) -> None:
    client = client_for("anonymous")
    with django_assert_max_num_queries(10):
        assert client.get(_url(BALLOT_COUNTED_ID)).status_code == 200
