"""The pages of running a ballot, persona by persona: what the ballot page shows (the
question and turnout while open, never a figure per option before the count; the
result once published), the lists (no drafts for residents), creating with bad input,
the options, the envelope search (never the roll), four eyes through the pages, the
confirmation steps, and the query bounds of the lists and the ballot page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

# The matrix first: its rows import this package's matrix files (as in test_hall_views).
from almen.access.tests import test_matrix  # noqa: F401
from almen.conftest import PERSONA_KEYS
from almen.democracy import ballots_admin_testing as t
from almen.democracy import ballots_box
from almen.democracy import ballots_services as svc
from almen.democracy.ballots_testing import BALLOT_COUNTED_ID, BALLOT_OPEN_ID, yes_no_ballot
from almen.democracy.models import (
    Ballot,
    BallotKind,
    BallotState,
    CountStatus,
    PaperCount,
    Participation,
)
from almen.democracy.testing import DECISION_ID
from almen.democracy.tests.matrix_ballots_admin import READ

pytestmark = pytest.mark.django_db

CVR = "29190909"
ESTATE = f"/organisationer/{CVR}/afdelinger/1/afstemninger/"


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def page(ballot: Ballot, tail: str = "") -> str:
    return f"/afstemninger/{ballot.public_id}/{tail}"


READERS = [k for k, v in READ.items() if v == 200]
MANAGERS = ["estate_board_a", "org_staff"]


# --- the ballot page, per persona ------------------------------------------------------------


def test_an_open_ballot_shows_question_and_turnout_never_figures_per_option(
    client_for, cast
) -> None:
    ballot = yes_no_ballot(title="Urafstemning om vaskeriet", question="Skal vaskeriet udvides?")
    first, second, third = t.roll_households(ballot, 3)
    # Three households vote, 5 votes: Ja 3, Nej 2 (weights 2+1 and 2).
    ballots_box.cast(ballot=ballot, household=first, user=None, marks=[1], votes=2)
    ballots_box.cast(ballot=ballot, household=second, user=None, marks=[2], votes=2)
    ballots_box.cast(ballot=ballot, household=third, user=None, marks=[1], votes=1)
    roll = ballots_box.roll(ballot).count()
    for persona in PERSONA_KEYS:
        response = client_for(persona).get(page(ballot))
        assert response.status_code == READ[persona], persona
        if response.status_code != 200:
            assert "Skal vaskeriet udvides?" not in text(response)
            continue
        body = text(response)
        assert "Skal vaskeriet udvides?" in body, persona
        assert f"3 af {roll} husstande har stemt" in body, persona
        assert 'id="ballot-result"' not in body, persona
        assert "Ja</th>" not in body and "Nej</th>" not in body, persona
        assert ("Styr afstemningen" in body) == (persona in MANAGERS), persona


def test_a_counted_ballot_is_shown_to_its_managers_until_it_is_published(client_for) -> None:
    ballot = t.counted()  # Ja 4, Nej 2
    for persona in READERS:
        body = text(client_for(persona).get(page(ballot)))
        assert ('id="ballot-result"' in body) == (persona in MANAGERS), persona
        if persona not in MANAGERS:
            assert "Resultatet offentliggøres, når stemmerne er talt op." in body
    svc.ballot_publish(actor=None, ballot=ballot)
    for persona in READERS:
        body = text(client_for(persona).get(page(ballot)))
        assert 'id="ballot-result"' in body, persona
        assert re.search(r"Ja</th>.*?<strong>4</strong>", body), persona
        assert "Se beslutningen i beslutningsregistret" in body, persona


def test_the_published_public_matrix_ballot_is_read_by_everyone(client_for) -> None:
    ballot = Ballot.objects.get(public_id=BALLOT_COUNTED_ID)
    for persona in PERSONA_KEYS:
        response = client_for(persona).get(page(ballot))
        assert response.status_code == 200, persona
        assert 'id="ballot-result"' in text(response), persona


def test_the_goals_of_the_deciding_decision_are_shown(client_for, monkeypatch) -> None:
    from almen.lib import decisions

    ballot = t.draft()
    seen: list[Any] = []

    def uses(decision_id: Any, principal: Any) -> list[decisions.UseLink]:
        seen.append(decision_id)
        return [decisions.UseLink("Mål", "Mindre madspild i afdelingen", "/maal/x/")]

    monkeypatch.setattr(decisions, "uses", uses)
    body = text(client_for("org_staff").get(page(ballot)))
    assert "Mindre madspild i afdelingen" in body and seen == [DECISION_ID]


def test_a_draft_is_the_managers_and_the_organisation_boards(client_for) -> None:
    ballot = t.draft(title="Hemmelig kladde")
    expected = {**READ, "resident_a": 403}
    for persona in PERSONA_KEYS:
        response = client_for(persona).get(page(ballot))
        assert response.status_code == expected[persona], persona
        assert ("Hemmelig kladde" in text(response)) == (expected[persona] == 200), persona
    for persona in ("resident_a", "org_staff"):
        body = text(client_for(persona).get(ESTATE))
        assert ("Hemmelig kladde" in body) == (persona == "org_staff"), persona


# --- lists -----------------------------------------------------------------------------------


def test_the_lists_show_ballots_and_are_paginated(client_for) -> None:
    for n in range(23):
        yes_no_ballot(title=f"Afstemning nummer {n:02d}")
    body = text(client_for("resident_a").get(ESTATE))
    assert body.count('class="almen-card"') == 20
    assert "Side 1 af 2" in body and "Ny afstemning" not in body
    assert "Ny afstemning" in text(client_for("estate_board_a").get(ESTATE))
    overview = text(client_for("org_board").get(f"/organisationer/{CVR}/afstemninger/"))
    assert overview.count('class="almen-card"') == 20


def test_the_lists_and_the_ballot_page_make_a_bounded_number_of_queries(
    client_for, django_assert_max_num_queries
) -> None:
    client = client_for("org_staff")
    client.get(ESTATE)
    for n in range(5):
        yes_no_ballot(title=f"Flere {n}")
    ballot = Ballot.objects.get(public_id=BALLOT_OPEN_ID)
    with django_assert_max_num_queries(25):
        client.get(ESTATE)
    with django_assert_max_num_queries(25):
        client.get(f"/organisationer/{CVR}/afstemninger/")
    with django_assert_max_num_queries(30):
        client.get(page(ballot))


# --- creating and editing ----------------------------------------------------------------


def _form(**changes: str) -> dict[str, str]:
    opens, closes = t.later(2), t.later(2 + 24 * 7)
    data = {
        "purpose": "urafstemning",
        "kind": "ja_nej",
        "title": "Urafstemning om altaner",
        "question": "Skal afdelingen have nye altaner?",
        "authorised_by": str(DECISION_ID),
        "opens_date": f"{timezone.localtime(opens):%Y-%m-%d}",
        "opens_time": f"{timezone.localtime(opens):%H:%M}",
        "closes_date": f"{timezone.localtime(closes):%Y-%m-%d}",
        "closes_time": f"{timezone.localtime(closes):%H:%M}",
        "visibility": "organisation",
        "substitute_seats": "0",
    }
    data.update(changes)
    return data


def test_the_board_creates_an_urafstemning_as_a_draft(client_for) -> None:
    response = client_for("estate_board_a").post(f"{ESTATE}ny/", _form())
    assert response.status_code == 302
    ballot = Ballot.objects.get(title="Urafstemning om altaner")
    assert response["Location"] == page(ballot)
    assert ballot.state == BallotState.DRAFT and ballot.options.count() == 3


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"authorised_by": ""}, "besluttet af afdelingsmødet"),
        ({"authorised_by": "00000000-0000-4000-8000-00000000dead"}, "gyldig valgmulighed"),
        ({"closes_date": "2020-01-01"}, "lukke efter"),
        ({"opens_date": "31-02-2027"}, "gyldig dato"),
        ({"opens_time": "25:99"}, "klokkeslæt"),
        ({"kind": "valg", "seats": "1000000000000"}, "for stort"),
        ({"title": "x" * 201}, "201"),
        ({"purpose": "alle"}, "gyldig valgmulighed"),
    ],
    ids=str,
)
def test_bad_input_is_a_danish_400(client_for, changes: dict[str, str], says: str) -> None:
    response = client_for("org_staff").post(f"{ESTATE}ny/", _form(**changes))
    assert response.status_code == 400
    assert says in text(response)
    assert not Ballot.objects.filter(title="Urafstemning om altaner").exists()


def test_an_open_ballot_cannot_be_edited_through_the_page(client_for) -> None:
    ballot = Ballot.objects.get(public_id=BALLOT_OPEN_ID)
    client = client_for("org_staff")
    assert "Kun en kladde kan ændres" in text(client.get(page(ballot, "rediger/")))
    response = client.post(page(ballot, "rediger/"), {"title": "Ændret"})
    assert response.status_code == 400
    ballot.refresh_from_db()
    assert ballot.title != "Ændret"


def test_options_are_added_and_removed_on_the_options_page(client_for) -> None:
    ballot = t.draft(kind=BallotKind.CHOICE, options=("Solceller", "Varmepumpe"))
    client = client_for("estate_board_a")
    assert client.post(page(ballot, "muligheder/"), {"label": "Jordvarme"}).status_code == 302
    assert ballot.options.filter(label="Jordvarme").exists()
    no = ballot.options.get(label="Ingen af dem")
    response = client.post(page(ballot, "muligheder/"), {"remove": str(no.position)})
    assert response.status_code == 400 and "nej-mulighed" in text(response)
    for bad in ("", "x", "99", "99999999999"):
        assert client.post(page(ballot, "muligheder/"), {"remove": bad}).status_code == 400
    solar = ballot.options.get(label="Solceller")
    assert (
        client.post(page(ballot, "muligheder/"), {"remove": str(solar.position)}).status_code == 302
    )
    assert not ballot.options.filter(label="Solceller").exists()


# --- confirmation steps ---------------------------------------------------------------------


def test_opening_asks_first_and_then_opens(client_for) -> None:
    ballot = t.draft()
    client = client_for("org_staff")
    asked = client.post(page(ballot, "aabn/"))
    assert asked.status_code == 200 and "Ja, åbn afstemningen" in text(asked)
    assert Ballot.objects.get(pk=ballot.pk).state == BallotState.DRAFT
    assert client.post(page(ballot, "aabn/"), {"confirm": "yes"}).status_code == 302
    assert Ballot.objects.get(pk=ballot.pk).state == BallotState.OPEN
    again = client.post(page(ballot, "aabn/"), {"confirm": "yes"})
    assert again.status_code == 400 and "allerede åbnet" in text(again)


def test_a_digital_vote_is_not_closed_early_through_the_page(client_for) -> None:
    ballot = Ballot.objects.get(public_id=BALLOT_OPEN_ID)
    response = client_for("org_staff").post(page(ballot, "luk/"), {"confirm": "yes"})
    assert response.status_code == 400 and "Beboerne er lovet" in text(response)
    assert Ballot.objects.get(pk=ballot.pk).state == BallotState.OPEN


def test_count_recount_and_publish_through_the_pages(client_for) -> None:
    ballot = t.closed(digital=(1, 1, 2))
    client = client_for("estate_board_a")
    assert client.post(page(ballot, "optael/"), {"confirm": "yes"}).status_code == 302
    recount = client.post(page(ballot, "optael/"), {"confirm": "yes"}, follow=True)
    assert "samme resultat" in text(recount)
    preview = text(client.get(page(ballot, "offentliggoer/")))
    assert "Ja 4, nej 2, blanke 0 – vedtaget." in preview
    assert client.post(page(ballot, "offentliggoer/"), {"confirm": "yes"}).status_code == 302
    ballot.refresh_from_db()
    assert ballot.state == BallotState.PUBLISHED and ballot.decision is not None


# --- paper by post: a search, never the roll --------------------------------------------


def test_the_envelope_page_finds_one_household_at_a_time(client_for) -> None:
    ballot = yes_no_ballot()
    client = client_for("org_staff")
    households = t.roll_households(ballot, 2)
    empty = client.get(page(ballot, "papir/"))
    assert empty.status_code == 200
    assert empty["Cache-Control"].count("no-store") == 1
    for household in households:
        assert household.unit.address not in text(empty)
    found = text(client.get(page(ballot, "papir/"), {"q": households[0].unit.number}))
    assert households[0].unit.address in found and "Registrér kuverten" in found
    assert "Skriv mindst 2 tegn" in text(client.get(page(ballot, "papir/"), {"q": "x"}))
    data = {"household": str(households[0].public_id), "votes": "2"}
    assert client.post(page(ballot, "papir/"), data).status_code == 302
    again = client.post(page(ballot, "papir/"), data)
    assert again.status_code == 400 and "begge sine 2 stemmer" in text(again)
    assert Participation.objects.get(ballot=ballot, household=households[0]).votes_paper == 2
    for bad in (
        {"household": "x", "votes": "1"},
        {"household": str(households[1].public_id), "votes": "3"},
    ):
        assert client.post(page(ballot, "papir/"), bad).status_code == 400


# --- four eyes through the pages ---------------------------------------------------------------


def test_a_staff_pair_enters_and_confirms_a_count(client_for) -> None:
    ballot = t.closed(paper=2)
    board, staff = client_for("estate_board_a"), client_for("org_staff")
    data = {"channel": "papir", "option_1": "1", "option_2": "1", "option_3": "0"}
    for bad in (
        {**data, "option_1": "-1"},
        {**data, "option_1": "1000001"},
        {**data, "option_1": "1,5"},
    ):
        response = board.post(page(ballot, "optaelling/"), bad)
        assert response.status_code == 400
    over = board.post(page(ballot, "optaelling/"), {**data, "option_3": "5"})
    assert over.status_code == 400 and "kun 2 brevstemmer" in text(over)
    assert not PaperCount.objects.filter(ballot=ballot).exists()
    assert board.post(page(ballot, "optaelling/"), data).status_code == 302
    count = PaperCount.objects.get(ballot=ballot)
    check = page(ballot, f"optaelling/{count.pk}/kontrol/")
    own = board.get(check)
    assert "Du har selv tastet optællingen ind" in text(own)
    refused = board.post(check, {"action": "confirm"})
    assert refused.status_code == 400 and "en anden end den" in text(refused)
    assert staff.post(check, {"action": "nothing"}).status_code == 400
    assert staff.post(check, {"action": "confirm"}).status_code == 302
    count.refresh_from_db()
    assert count.status == CountStatus.CONFIRMED
    other = t.closed(paper=1)
    assert board.get(page(other, f"optaelling/{count.pk}/kontrol/")).status_code == 404


def test_the_count_page_says_why_no_count_can_be_entered_yet(client_for) -> None:
    ballot = Ballot.objects.get(public_id=BALLOT_OPEN_ID)
    body = text(client_for("org_staff").get(page(ballot, "optaelling/")))
    assert "når afstemningen er lukket" in body and "Gem optællingen" not in body
