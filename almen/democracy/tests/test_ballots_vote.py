"""A resident votes from a phone and checks their vote (issue 9): the voting page with
its confirmation and receipt, per persona; two tabs, a replayed confirmation, a vote
before open and after close, a household that moved in after the cut-off, a third vote
and bad ballot papers; the receipt e-mail through the outbox, which forgets the code
once sent; the bulletin with its search, per persona; the residents' panels."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from almen.access.policy import principal_for
from almen.accounts.models import User
from almen.audit.models import AuditEntry
from almen.democracy import ballots_box, ballots_testing
from almen.democracy import ballots_vote_manifest as manifest
from almen.democracy import ballots_vote_services as services
from almen.democracy.ballots_testing import BALLOT_COUNTED_ID, BALLOT_OPEN_ID, yes_no_ballot
from almen.democracy.ballots_vote_views import BULLETIN_EXPLAINED, REPLAYED
from almen.democracy.models import (
    Ballot,
    BallotEntry,
    BallotInbox,
    BallotKind,
    BallotOption,
    BallotState,
    OptionKind,
    Participation,
)
from almen.democracy.testing import matrix_estate
from almen.democracy.tests import proposals_helpers as h
from almen.notify.models import Notification, Status
from almen.register.models import Household, Resident

pytestmark = pytest.mark.django_db

TRACKER = re.compile(r"\b[2-9A-HJ-NP-Z]{3}-[2-9A-HJ-NP-Z]{3}-[2-9A-HJ-NP-Z]{3}\b")
NONCE = re.compile(r'name="nonce" value="([^"]+)"')
KEY = re.compile(r'name="key" value="([^"]+)"')


def _text(response: Any) -> str:
    return response.content.decode()


def _url(ballot: Ballot | Any, what: str = "stem") -> str:
    public_id = getattr(ballot, "public_id", ballot)
    return f"/afstemninger/{public_id}/{what}/"


def _household(user: User) -> Household:
    return Household.objects.active().get(unit__estate=matrix_estate(), residents__user=user)


def _votes(ballot: Ballot | Any, household: Household) -> int:
    public_id: Any = getattr(ballot, "public_id", ballot)
    part = Participation.objects.filter(ballot__public_id=public_id, household=household).first()
    return part.votes if part else 0


def _choose(
    client: Client, ballot: Any, marks: list[str] | str = "1", votes: str = "2"
) -> tuple[Any, str]:
    """The ballot paper sent: the confirmation page and its nonce."""
    response = client.post(_url(ballot), {"marks": marks, "votes": votes, "action": "choose"})
    found = NONCE.search(_text(response))
    return response, found.group(1) if found else ""


def _confirm(
    client: Client, ballot: Any, nonce: str, marks: list[str] | str = "1", votes: str = "2"
) -> Any:
    return client.post(
        _url(ballot), {"marks": marks, "votes": votes, "nonce": nonce, "action": "confirm"}
    )


def _vote(client: Client, ballot: Any, marks: list[str] | str = "1", votes: str = "2") -> Any:
    page, nonce = _choose(client, ballot, marks, votes)
    assert page.status_code == 200 and nonce, _text(page)
    return _confirm(client, ballot, nonce, marks, votes)


# --- voting ---------------------------------------------------------------------------


def test_a_resident_votes_in_one_step_and_a_confirmation(cast, client_for) -> None:
    client = client_for("resident_a")
    household = _household(cast["resident_a"].user)
    page = client.get(_url(BALLOT_OPEN_ID))
    assert page.status_code == 200
    html = _text(page)
    assert "Skal afdelingen have nye altaner" in html
    assert "Jeres husstand har 2 stemmer tilbage." in html
    assert html.count('class="form-radio"') == 3 + 2  # Ja, Nej, Blank; 1 or 2 votes
    assert re.search(r'name="votes" value="2"[^>]*checked', html)  # all the votes left
    assert "Hver voksen i husstanden kan afgive én af jeres 2 stemmer" in html
    assert "no-store" in page["Cache-Control"]

    confirm, nonce = _choose(client, BALLOT_OPEN_ID, "1", "2")
    assert confirm.status_code == 200
    assert "Du stemmer: Ja — 2 stemmer." in _text(confirm)
    assert 'name="action" value="back"' in _text(confirm)
    assert not TRACKER.search(_text(confirm))
    assert _votes(BALLOT_OPEN_ID, household) == 0  # nothing cast yet

    receipt = _confirm(client, BALLOT_OPEN_ID, nonce, "1", "2")
    assert receipt.status_code == 200  # the receipt is the POST's answer, not a redirect
    html = _text(receipt)
    code = TRACKER.search(html)
    assert code is not None
    assert 'class="almen-tracker"' in html
    assert "Skriv koden ned, eller send den til dig selv. Du ser den kun nu." in html
    assert "Send koden til min e-mail" in html
    assert "no-store" in receipt["Cache-Control"]
    assert _votes(BALLOT_OPEN_ID, household) == 2
    inbox = BallotInbox.objects.get(ballot__public_id=BALLOT_OPEN_ID, tracker=code.group(0))
    assert (inbox.marks, inbox.weight) == ("1", 2)
    # The audit says the household voted with 2 votes, never what or with which code.
    entry = AuditEntry.objects.filter(action="democracy.ballot_vote").latest("pk")
    assert code.group(0) not in repr(entry.__dict__)
    assert "Ja" not in repr(entry.after)


def test_the_back_button_keeps_the_choice_out_of_the_url(client_for) -> None:
    client = client_for("resident_a")
    back = client.post(_url(BALLOT_OPEN_ID), {"marks": "2", "votes": "1", "action": "back"})
    assert back.status_code == 200
    assert re.search(r'name="marks" value="2"[^>]*checked', _text(back))
    assert re.search(r'name="votes" value="1"[^>]*checked', _text(back))


def test_a_board_member_who_lives_in_the_estate_votes(cast, client_for) -> None:
    client = client_for("estate_board_a")
    assert _vote(client, BALLOT_OPEN_ID, "2", "1").status_code == 200
    assert _votes(BALLOT_OPEN_ID, _household(cast["estate_board_a"].user)) == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("resident_b", 403),
        ("org_board", 403),
        ("org_staff", 403),
        ("other_org_staff", 404),
        ("anonymous", 302),
    ],
)
def test_who_may_not_vote(persona: str, status: int, client_for) -> None:
    client = client_for(persona)
    before = Participation.objects.count(), BallotInbox.objects.count()
    page = client.get(_url(BALLOT_OPEN_ID))
    assert page.status_code == status
    if status == 302:
        assert page["Location"].startswith(reverse("account_login"))
    assert "Jeres husstand har" not in _text(page)
    sent = client.post(_url(BALLOT_OPEN_ID), {"marks": "1", "votes": "2", "action": "confirm"})
    assert sent.status_code == status
    assert (Participation.objects.count(), BallotInbox.objects.count()) == before


def test_a_replayed_confirmation_counts_once(cast, client_for) -> None:
    """Back and send again, or a double click: the same confirmation form twice. The
    household has a vote left, so only the nonce stops the second."""
    client = client_for("resident_a")
    household = _household(cast["resident_a"].user)
    _page, nonce = _choose(client, BALLOT_OPEN_ID, "1", "1")
    assert _confirm(client, BALLOT_OPEN_ID, nonce, "1", "1").status_code == 200
    again = _confirm(client, BALLOT_OPEN_ID, nonce, "1", "1")
    assert again.status_code == 409
    assert str(REPLAYED) in _text(again)
    assert not TRACKER.search(_text(again))
    assert _votes(BALLOT_OPEN_ID, household) == 1
    # A made-up nonce, and none: refused the same way.
    assert _confirm(client, BALLOT_OPEN_ID, "x" * 32, "1", "1").status_code == 409
    assert _confirm(client, BALLOT_OPEN_ID, "", "1", "1").status_code == 409
    assert _votes(BALLOT_OPEN_ID, household) == 1


def test_a_double_clicks_twin_that_read_the_session_first_is_refused(cast, client_for) -> None:
    """Two requests with the same nonce at the same moment both find it in the session
    they loaded; the shared cache's atomic add lets one of them through."""
    client = client_for("resident_a")
    household = _household(cast["resident_a"].user)
    _page, nonce = _choose(client, BALLOT_OPEN_ID, "1", "1")
    pending = dict(client.session[services.PENDING])
    assert _confirm(client, BALLOT_OPEN_ID, nonce, "1", "1").status_code == 200
    session = client.session
    session[services.PENDING] = pending  # what the twin request had loaded
    session.save()
    assert _confirm(client, BALLOT_OPEN_ID, nonce, "1", "1").status_code == 409
    assert _votes(BALLOT_OPEN_ID, household) == 1


