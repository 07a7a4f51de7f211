"""An election's pages as each persona meets them: the candidates page while nomination
is open, after the vote started and once counted (the result); the managers' search
(one resident at a time, never a list); standing, nominating and withdrawing; the draw
with its confirmation."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from almen.conftest import PERSONA_KEYS
from almen.democracy import ballots_elections as elections
from almen.democracy import ballots_elections_testing as t
from almen.democracy.models import Ballot, BallotOption, ElectionDraw, OptionKind
from almen.register.models import Household, Resident

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def page(ballot: Ballot) -> str:
    return f"/afstemninger/{ballot.public_id}/kandidater/"


def draw_page(ballot: Ballot) -> str:
    return f"/afstemninger/{ballot.public_id}/lodtraekning/"


def candidates(ballot: Ballot) -> list[str]:
    return list(
        BallotOption.objects.filter(ballot=ballot, kind=OptionKind.CANDIDATE)
        .order_by("position")
        .values_list("label", flat=True)
    )


def resident_of(cast: Any, persona: str) -> Resident:
    return Resident.objects.select_related("household__unit").get(user=cast[persona].user)


# Who reaches an election's candidates page. While nomination is open (a draft), the
# estate's residents see it too, to stand; once open, its readers as for the ballot.
DRAFT = {
    "resident_a": 200,
    "resident_b": 403,
    "estate_board_a": 200,
    "org_board": 200,
    "org_staff": 200,
    "other_org_staff": 404,
    "municipality_officer": 404,
    "sector_staff": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize("persona", PERSONA_KEYS)
def test_candidates_page_while_nomination_is_open(persona: str, client_for, cast) -> None:
    ballot = t.draft_election(candidates=2)
    standing = candidates(ballot)
    response = client_for(persona).get(page(ballot))
    assert response.status_code == DRAFT[persona]
    if response.status_code != 200:
        assert not any(name in text(response) for name in standing)
        return
    body = text(response)
    assert all(name in body for name in standing)
    manager = persona in ("estate_board_a", "org_staff")
    # The search is the managers'; the "Jeg stiller op" button the estate's residents'
    # (the estate board persona lives in the estate too).
    assert ('name="q"' in body) is manager
    assert ("Jeg stiller op" in body) is (persona in ("resident_a", "estate_board_a"))
    assert ("Træk kandidaturet tilbage" in body) is manager
    # No addresses of candidates, for anyone: the list is names only.
    for option in BallotOption.objects.filter(ballot=ballot, kind=OptionKind.CANDIDATE):
        assert option.resident is not None
        assert option.resident.household.unit.address not in body


OPEN = {**DRAFT, "resident_b": 403}


@pytest.mark.parametrize("persona", PERSONA_KEYS)
def test_candidates_page_once_the_vote_has_started(persona: str, client_for) -> None:
    ballot = t.election(candidates=2)
    response = client_for(persona).get(page(ballot))
    assert response.status_code == OPEN[persona]
    if response.status_code == 200:
        body = text(response)
        assert all(name in body for name in candidates(ballot))
        assert "valget åbnede" in body
        for absent in ('name="q"', "Jeg stiller op", "Træk kandidaturet tilbage", "Resultat"):
            assert absent not in body


@pytest.mark.parametrize("persona", PERSONA_KEYS)
def test_the_result_once_counted(persona: str, client_for) -> None:
    ballot = t.tied_election()
    response = client_for(persona).get(page(ballot))
    assert response.status_code == OPEN[persona]
    if response.status_code == 200:
        body = text(response)
        result = elections.ballot_outcome(ballot)
        assert "Valgt til bestyrelsen" in body and result.members[0].name in body
        assert "Stemmelighed" in body
        # The draw button is the managers'.
        assert (f'action="{draw_page(ballot)}"' in body) is (
            persona in ("estate_board_a", "org_staff")
        )


def test_a_public_published_result_is_read_by_everyone(client_for, cast) -> None:
    from almen.lib.visibility import Visibility

    ballot = t.tied_election(visibility=Visibility.PUBLIC)
    elections.draw_lots(actor=cast["org_staff"].user, ballot=ballot)
    Ballot.objects.filter(pk=ballot.pk).update(state="offentliggjort")
    ballot.refresh_from_db()
    result = elections.ballot_outcome(ballot)
    for persona in ("anonymous", "resident_b", "other_org_staff"):
        body = text(client_for(persona).get(page(ballot)))
        assert result.members[0].name in body and result.substitutes[0].name in body
        assert "1. suppleant" in body and "Der blev trukket lod" in body
        assert "Stemmelighed" not in body


def test_the_candidates_page_of_a_yes_no_ballot_is_404(client_for) -> None:
    from almen.democracy.ballots_testing import yes_no_ballot

    assert client_for("org_staff").get(page(yes_no_ballot())).status_code == 404


# --- the search ----------------------------------------------------------------------


def test_the_managers_find_a_resident_by_name_or_address_and_nominate(client_for) -> None:
    ballot = t.draft_election()
    resident = t.standable(ballot, 1)[0]
    client = client_for("estate_board_a")
    by_name = text(client.get(page(ballot), {"q": resident.name}))
    assert resident.name in by_name and 'value="nominate"' in by_name
    assert resident.household.unit.address in by_name
    by_address = text(client.get(page(ballot), {"q": resident.household.unit.address}))
    assert resident.name in by_address
    response = client.post(
        page(ballot), {"action": "nominate", "resident": str(resident.public_id), "q": "x"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#kandidater")
    assert candidates(ballot) == [resident.name]
    again = text(client.get(page(ballot), {"q": resident.name}))
    assert "Stiller allerede op" in again


def test_the_search_needs_two_letters_and_shows_at_most_20(client_for) -> None:
    ballot = t.draft_election()
    household = t.standable(ballot, 1)[0].household
    Resident.objects.bulk_create(
        Resident(household=household, name=f"Mange Mortensen {n}", birth_year=1970)
        for n in range(25)
    )
    client = client_for("org_staff")
    assert "Skriv mindst 2 tegn" in text(client.get(page(ballot), {"q": "M"}))
    body = text(client.get(page(ballot), {"q": "Mange Mortensen"}))
    assert body.count('value="nominate"') == 20
    assert "Mere end 20 beboere passer" in body


def test_the_search_finds_no_children_and_no_other_estate(client_for, cast) -> None:
    from django.utils import timezone

    ballot = t.draft_election()
    household = t.standable(ballot, 1)[0].household
    Resident.objects.create(
        household=household, name="Barnet Bøgh", birth_year=timezone.localdate().year - 8
    )
    client = client_for("org_staff")
    child = text(client.get(page(ballot), {"q": "Barnet"}))
    assert 'value="nominate"' not in child and "Ingen beboer, der kan stille op" in child
    other = resident_of(cast, "resident_b")
    body = text(client.get(page(ballot), {"q": other.name}))
    assert 'value="nominate"' not in body and other.household.unit.address not in body


def test_residents_get_no_search(client_for, cast) -> None:
    ballot = t.draft_election()
    neighbour = t.standable(ballot, 1)[0]
    body = text(client_for("resident_a").get(page(ballot), {"q": neighbour.name}))
    assert neighbour.household.unit.address not in body and 'value="nominate"' not in body


def test_the_candidates_page_makes_a_fixed_number_of_queries(client_for) -> None:
    """Four times the candidates (and search hits, and a result) do not mean more
    queries. One query of slack: a cache entry or the session may be refreshed by any
    request (seen on PostgreSQL with Redis); one query per candidate would add three."""
    client = client_for("org_staff")

    def queries(ballot: Ballot, **query: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page(ballot), query).status_code == 200
        return len(captured)

    few, many = (queries(t.draft_election(candidates=n), q="ve") for n in (1, 4))
    assert many <= few + 1, (few, many)
    counted = [
        queries(t.count(t.election(candidates=n, seats=1, substitute_seats=1), [([2], 1)]))
        for n in (1, 4)
    ]
    assert counted[1] <= counted[0] + 1, counted
    assert max(few, many, *counted) <= 20


# --- standing, nominating, withdrawing -------------------------------------------------


def test_a_resident_stands_and_withdraws(client_for, cast) -> None:
    ballot = t.draft_election(candidates=1)
    client = client_for("resident_a")
    me = resident_of(cast, "resident_a")
    response = client.post(page(ballot), {"action": "stand"})
    assert response.status_code == 302
    assert candidates(ballot)[-1] == me.name
    body = text(client.get(page(ballot)))
    assert "Du stiller op som kandidat nr. 3" in body and "Jeg stiller op" not in body
    # Standing twice is a Danish 400 and changes nothing.
    again = client.post(page(ballot), {"action": "stand"})
    assert again.status_code == 400 and "stiller allerede op" in text(again)
    # Only one's own candidacy can be withdrawn by a resident.
    other = BallotOption.objects.get(ballot=ballot, position=2).resident
    assert other is not None
    refused = client.post(page(ballot), {"action": "withdraw", "candidate": str(other.public_id)})
    assert refused.status_code == 403 and len(candidates(ballot)) == 2
    done = client.post(page(ballot), {"action": "withdraw", "candidate": str(me.public_id)})
    assert done.status_code == 302 and me.name not in candidates(ballot)


def test_standing_needs_a_household_on_the_roll(client_for, cast) -> None:
    me = resident_of(cast, "resident_a")
    ballot = t.draft_election(roll_on=me.household.moved_in.replace(year=2000))
    body = text(client_for("resident_a").get(page(ballot)))
    assert "listen over stemmeberettigede" in body and "Jeg stiller op" not in body
    response = client_for("resident_a").post(page(ballot), {"action": "stand"})
    assert response.status_code == 400 and not candidates(ballot)


def test_standing_and_nominating_after_the_start_are_refused(client_for, cast) -> None:
    ballot = t.election(candidates=1)
    stand = client_for("resident_a").post(page(ballot), {"action": "stand"})
    assert stand.status_code == 400 and "valget åbnede" in text(stand)
    resident = t.standable(ballot, 1, exclude=[resident_of(cast, "resident_a")])[0]
    nominate = client_for("org_staff").post(
        page(ballot), {"action": "nominate", "resident": str(resident.public_id)}
    )
    assert nominate.status_code == 400 and "valget åbnede" in text(nominate)
    assert len(candidates(ballot)) == 1


@pytest.mark.parametrize("persona", ["org_board", "resident_a"])
def test_readers_who_do_not_manage_cannot_nominate_others(persona, client_for) -> None:
    ballot = t.draft_election()
    resident = t.standable(ballot, 1)[0]
    response = client_for(persona).post(
        page(ballot), {"action": "nominate", "resident": str(resident.public_id)}
    )
    assert response.status_code == 403 and not candidates(ballot)


@pytest.mark.parametrize("persona", ["org_board", "org_staff"])
def test_who_does_not_live_in_the_estate_cannot_stand(persona, client_for) -> None:
    ballot = t.draft_election()
    response = client_for(persona).post(page(ballot), {"action": "stand"})
    assert response.status_code == 403 and not candidates(ballot)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "nominate", "resident": "ikke-en-uuid"}, "findes ikke"),
        ({"action": "nominate"}, "Søg beboeren frem"),
        (
            {"action": "nominate", "resident": "00000000-0000-4000-8000-00000000dead"},
            "findes ikke i afdelingen",
        ),
        ({"action": "withdraw", "candidate": "00000000-0000-4000-8000-00000000dead"}, "står ikke"),
        ({"action": "withdraw", "candidate": "x"}, "står ikke"),
        ({"action": "slet-alt"}, "Ukendt handling"),
        ({}, "Ukendt handling"),
    ],
)
def test_bad_input_is_a_danish_400(client_for, data, message) -> None:
    ballot = t.draft_election(candidates=1)
    response = client_for("org_staff").post(page(ballot), data)
    assert response.status_code == 400 and message in text(response)
    assert len(candidates(ballot)) == 1


def test_nominating_another_estates_resident_is_refused(client_for, cast) -> None:
    ballot = t.draft_election()
    other = resident_of(cast, "resident_b")
    response = client_for("org_staff").post(
        page(ballot), {"action": "nominate", "resident": str(other.public_id)}
    )
    assert response.status_code == 400 and other.name not in text(response)
    assert not candidates(ballot)


def test_a_manager_withdraws_any_candidate(client_for) -> None:
    ballot = t.draft_election(candidates=2)
    first = BallotOption.objects.get(ballot=ballot, position=2)
    assert first.resident is not None
    response = client_for("estate_board_a").post(
        page(ballot), {"action": "withdraw", "candidate": str(first.resident.public_id)}
    )
    assert response.status_code == 302 and first.label not in candidates(ballot)
    assert BallotOption.objects.get(ballot=ballot, position=2).label == candidates(ballot)[0]


def test_a_moved_out_resident_no_longer_sees_a_draft(client_for, cast) -> None:
    """A resident whose tenancy ended is no resident of the estate (nor member of the
    organisation) any more: the draft is not theirs to see."""
    me = resident_of(cast, "resident_a")
    ballot = t.draft_election()
    Household.objects.filter(pk=me.household_id).update(moved_out=me.household.moved_in)
    assert client_for("resident_a").get(page(ballot)).status_code == 404
    assert client_for("resident_a").post(page(ballot), {"action": "stand"}).status_code == 404


# --- the draw ------------------------------------------------------------------------


def test_the_draw_asks_then_draws(client_for) -> None:
    ballot = t.tied_election()
    client = client_for("org_staff")
    tie = elections.ballot_outcome(ballot).undecided_names[0]
    ask = client.post(draw_page(ballot))
    assert ask.status_code == 200 and all(name in text(ask) for name in tie)
    assert "Ja, træk lod nu" in text(ask) and not ElectionDraw.objects.filter(ballot=ballot)
    done = client.post(draw_page(ballot), {"confirm": "yes"})
    assert done.status_code == 302 and done["Location"].endswith("#resultat")
    draw = ElectionDraw.objects.get(ballot=ballot)
    result_page = text(client.get(page(ballot)))
    assert "Der blev trukket lod" in result_page and "Stemmelighed" not in result_page
    assert sorted(draw.order) == [3, 4]
    # Again: nothing to draw (400), and still one draw.
    again = client.post(draw_page(ballot), {"confirm": "yes"})
    assert again.status_code == 400 and "ingen stemmelighed" in text(again)
    assert ElectionDraw.objects.filter(ballot=ballot).count() == 1


def test_no_draw_before_the_count(client_for) -> None:
    ballot = t.election(candidates=2)
    response = client_for("estate_board_a").post(draw_page(ballot), {"confirm": "yes"})
    assert response.status_code == 400 and "talt op" in text(response)
    assert not ElectionDraw.objects.filter(ballot=ballot).exists()


@pytest.mark.parametrize("persona", PERSONA_KEYS)
def test_the_draw_is_the_managers(persona: str, client_for) -> None:
    ballot = t.tied_election()
    managers = ("estate_board_a", "org_staff")
    expected = {
        **{k: 403 if v == 200 else v for k, v in OPEN.items()},
        **dict.fromkeys(managers, 302),
    }
    response = client_for(persona).post(draw_page(ballot), {"confirm": "yes"})
    assert response.status_code == expected[persona]
    assert ElectionDraw.objects.filter(ballot=ballot).exists() is (persona in managers)
    assert client_for(persona).get(draw_page(ballot)).status_code == 405
