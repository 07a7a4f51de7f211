"""The hall's pages as the door's phone sees them: search and check-in, the QR code,
proxies, votes, undo and closing with their confirmations, the estate's rules, the live
count's queries, and what each persona sees (never a list of the roll)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from almen.access.tests import test_matrix as m
from almen.conftest import PERSONA_KEYS
from almen.democracy import checkin, hall_services, services
from almen.democracy import hall_testing as t
from almen.democracy.models import (
    AgendaItem,
    AgendaKind,
    Attendance,
    Decision,
    EstateRules,
    Meeting,
    MeetingStatus,
    Outcome,
)
from almen.democracy.testing import DECISION_ID, MEETING_ID
from almen.register.models import Household, Unit

pytestmark = pytest.mark.django_db

HALL = f"/moeder/{MEETING_ID}/salen/"


@pytest.fixture
def meeting(cast) -> Meeting:
    return Meeting.objects.select_related("estate", "organisation").get(public_id=MEETING_ID)


@pytest.fixture
def hall(meeting: Meeting) -> Iterator[Meeting]:
    with time_machine.travel(meeting.starts_at + dt.timedelta(minutes=30), tick=False):
        yield meeting


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def addresses(meeting: Meeting) -> list[str]:
    return [h.unit.address for h in services.roll(meeting).select_related("unit")]


# --- search and check-in ---------------------------------------------------------------


def test_search_finds_households_and_checks_one_in(hall: Meeting, client_for) -> None:
    client = client_for("estate_board_a")
    household = t.roll_households(hall, 1)[0]
    page = client.get(HALL, {"q": household.unit.number})
    assert page.status_code == 200
    assert household.unit.address in text(page) and "Tjek ind" in text(page)
    adult = household.residents.first()
    response = client.post(
        f"{HALL}tjek-ind/",
        {
            "household": str(household.public_id),
            "residents": [str(adult.public_id)] if adult else [],
            "q": household.unit.number,
        },
    )
    assert response.status_code == 302
    row = Attendance.objects.get(meeting=hall, household=household)
    assert list(row.residents.all()) == ([adult] if adult else [])
    page = client.get(HALL, {"q": household.unit.number})
    assert "Tjekket ind" in text(page) and "Fortryd tjek-ind" in text(page)
    # No birth year is shown, ever.
    born = [r.birth_year for r in household.residents.all() if r.birth_year]
    assert not any(re.search(rf"\b{year}\b", text(page)) for year in born)


def test_checking_in_twice_is_a_danish_400(hall: Meeting, client_for) -> None:
    client = client_for("org_staff")
    household = t.roll_households(hall, 1)[0]
    data = {"household": str(household.public_id)}
    assert client.post(f"{HALL}tjek-ind/", data).status_code == 302
    response = client.post(f"{HALL}tjek-ind/", data)
    assert response.status_code == 400
    assert "allerede tjekket ind" in text(response)
    assert Attendance.objects.filter(meeting=hall).count() == 1


@pytest.mark.parametrize("value", ["", "ikke-en-uuid", "00000000-0000-4000-8000-00000000dead"])
def test_checkin_of_an_unknown_household_is_refused(hall: Meeting, client_for, value) -> None:
    response = client_for("org_staff").post(f"{HALL}tjek-ind/", {"household": value})
    assert response.status_code == 400
    assert not Attendance.objects.filter(meeting=hall).exists()


def test_checkin_of_a_household_of_another_estate_is_refused(hall: Meeting, client_for) -> None:
    other = Household.objects.active().exclude(unit__estate=hall.estate).first()
    assert other is not None
    response = client_for("org_staff").post(f"{HALL}tjek-ind/", {"household": other.public_id})
    assert response.status_code == 400 and "står ikke på listen" in text(response)
    assert not Attendance.objects.filter(meeting=hall).exists()


def test_search_shows_at_most_20_and_nothing_for_one_letter(hall: Meeting, client_for) -> None:
    estate = hall.estate
    units = Unit.objects.bulk_create(
        Unit(estate=estate, number=f"K{n:03}", address=f"Kildevej {n}", area_m2=60, rooms=2)
        for n in range(1, 26)
    )
    Household.objects.bulk_create(Household(unit=u, moved_in=dt.date(2020, 1, 1)) for u in units)
    client = client_for("estate_board_a")
    page = text(client.get(HALL, {"q": "Kildevej"}))
    assert page.count("Kildevej ") == 20
    assert "Mere end 20 husstande passer" in page
    page = text(client.get(HALL, {"q": "K"}))
    assert "Kildevej" not in page and "Skriv mindst 2 tegn" in page


def test_the_hall_page_never_lists_the_roll(hall: Meeting, client_for) -> None:
    for household in t.roll_households(hall, 3):
        hall_services.attendance_checkin(actor=None, meeting=hall, household=household)
    for persona in ("estate_board_a", "org_staff"):
        page = text(client_for(persona).get(HALL))
        assert "every 5s" in page and "salen/antal/" in page
        assert not [a for a in addresses(hall) if a in page]


@pytest.mark.parametrize("persona", ["resident_a", "resident_b", "org_board", "other_org_staff"])
def test_others_see_nothing_of_the_hall(hall: Meeting, client_for, persona: str) -> None:
    client = client_for(persona)
    for path in (HALL + "?q=vej", f"{HALL}antal/"):
        response = client.get(path)
        assert response.status_code in (403, 404)
        page = text(response)
        assert not [a for a in addresses(hall) if a in page]
        assert "Stemmer til stede" not in page


def test_off_day_the_hall_says_when_it_opens_and_offers_no_search(
    meeting: Meeting, client_for
) -> None:
    page = text(client_for("estate_board_a").get(HALL, {"q": "vej"}))
    assert "Salen åbner på mødedagen" in page
    assert 'name="q"' not in page
    assert not [a for a in addresses(meeting) if a in page]


# --- the QR code -----------------------------------------------------------------------


def scan_url(meeting_id: uuid.UUID, household: Household) -> str:
    return checkin.checkin_path(meeting_id=meeting_id, household_id=household.public_id)


def test_the_letters_qr_code_checks_the_household_in(hall: Meeting, client_for) -> None:
    household = t.roll_households(hall, 1)[0]
    client = client_for("estate_board_a")
    url = scan_url(hall.public_id, household)
    page = client.get(url)
    assert page.status_code == 200
    assert household.unit.address in text(page) and "Tjek ind" in text(page)
    response = client.post(url, {"household": str(household.public_id)})
    assert response.status_code == 302
    assert Attendance.objects.filter(meeting=hall, household=household).exists()
    again = client.get(url)
    assert again.status_code == 200 and "allerede tjekket ind" in text(again)
    twice = client.post(url, {"household": str(household.public_id)})
    assert twice.status_code == 400 and "allerede tjekket ind" in text(twice)


def test_a_code_of_another_meeting_or_garbage_is_a_danish_400(hall: Meeting, client_for) -> None:
    household = t.roll_households(hall, 1)[0]
    other = uuid.uuid4()
    foreign = checkin.checkin_token(meeting_id=other, household_id=household.public_id)
    client = client_for("org_staff")
    for token in (foreign, "ikke-en-kode", "x" * 500):
        for method in (client.get, client.post):
            response = method(f"/moeder/{MEETING_ID}/tjek-ind/{token}/")
            assert response.status_code == 400
            assert "Koden kan ikke bruges" in text(response)
    assert not Attendance.objects.filter(meeting=hall).exists()


def test_a_code_for_a_household_not_on_the_roll_is_refused(hall: Meeting, client_for) -> None:
    other = Household.objects.active().exclude(unit__estate=hall.estate).first()
    assert other is not None
    client = client_for("org_staff")
    url = scan_url(hall.public_id, other)
    for method in (client.get, client.post):
        response = method(url, {"household": str(other.public_id)})
        assert response.status_code == 400 and "står ikke på listen" in text(response)
    assert not Attendance.objects.filter(meeting=hall).exists()


@pytest.mark.parametrize("persona", PERSONA_KEYS)
def test_a_valid_code_follows_the_halls_access(hall: Meeting, client_for, persona: str) -> None:
    household = t.roll_households(hall, 1)[0]
    response = client_for(persona).get(scan_url(hall.public_id, household))
    assert response.status_code == m.EXPECTED["moeder/<uuid:meeting_id>/salen/"][persona]
    if response.status_code != 200:
        assert household.unit.address not in text(response)


# --- proxies ---------------------------------------------------------------------------


def test_the_proxy_form_refuses_where_the_estate_has_not_allowed_it(
    hall: Meeting, client_for
) -> None:
    a, b = t.roll_households(hall, 2)
    hall_services.attendance_checkin(actor=None, meeting=hall, household=a)
    client = client_for("estate_board_a")
    assert "ikke besluttet at tillade fuldmagter" in text(client.get(HALL))
    response = client.post(
        f"{HALL}fuldmagt/", {"holder": a.public_id, "represented": b.public_id, "shown": "on"}
    )
    assert response.status_code == 400
    assert "Afdelingsmødet har ikke besluttet at tillade fuldmagter" in text(response)
    assert Attendance.objects.filter(meeting=hall).count() == 1


def test_a_proxy_through_the_hall_page(hall: Meeting, client_for) -> None:
    t.allow_proxies(cap=1)
    a, b, c = t.roll_households(hall, 3)
    hall_services.attendance_checkin(actor=None, meeting=hall, household=a)
    client = client_for("estate_board_a")
    page = text(client.get(HALL, {"holder": a.public_id, "fq": b.unit.number}))
    assert "Fuldmagt til" in page and b.unit.address in page and "Registrér fuldmagt" in page
    not_shown = client.post(f"{HALL}fuldmagt/", {"holder": a.public_id, "represented": b.public_id})
    assert not_shown.status_code == 400 and "skriftlige fuldmagt" in text(not_shown)
    ok = client.post(
        f"{HALL}fuldmagt/", {"holder": a.public_id, "represented": b.public_id, "shown": "on"}
    )
    assert ok.status_code == 302
    over = client.post(
        f"{HALL}fuldmagt/", {"holder": a.public_id, "represented": c.public_id, "shown": "on"}
    )
    assert over.status_code == 400 and "højst 1 pr. husstand" in text(over)
    assert "<strong>4</strong>" in text(client.get(f"{HALL}antal/"))


# --- votes -----------------------------------------------------------------------------


def item(meeting: Meeting, kind: str) -> AgendaItem:
    return t.item_of(meeting, kind)


def test_votes_above_the_votes_present_are_a_400_with_both_numbers(
    hall: Meeting, client_for
) -> None:
    hall_services.attendance_checkin(
        actor=None, meeting=hall, household=t.roll_households(hall, 1)[0]
    )
    budget = item(hall, AgendaKind.BUDGET)
    client = client_for("org_staff")
    url = f"{HALL}punkter/{budget.pk}/afstemning/"
    response = client.post(url, {"votes_for": "2", "votes_against": "1", "outcome": ""})
    assert response.status_code == 400
    assert "Der er afgivet 3 stemmer, men kun 2 stemmer er til stede" in text(response)
    assert not Decision.objects.filter(item=budget).exists()
    ok = client.post(url, {"votes_for": "2", "votes_against": "0", "votes_blank": "0"})
    assert ok.status_code == 302
    budget.refresh_from_db()
    assert budget.outcome == Outcome.ADOPTED
    assert Decision.objects.get(item=budget).votes_for == 2
    assert "Vedtaget" in text(client.get(HALL))


@pytest.mark.parametrize(
    "data",
    [
        {"votes_for": "abc", "votes_against": "0"},
        {"votes_for": "-1", "votes_against": "0"},
        {"votes_for": "99999999999999999999", "votes_against": "0"},
        {"votes_for": "1.5", "votes_against": "0"},
        {"votes_for": "0", "votes_against": "0", "outcome": "valgt"},
        {"votes_for": "0", "votes_against": "0", "outcome": "x" * 300},
        {"outcome": ""},
    ],
)
def test_bad_votes_are_refused_and_nothing_is_saved(hall: Meeting, client_for, data) -> None:
    budget = item(hall, AgendaKind.BUDGET)
    response = client_for("org_staff").post(f"{HALL}punkter/{budget.pk}/afstemning/", data)
    assert response.status_code == 400
    budget.refresh_from_db()
    assert (budget.outcome, budget.votes_for) == ("", None)


def test_an_item_of_another_meeting_is_404(hall: Meeting, client_for) -> None:
    other = t.meeting_today(title="Et andet møde")
    foreign = item(other, AgendaKind.BUDGET)
    response = client_for("org_staff").post(
        f"{HALL}punkter/{foreign.pk}/afstemning/", {"outcome": Outcome.NOTED}
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.outcome == ""


def test_an_election_through_the_hall_page(hall: Meeting, client_for) -> None:
    for household in t.roll_households(hall, 2):
        hall_services.attendance_checkin(actor=None, meeting=hall, household=household)
    election = item(hall, AgendaKind.ELECTION)
    client = client_for("estate_board_a")
    base = f"{HALL}punkter/{election.pk}/"
    assert client.post(f"{base}kandidater/", {"name": "", "post": "medlem"}).status_code == 400
    assert (
        client.post(f"{base}kandidater/", {"name": "x" * 201, "post": "medlem"}).status_code == 400
    )
    assert (
        client.post(f"{base}kandidater/", {"name": "Bo Lund", "post": "medlem"}).status_code == 302
    )
    candidate = election.candidates.get()
    assert "Bo Lund" in text(client.get(HALL))
    response = client.post(
        f"{base}valg/", {f"votes_{candidate.pk}": "3", "elected": [candidate.pk]}
    )
    assert response.status_code == 302
    election.refresh_from_db()
    assert election.outcome == Outcome.ELECTED
    assert "Bo Lund (bestyrelsesmedlem)" in Decision.objects.get(item=election).text


# --- undo and closing ask first ------------------------------------------------------------


def test_undo_asks_then_undoes(hall: Meeting, client_for) -> None:
    household = t.roll_households(hall, 1)[0]
    row = hall_services.attendance_checkin(actor=None, meeting=hall, household=household)
    client = client_for("estate_board_a")
    url = f"{HALL}fremmoede/{row.pk}/fortryd/"
    ask = client.post(url)
    assert ask.status_code == 200 and "Ja, fortryd" in text(ask)
    assert Attendance.objects.filter(pk=row.pk).exists()
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert not Attendance.objects.filter(pk=row.pk).exists()
    assert client.post(url, {"confirm": "yes"}).status_code == 404


def test_closing_asks_then_marks_the_meeting_held(hall: Meeting, client_for) -> None:
    client = client_for("org_staff")
    ask = client.post(f"{HALL}afslut/")
    assert ask.status_code == 200 and "Ja, afslut mødet" in text(ask)
    assert "intet resultat registreret" in text(ask)
    hall.refresh_from_db()
    assert hall.status == MeetingStatus.NOTICED
    assert client.post(f"{HALL}afslut/", {"confirm": "yes"}).status_code == 302
    hall.refresh_from_db()
    assert hall.status == MeetingStatus.HELD
    page = text(client.get(HALL))
    assert "Mødet er afsluttet" in page and "every 5s" not in page
    again = client.post(f"{HALL}afslut/", {"confirm": "yes"})
    assert again.status_code == 400


# --- the estate's rules ------------------------------------------------------------------


def test_staff_allow_proxies_with_the_estates_decision(cast, client_for) -> None:
    client = client_for("org_staff")
    url = "/organisationer/29190909/afdelinger/1/moederegler/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Afdelingens mål for affaldssortering" in text(page)  # the estate's decision
    refused = client.post(url, {"proxies_allowed": "on", "proxy_cap": "1", "proxy_decision": ""})
    assert refused.status_code == 400 and "Vælg beslutningen" in text(refused)
    for cap in ("0", "11", "abc"):
        bad = client.post(
            url, {"proxies_allowed": "on", "proxy_cap": cap, "proxy_decision": str(DECISION_ID)}
        )
        assert bad.status_code == 400
    assert not EstateRules.objects.exists()
    ok = client.post(
        url, {"proxies_allowed": "on", "proxy_cap": "2", "proxy_decision": str(DECISION_ID)}
    )
    assert ok.status_code == 302
    rules = EstateRules.objects.get()
    assert (rules.proxies_allowed, rules.proxy_cap) == (True, 2)
    assert rules.proxy_decision is not None and rules.proxy_decision.public_id == DECISION_ID
    assert "efter beslutningen" in text(client.get(url))


# --- the live count ----------------------------------------------------------------------


def test_the_live_count_fragment_makes_the_same_few_queries_at_any_size(
    hall: Meeting, client_for
) -> None:
    client = client_for("estate_board_a")
    url = f"{HALL}antal/"
    client.get(url)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for household in services.roll(hall):
        hall_services.attendance_checkin(actor=None, meeting=hall, household=household)
    many = queries()
    # The session, the user and their roles (every logged-in request), then the
    # meeting and the two counts.
    assert few == many <= 6
    assert "<strong>0</strong>" not in text(client.get(url))


def test_the_meeting_and_its_count_take_at_most_four_queries(
    hall: Meeting, django_assert_max_num_queries
) -> None:
    from almen.democracy import hall_selectors

    for household in services.roll(hall):
        hall_services.attendance_checkin(actor=None, meeting=hall, household=household)
    with django_assert_max_num_queries(4):
        meeting = Meeting.objects.select_related("organisation", "estate").get(public_id=MEETING_ID)
        count = hall_selectors.hall_count(meeting)
    assert count.votes == 2 * count.on_roll


def test_the_hall_page_makes_a_bounded_number_of_queries(
    hall: Meeting, client_for, django_assert_max_num_queries
) -> None:
    for household in services.roll(hall):
        hall_services.attendance_checkin(actor=None, meeting=hall, household=household)
    client = client_for("estate_board_a")
    with django_assert_max_num_queries(16):
        assert client.get(HALL, {"q": "vej"}).status_code == 200


def test_staff_are_led_to_the_estates_rules_the_board_is_not(hall: Meeting, client_for) -> None:
    rules_url = "/organisationer/29190909/afdelinger/1/moederegler/"
    assert rules_url in text(client_for("org_staff").get(HALL))
    assert rules_url not in text(client_for("estate_board_a").get(HALL))