def test_two_tabs_of_one_household_cast_two_votes_at_most(cast, client_for) -> None:
    household = _household(cast["resident_a"].user)
    # Two tabs, each confirming 1 vote: two separate votes, both count.
    tab_1, tab_2 = client_for("resident_a"), client_for("resident_a")
    _p, nonce_1 = _choose(tab_1, BALLOT_OPEN_ID, "1", "1")
    _p, nonce_2 = _choose(tab_2, BALLOT_OPEN_ID, "2", "1")
    assert _confirm(tab_1, BALLOT_OPEN_ID, nonce_1, "1", "1").status_code == 200
    assert _confirm(tab_2, BALLOT_OPEN_ID, nonce_2, "2", "1").status_code == 200
    assert _votes(BALLOT_OPEN_ID, household) == 2
    # A third vote: refused on the page and on every POST.
    third = tab_1.get(_url(BALLOT_OPEN_ID))
    assert third.status_code == 200
    assert "allerede brugt begge sine 2 stemmer" in _text(third)
    assert '<form method="post" action="/afstemninger/' not in _text(third)
    assert _choose(tab_1, BALLOT_OPEN_ID, "1", "1")[0].status_code == 409


def test_two_tabs_each_confirming_both_votes_count_two(cast, client_for) -> None:
    household = _household(cast["resident_a"].user)
    tab_1, tab_2 = client_for("resident_a"), client_for("resident_a")
    _p, nonce_1 = _choose(tab_1, BALLOT_OPEN_ID, "1", "2")
    _p, nonce_2 = _choose(tab_2, BALLOT_OPEN_ID, "2", "2")
    assert _confirm(tab_1, BALLOT_OPEN_ID, nonce_1, "1", "2").status_code == 200
    late = _confirm(tab_2, BALLOT_OPEN_ID, nonce_2, "2", "2")
    assert late.status_code == 409
    assert "allerede brugt begge sine 2 stemmer" in _text(late)
    assert _votes(BALLOT_OPEN_ID, household) == 2
    assert BallotInbox.objects.filter(ballot__public_id=BALLOT_OPEN_ID).count() == 1


def test_two_adults_of_a_household_share_its_two_votes(cast, client_for) -> None:
    household = _household(cast["resident_a"].user)
    partner = User.objects.create_user(email="partner.a@test.dk", name="Ole Hansen")
    Resident.objects.create(household=household, name=partner.name, user=partner)
    first, second = client_for("resident_a"), h.client(partner)
    _p, nonce_1 = _choose(first, BALLOT_OPEN_ID, "1", "1")
    _p, nonce_2 = _choose(second, BALLOT_OPEN_ID, "2", "2")  # shown when 2 were left
    assert _confirm(first, BALLOT_OPEN_ID, nonce_1, "1", "1").status_code == 200
    # The partner's confirmation of 2 votes, when 1 is left: refused, nothing cast.
    refused = _confirm(second, BALLOT_OPEN_ID, nonce_2, "2", "2")
    assert refused.status_code == 400
    assert "Jeres husstand har kun 1 stemme tilbage." in _text(refused)
    assert "Jeres husstand har 1 stemme tilbage." in _text(second.get(_url(BALLOT_OPEN_ID)))
    assert _vote(second, BALLOT_OPEN_ID, "2", "1").status_code == 200
    assert _votes(BALLOT_OPEN_ID, household) == 2
    part = Participation.objects.get(ballot__public_id=BALLOT_OPEN_ID, household=household)
    assert set(part.residents.values_list("user_id", flat=True)) == {
        cast["resident_a"].user.pk,
        partner.pk,
    }


def test_before_open_and_after_close(cast, client_for) -> None:
    client = client_for("resident_a")
    household = _household(cast["resident_a"].user)
    soon = yes_no_ballot(opens_at=timezone.now() + dt.timedelta(days=1))
    page = client.get(_url(soon))
    assert page.status_code == 200
    assert "Afstemningen åbner" in _text(page)
    assert 'name="marks"' not in _text(page)
    assert _choose(client, soon)[0].status_code == 409

    # Chosen while open, confirmed after the close: refused, nothing cast.
    ballot = yes_no_ballot()
    _p, nonce = _choose(client, ballot, "1", "2")
    ballots_testing.close_now(ballot)
    late = _confirm(client, ballot, nonce, "1", "2")
    assert late.status_code == 409
    assert "Afstemningen lukkede" in _text(late)
    assert _votes(ballot, household) == 0
    closed = client.get(_url(ballot))
    assert closed.status_code == 200 and "Afstemningen lukkede" in _text(closed)


def test_a_draft_is_not_for_voting(client_for) -> None:
    draft = yes_no_ballot(state=BallotState.DRAFT)
    assert client_for("resident_a").get(_url(draft)).status_code == 403


def test_a_household_that_moved_in_after_the_cut_off_cannot_vote(client_for) -> None:
    newcomer = h.resident_user(name="Ny Tilflytter")
    Household.objects.filter(residents__user=newcomer).update(
        moved_in=timezone.localdate() - dt.timedelta(days=1)
    )
    client = h.client(newcomer)
    page = client.get(_url(BALLOT_OPEN_ID))
    assert page.status_code == 200
    assert "flyttede ind efter skæringsdatoen" in _text(page)
    assert 'name="marks"' not in _text(page)
    before = Participation.objects.count()
    assert _choose(client, BALLOT_OPEN_ID)[0].status_code == 409
    sent = client.post(_url(BALLOT_OPEN_ID), {"marks": "1", "votes": "2", "action": "confirm"})
    assert sent.status_code == 409
    assert Participation.objects.count() == before


@pytest.mark.parametrize("keeps", [True, False])
def test_a_household_that_moved_out_after_the_cut_off_votes_only_where_the_estate_says_so(
    keeps: bool,
) -> None:
    """The estate's rule (decision 0030): a household on the roll that has moved out
    since keeps its vote only with ``moved_out_keeps_vote``. The access policy knows
    current tenancies only, so the voting page must still let it in."""
    ballot = yes_no_ballot(moved_out_keeps_vote=keeps)
    mover = h.resident_user(name="Flyttet Efter Skæringsdato")
    Household.objects.filter(residents__user=mover).update(
        moved_out=timezone.localdate() - dt.timedelta(days=1)  # after the cut-off
    )
    client = h.client(mover)
    page = client.get(_url(ballot))
    if not keeps:
        assert page.status_code == 404  # no longer of the estate, and no vote kept
        assert _choose(client, ballot)[0].status_code == 404
        return
    assert page.status_code == 200, _text(page)
    assert "Jeres husstand har 2 stemmer tilbage." in _text(page)
    assert client.get(f"/afstemninger/{ballot.public_id}/").status_code == 200
    receipt = _vote(client, ballot, "2", "2")
    assert receipt.status_code == 200 and TRACKER.search(_text(receipt))
    household = Household.objects.get(residents__user=mover)
    assert Participation.objects.get(ballot=ballot, household=household).votes_digital == 2


def test_a_household_that_moved_out_before_the_cut_off_never_votes() -> None:
    ballot = yes_no_ballot(moved_out_keeps_vote=True)
    mover = h.resident_user(name="Flyttet Før")
    Household.objects.filter(residents__user=mover).update(
        moved_out=ballot.roll_on - dt.timedelta(days=1)
    )
    assert h.client(mover).get(_url(ballot)).status_code == 404


def test_a_household_whose_votes_were_used_in_the_hall_cannot_vote_online(cast, client_for) -> None:
    household = _household(cast["resident_a"].user)
    ballot = Ballot.objects.get(public_id=BALLOT_OPEN_ID)
    Participation.objects.create(ballot=ballot, household=household, votes_hall=2)
    client = client_for("resident_a")
    assert "allerede brugt begge sine 2 stemmer" in _text(client.get(_url(ballot)))
    assert _choose(client, ballot)[0].status_code == 409


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"marks": "9", "votes": "2"}, "Vælg en af mulighederne på stemmesedlen."),
        ({"marks": "0", "votes": "2"}, "Vælg en af mulighederne på stemmesedlen."),
        ({"marks": "-1", "votes": "2"}, "Vælg en af mulighederne på stemmesedlen."),
        ({"marks": "ja", "votes": "2"}, "Vælg en af mulighederne på stemmesedlen."),
        ({"marks": "1.0", "votes": "2"}, "Vælg en af mulighederne på stemmesedlen."),
        ({"marks": "1" * 400, "votes": "2"}, "Vælg en af mulighederne på stemmesedlen."),
        ({"votes": "2"}, "Vælg en mulighed. Vil du stemme blankt, så vælg Blank."),
        ({"marks": ["1", "2"], "votes": "2"}, "Du kan højst sætte 1 kryds."),
        ({"marks": ["1", "3"], "votes": "2"}, "Blank kan ikke vælges sammen med andre"),
        ({"marks": "1", "votes": "3"}, "Vælg, om du afgiver 1 eller 2 stemmer."),
        ({"marks": "1", "votes": "0"}, "Vælg, om du afgiver 1 eller 2 stemmer."),
        ({"marks": "1", "votes": "to"}, "Vælg, om du afgiver 1 eller 2 stemmer."),
        ({"marks": "1"}, "Vælg, om du afgiver 1 eller 2 stemmer."),
    ],
)
@pytest.mark.parametrize("action", ["choose", "confirm"])
def test_a_bad_ballot_paper_is_a_danish_400(
    data: dict[str, Any], message: str, action: str, client_for
) -> None:
    client = client_for("resident_a")
    _p, nonce = _choose(client, BALLOT_OPEN_ID, "1", "2")
    before = Participation.objects.count(), BallotInbox.objects.count()
    response = client.post(_url(BALLOT_OPEN_ID), {**data, "action": action, "nonce": nonce})
    assert response.status_code == 400
    assert message in _text(response)
    assert (Participation.objects.count(), BallotInbox.objects.count()) == before
    # The nonce was not spent by the bad paper: the good one still goes through.
    assert _confirm(client, BALLOT_OPEN_ID, nonce, "1", "2").status_code == 200


def test_an_election_takes_up_to_the_seats_as_checkboxes(cast, client_for) -> None:
    ballot = yes_no_ballot(kind=BallotKind.ELECTION, seats=2, title="Valg til bestyrelsen")
    BallotOption.objects.filter(ballot=ballot).delete()
    BallotOption.objects.bulk_create(
        BallotOption(ballot=ballot, position=n, kind=k, label=label)
        for n, (k, label) in enumerate(
            [
                (OptionKind.CANDIDATE, "Anna Berg"),
                (OptionKind.CANDIDATE, "Bo Dam"),
                (OptionKind.CANDIDATE, "Carl Eg"),
                (OptionKind.BLANK, "Blank"),
            ],
            start=1,
        )
    )
    client = client_for("resident_a")
    page = _text(client.get(_url(ballot)))
    assert page.count('class="form-checkbox"') == 4
    assert "Sæt kryds ved op til 2 kandidater." in page
    too_many = client.post(_url(ballot), {"marks": ["1", "2", "3"], "votes": "2"})
    assert too_many.status_code == 400
    assert "Du kan højst sætte 2 krydser." in _text(too_many)
    confirm, _nonce = _choose(client, ballot, ["1", "3"], "2")
    assert "Du stemmer: Anna Berg, Carl Eg — 2 stemmer." in _text(confirm)
    receipt = _vote(client, ballot, ["1", "3"], "2")
    assert receipt.status_code == 200
    assert BallotInbox.objects.get(ballot=ballot).marks == "1,3"


# --- the receipt by e-mail ------------------------------------------------------------


def test_the_receipt_is_emailed_and_the_outbox_forgets_the_code(cast, client_for, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    user = cast["resident_a"].user
    client = client_for("resident_a")
    receipt = _vote(client, BALLOT_OPEN_ID, "1", "2")
    code = TRACKER.search(_text(receipt))
    key = KEY.search(_text(receipt))
    assert code and key
    tracker = code.group(0)
    before = Notification.objects.count()
    typed = tracker.lower().replace("-", " ")  # normalised like the bulletin's search
    sent = client.post(_url(BALLOT_OPEN_ID, "kvittering"), {"tracker": typed, "key": key[1]})
    assert sent.status_code == 200
    assert f"Vi sender koden til {user.email}." in _text(sent)
    assert tracker in _text(sent)
    # The same form again (a double click): one e-mail.
    again = client.post(_url(BALLOT_OPEN_ID, "kvittering"), {"tracker": tracker, "key": key[1]})
    assert again.status_code == 200
    assert Notification.objects.count() == before + 1
    row = Notification.objects.get(kind=services.RECEIPT_KIND)
    assert row.recipient_id == user.pk and row.status == Status.QUEUED
    assert row.context["tracker"] == tracker
    assert tracker not in row.key and tracker.replace("-", "") not in row.key

    mail.outbox.clear()
    call_command("notify_worker", "--once")
    mine = [m for m in mail.outbox if m.to == [user.email]]
    assert len(mine) == 1
    assert tracker in mine[0].body and "Urafstemning om nye altaner" in mine[0].subject
    assert "Ja" not in mine[0].body.split("\n\n")[0]  # the code, not the choice
    row.refresh_from_db()
    assert (row.status, row.context) == (Status.SENT, {})
    stored = repr(list(Notification.objects.values_list("context", "key", "last_error")))
    assert tracker not in stored
    assert tracker not in caplog.text


@pytest.mark.parametrize("typed", ["K7F-3QX-M2P", "ikke en kode", "", "K7F-3QX-M2P-222", "0O1"])
def test_a_receipt_for_a_code_not_of_this_ballot_is_a_400(typed: str, client_for) -> None:
    client = client_for("resident_a")
    before = Notification.objects.count()
    response = client.post(_url(BALLOT_OPEN_ID, "kvittering"), {"tracker": typed})
    assert response.status_code == 400
    assert "Koden findes ikke i denne afstemning." in _text(response)
    assert Notification.objects.count() == before


def test_a_code_of_another_ballot_is_not_sent(client_for) -> None:
    other = BallotEntry.objects.filter(ballot__public_id=BALLOT_COUNTED_ID).first()
    assert other is not None
    response = client_for("resident_a").post(
        _url(BALLOT_OPEN_ID, "kvittering"), {"tracker": other.tracker}
    )
    assert response.status_code == 400
    assert not Notification.objects.filter(kind=services.RECEIPT_KIND).exists()


def test_a_receipt_for_someone_who_turned_it_off_keeps_nothing(cast, client_for) -> None:
    from almen.notify import services as notify_services

    user = cast["resident_a"].user
    notify_services.preferences_set(actor=user, choices={services.RECEIPT_KIND: "off"})
    client = client_for("resident_a")
    tracker = TRACKER.search(_text(_vote(client, BALLOT_OPEN_ID, "1", "1")))
    assert tracker
    sent = client.post(_url(BALLOT_OPEN_ID, "kvittering"), {"tracker": tracker.group(0)})
    assert sent.status_code == 200
    assert "slået den slags e-mails fra" in _text(sent)
    row = Notification.objects.get(kind=services.RECEIPT_KIND)
    assert (row.status, row.context) == (Status.SUPPRESSED, {})


# --- the bulletin ---------------------------------------------------------------------


def lix(text: str) -> float:
    """LIX: words per sentence + 100 × the share of long words (more than 6 letters)."""
    sentences = [s for s in re.split(r"[.!?]+", text) if s.strip()]
    words = re.findall(r"[^\W\d_]+", text)
    long = [w for w in words if len(w) > 6]
    return len(words) / len(sentences) + 100 * len(long) / len(words)


def test_lix_by_hand() -> None:
    # 3 words + 5 words in 2 sentences, 2 long words (afstemning, husstanden) of 8.
    assert lix("Stem i afstemningen. Hver voksen i husstanden stemmer.") == pytest.approx(
        8 / 2 + 100 * 3 / 8
    )


def _danish(texts: Any) -> list[str]:
    """The source strings (Danish is the source language: no catalog of its own)."""
    with translation.override("da"):
        return [str(t) for t in texts]


def test_the_bulletin_is_explained_in_two_plain_sentences() -> None:
    danish = _danish(BULLETIN_EXPLAINED)
    assert len(danish) == 2
    assert all(s.endswith(".") and s.count(".") == 1 for s in danish)
    assert lix(" ".join(danish)) <= 35
    with translation.override("en"):
        english = [str(s) for s in BULLETIN_EXPLAINED]
    assert all(e and e != d for e, d in zip(english, danish, strict=True))


def test_the_bulletin_per_persona(cast, client_for) -> None:
    """Published to everyone: every persona sees the totals and every code with its
    choice, and none sees a household's address or a resident's name."""
    ballot = Ballot.objects.get(public_id=BALLOT_COUNTED_ID)
    entries = list(BallotEntry.objects.filter(ballot=ballot))
    assert len(entries) == 3
    estate = matrix_estate()
    addresses = list(
        Household.objects.filter(unit__estate=estate).values_list("unit__address", flat=True)
    )
    names = list(
        Resident.objects.filter(household__unit__estate=estate).values_list("name", flat=True)
    )
    assert addresses and names
    danish = _danish(BULLETIN_EXPLAINED)
    for persona in cast:
        response = client_for(persona).get(_url(ballot, "opslag"))
        assert response.status_code == 200, persona
        html = _text(response)
        for entry in entries:
            assert entry.tracker in html, persona
        assert re.search(r"<th scope=\"row\">Ja</th>\s*<td[^>]*>4</td>", html), persona
        assert re.search(r"<th scope=\"row\">Nej</th>\s*<td[^>]*>2</td>", html), persona
        assert "Forslaget er vedtaget." in html
        assert ballot.chain_head in html and ballot.chain_head[:16] in html
        assert f"/afstemninger/{BALLOT_COUNTED_ID}/opslag.json" in html
        assert " ".join(danish) in html
        assert 'role="region"' in html and 'tabindex="0"' in html
        for text in addresses + names:
            assert text not in html, (persona, text)


def test_the_bulletin_before_the_count_is_not_there(client_for) -> None:
    assert client_for("resident_a").get(_url(BALLOT_OPEN_ID, "opslag")).status_code == 404
    assert client_for("org_staff").get(_url(BALLOT_OPEN_ID, "opslag")).status_code == 404


NOT_FOUND = "Koden findes ikke i denne afstemning. Tjek, at du har skrevet den rigtigt."


def test_find_your_code(client_for) -> None:
    entry = BallotEntry.objects.filter(ballot__public_id=BALLOT_COUNTED_ID, marks="1").first()
    assert entry is not None
    client = client_for("anonymous")
    url = _url(BALLOT_COUNTED_ID, "opslag")
    typed = entry.tracker.replace("-", "").lower()
    for response in (client.post(url, {"kode": typed}), client.get(url, {"kode": typed})):
        assert response.status_code == 200
        assert "Din stemme er talt med: Ja (2 stemmer)" in _text(response)
        assert NOT_FOUND not in _text(response)
    unknown = client.post(url, {"kode": "K7F-3QX-M2P"})
    malformed = client.post(url, {"kode": "ikke-en-kode"})
    too_long = client.get(url, {"kode": "x" * 5000})
    for response in (unknown, malformed, too_long):
        assert response.status_code == 200
        assert NOT_FOUND in _text(response)
        assert "Din stemme er talt med" not in _text(response)
    # The same answer for a code that is not there and one that cannot be.
    answer = re.compile(r'<div role="status">.*?</div>\s*</div>\s*</div>', re.S)
    assert answer.search(_text(unknown)).group(0) == answer.search(_text(malformed)).group(0)  # type: ignore[union-attr]


def _code(n: int) -> str:
    """Three tracker characters for ``n`` (base 32 in the tracker's alphabet)."""
    alphabet = ballots_box.TRACKER_ALPHABET
    return "".join(alphabet[(n // 32**i) % 32] for i in (2, 1, 0))


def test_the_bulletin_pages_every_code_in_few_queries(
    client_for, django_assert_max_num_queries
) -> None:
    ballot = yes_no_ballot(state=BallotState.PUBLISHED, counted_at=timezone.now())
    BallotEntry.objects.bulk_create(
        BallotEntry(
            ballot=ballot,
            seq=n,
            batch=1,
            tracker=f"AAA-{_code(n)}-ZZZ",
            marks=str(1 + n % 3),
            weight=1 + n % 2,
            prev_hash="0" * 64,
            hash=f"{n:064d}",
        )
        for n in range(1, 121)
    )
    Ballot.objects.filter(pk=ballot.pk).update(tally=ballots_box.tally(ballot))
    client = client_for("resident_a")
    url = _url(ballot, "opslag")
    client.get(url)  # the session and the principal, once
    with django_assert_max_num_queries(12):
        first = client.get(url)
    html = _text(first)
    assert html.count("<code>AAA-") == 50
    assert 'class="pagination"' in html and "Side 1 af 3" in html
    assert "?side=2" in html
    with django_assert_max_num_queries(12):
        last = client.get(url, {"side": "3"})
    assert _text(last).count("<code>AAA-") == 20
    assert client.get(url, {"side": "ikke-et-tal"}).status_code == 200


# --- the residents' panels ------------------------------------------------------------


def test_the_home_and_estate_panels_show_open_and_counted_ballots(cast, client_for) -> None:
    Ballot.objects.filter(public_id=BALLOT_COUNTED_ID).update(counted_at=timezone.now())
    client = client_for("resident_a")
    home = _text(client.get("/"))
    assert "Urafstemning om nye altaner" in home
    assert f'href="/afstemninger/{BALLOT_OPEN_ID}/stem/"' in home and "Stem nu" in home
    assert "I har ikke stemt endnu." in home
    assert f"/afstemninger/{BALLOT_COUNTED_ID}/opslag/" in home
    _vote(client, BALLOT_OPEN_ID, "1", "1")
    assert "I har brugt 1 af 2 stemmer." in _text(client.get("/"))
    estate = _text(client.get("/organisationer/29190909/afdelinger/1/"))
    assert "I har brugt 1 af 2 stemmer." in estate
    _vote(client, BALLOT_OPEN_ID, "1", "1")
    home = _text(client.get("/"))
    assert "I har brugt begge jeres 2 stemmer." in home
    assert f'href="/afstemninger/{BALLOT_OPEN_ID}/stem/"' not in home
    for persona in ("resident_b", "org_staff", "anonymous"):
        assert f"/afstemninger/{BALLOT_OPEN_ID}/stem/" not in _text(client_for(persona).get("/"))
        page = client_for(persona).get("/organisationer/29190909/afdelinger/1/")
        assert f"/afstemninger/{BALLOT_OPEN_ID}/stem/" not in _text(page)


def test_the_panels_take_two_queries_however_many_ballots(
    cast, django_assert_max_num_queries
) -> None:
    p = principal_for(cast["resident_a"].user)
    estate = matrix_estate()
    for _n in range(8):
        ballot = yes_no_ballot()
        household = _household(cast["resident_a"].user)
        ballots_box.cast(ballot=ballot, household=household, user=None, marks=[1], votes=1)
    with django_assert_max_num_queries(2):
        home = manifest.home_ballots_panel(p)
    with django_assert_max_num_queries(2):
        on_estate = manifest.estate_ballots_panel(p, estate)
    # Warm, the ballots come from the cache: only what the household used is read.
    with django_assert_max_num_queries(1):
        warm = manifest.home_ballots_panel(p)
    assert home and on_estate and warm
    assert [(b.pk, b.used) for b in warm["ballots"]] == [(b.pk, b.used) for b in home["ballots"]]
    assert len(home["ballots"]) == 6
    assert all(b.used == 1 for b in home["ballots"] if b.public_id != BALLOT_OPEN_ID)
    assert manifest.home_ballots_panel(principal_for(cast["org_staff"].user)) is None
    assert manifest.estate_ballots_panel(principal_for(cast["resident_b"].user), estate) is None


# --- error reports ----------------------------------------------------------------------


def test_an_error_report_shows_neither_the_choice_nor_the_code(client_for, monkeypatch) -> None:
    """A crash while casting: the report (the ADMINS' e-mail) hides the POST and every
    local variable of the frames below the view."""
    import sys

    from django.core.signals import got_request_exception
    from django.views.debug import ExceptionReporter

    def broken(**kwargs: Any) -> Any:
        chosen_marks = kwargs["marks"]  # a local a report would otherwise show
        raise RuntimeError(f"the box broke ({len(chosen_marks)})")

    monkeypatch.setattr(ballots_box, "cast", broken)
    reports: list[dict[str, Any]] = []

    def report(sender: Any, request: Any, **kwargs: Any) -> None:
        reports.append(ExceptionReporter(request, *sys.exc_info()).get_traceback_data())

    got_request_exception.connect(report)
    try:
        client = client_for("resident_a")
        client.raise_request_exception = False
        _page, nonce = _choose(client, BALLOT_OPEN_ID, "2", "2")
        response = _confirm(client, BALLOT_OPEN_ID, nonce, "2", "2")
    finally:
        got_request_exception.disconnect(report)
    assert response.status_code == 500
    assert len(reports) == 1
    data = reports[0]
    hidden = "'********************'"
    assert dict(data["filtered_POST_items"]) == dict.fromkeys(
        ["marks", "votes", "nonce", "action"], "********************"
    )
    frames = {f["function"]: dict(f["vars"]) for f in data["frames"]}
    assert frames["broken"]["chosen_marks"] == hidden
    assert frames["ballot_vote"]["form"] == hidden
    assert frames["ballot_vote"]["votes"] == hidden


# What the voting pages themselves say (the question is the board's).
PLAIN = {
    "stem": [
        "Jeres husstand har 2 stemmer tilbage.",
        "Hver voksen i husstanden kan afgive én af jeres 2 stemmer, eller én af jer kan "
        "afgive begge.",
        "Din stemme er hemmelig. Ingen kan se, hvad du stemmer.",
    ],
    "bekræft": ["Når du har bekræftet, kan du ikke ændre din stemme."],
    "kvittering": [
        "Skriv koden ned, eller send den til dig selv. Du ser den kun nu.",
        "Når stemmerne er talt op, kan du finde koden på opslagstavlen. Så ser du, at din "
        "stemme er talt med.",
    ],
}


def test_the_voting_pages_speak_plainly(client_for) -> None:
    client = client_for("resident_a")
    pages = {"stem": client.get(_url(BALLOT_OPEN_ID))}
    pages["bekræft"], nonce = _choose(client, BALLOT_OPEN_ID, "1", "2")
    pages["kvittering"] = _confirm(client, BALLOT_OPEN_ID, nonce, "1", "2")
    for name, sentences in PLAIN.items():
        for sentence in sentences:
            assert sentence in _text(pages[name]), (name, sentence)
    assert lix(" ".join(s for texts in PLAIN.values() for s in texts)) <= 35


def test_the_cached_panel_follows_votes_closing_and_new_ballots(
    cast, client_for, django_assert_max_num_queries
) -> None:
    """The panel's ballots are cached per set of estates: a vote shows at once (read
    live), a ballot whose closing time passes leaves the panel, and a new ballot (saved:
    the democracy's version moves) joins it, all on the next request."""
    p = principal_for(cast["resident_a"].user)
    first = manifest.home_ballots_panel(p)
    assert first and BALLOT_OPEN_ID in {b.public_id for b in first["ballots"]}
    later = yes_no_ballot(title="Urafstemning om cykelskur")
    again = manifest.home_ballots_panel(p)
    assert again and later.public_id in {b.public_id for b in again["ballots"]}
    household = _household(cast["resident_a"].user)
    ballots_box.cast(ballot=later, household=household, user=None, marks=[1], votes=1)
    with django_assert_max_num_queries(1):
        voted = manifest.home_ballots_panel(p)
    assert voted and {b.public_id: b.used for b in voted["ballots"]}[later.public_id] == 1
    # Its closing time passes (nothing is saved, the version stays): it leaves the panel.
    with time_machine.travel(later.closes_at + dt.timedelta(minutes=1), tick=False):
        gone = manifest.home_ballots_panel(p)
    assert gone is None or later.public_id not in {b.public_id for b in gone["ballots"]}
