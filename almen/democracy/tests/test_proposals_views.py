"""The pages of proposals and petitions: what each persona sees and must not see, bad
input as a Danish 400, and query counts that do not grow with the data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from almen.democracy import proposals_services as ps
from almen.democracy.models import (
    AgendaKind,
    Amendment,
    Meeting,
    MeetingKind,
    Petition,
    PetitionSignature,
    PetitionStatus,
    Proposal,
    ProposalStatus,
    ProposalSupport,
)
from almen.democracy.testing import MEETING_ID, PETITION_ID, PROPOSAL_ID, matrix_estate
from almen.democracy.tests import proposals_helpers as h

pytestmark = pytest.mark.django_db

MATRIX_PROPOSAL = "Cykelskur ved blok 3"


def _text(response) -> str:
    return response.content.decode()


def _board_proposal(cast, meeting: Meeting, *, title: str = "Bestyrelsens hund") -> Proposal:
    return ps.proposal_submit(
        actor=cast["estate_board_a"].user, meeting=meeting, title=title, text="Om hunde."
    )


# --- the list of a meeting's proposals ------------------------------------------------


def test_meeting_proposals_per_persona(cast, client_for) -> None:
    meeting = Meeting.objects.get(public_id=MEETING_ID)
    hidden = _board_proposal(cast, meeting, title="Ikke behandlet endnu")
    accepted = _board_proposal(cast, meeting, title="Optaget forslag")
    ps.proposal_handle(actor=None, proposal=accepted, action=ps.ACCEPT)
    url = f"/moeder/{MEETING_ID}/forslag/"

    mine = _text(client_for("resident_a").get(url))
    assert MATRIX_PROPOSAL in mine  # their own
    assert "Optaget forslag" in mine  # accepted, meeting noticed
    assert hidden.title not in mine  # someone else's, not accepted
    assert "Behandl" not in mine

    staff = client_for("org_staff").get(url)
    assert staff.status_code == 200
    for title in (MATRIX_PROPOSAL, "Optaget forslag", hidden.title):
        assert title in _text(staff)
    assert "Behandl" in _text(staff)
    budget = meeting.items.get(kind=AgendaKind.BUDGET)
    assert f"/dagsorden/{budget.position}/aendringsforslag/ny/" in _text(staff)
    assert "aendringsforslag" not in mine
    # The meeting's page leads to its proposals.
    assert url in _text(client_for("resident_a").get(f"/moeder/{MEETING_ID}/"))

    outsider = client_for("resident_b").get(url)
    assert outsider.status_code == 403
    assert MATRIX_PROPOSAL not in _text(outsider)


def test_meeting_proposals_shows_late_flag_and_kept_proposals_to_the_board(
    cast, client_for
) -> None:
    late_meeting = h.meeting(days=10)
    late = ps.proposal_submit(
        actor=cast["resident_a"].user, meeting=late_meeting, title="Kom for sent", text="x"
    )
    page = _text(client_for("estate_board_a").get(f"/moeder/{late_meeting.public_id}/forslag/"))
    assert "Kom for sent" in page
    assert "kom efter fristen" in page
    # The next meeting lists it under "kept from earlier meetings", with a link to put it
    # on this agenda.
    later = h.meeting(days=90)
    page = _text(client_for("estate_board_a").get(f"/moeder/{later.public_id}/forslag/"))
    assert "Gemt fra tidligere møder" in page
    assert f"/forslag/{late.public_id}/behandl/?moede={later.public_id}" in page
    # Residents see no kept list.
    page = _text(client_for("resident_a").get(f"/moeder/{later.public_id}/forslag/"))
    assert "Gemt fra tidligere møder" not in page


@pytest.mark.parametrize("persona", ["resident_a", "org_staff"])
def test_meeting_proposals_queries_do_not_grow(cast, client_for, persona) -> None:
    meeting = h.meeting(days=60)
    browser = client_for(persona)
    url = f"/moeder/{meeting.public_id}/forslag/"

    def count() -> int:
        # A warm page: the menu's places are cached after the first request.
        browser.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert browser.get(url).status_code == 200
        return len(ctx.captured_queries)

    ps.proposal_submit(actor=cast["resident_a"].user, meeting=meeting, title="Et", text="1")
    household = ps.current_household(cast["resident_a"].user, matrix_estate())
    assert household is not None
    few = count()
    for n in range(12):
        proposal = ps.proposal_submit(
            actor=h.resident_user(), meeting=meeting, title=f"Forslag {n}", text="x"
        )
        if n % 2:
            ps.proposal_handle(actor=None, proposal=proposal, action=ps.ACCEPT)
        ProposalSupport.objects.create(proposal=proposal, household=household)
    many = count()
    assert many == few
    assert many <= 8, many


# --- a proposal's page, co-signing, handling ----------------------------------------


def test_proposal_detail_per_persona(cast, client_for) -> None:
    url = f"/forslag/{PROPOSAL_ID}/"
    own = client_for("resident_a").get(url)
    assert own.status_code == 200
    body = _text(own)
    assert MATRIX_PROPOSAL in body and "Fatima Hansen" in body
    assert "Skriv under for min husstand" not in body  # their own household's proposal
    assert "Behandl forslaget" not in body

    board = _text(client_for("estate_board_a").get(url))
    assert "Skriv under for min husstand" in board  # lives in the estate
    assert "Behandl forslaget" in board

    staff = _text(client_for("org_staff").get(url))
    assert "Behandl forslaget" in staff
    assert "Skriv under for min husstand" not in staff  # no household there

    denied = client_for("resident_b").get(url)
    assert denied.status_code == 403
    assert MATRIX_PROPOSAL not in _text(denied)


def test_unaccepted_proposal_of_another_resident_is_hidden(cast, client_for) -> None:
    meeting = Meeting.objects.get(public_id=MEETING_ID)
    other = _board_proposal(cast, meeting)
    assert client_for("resident_a").get(f"/forslag/{other.public_id}/").status_code == 403
    ps.proposal_handle(actor=None, proposal=other, action=ps.ACCEPT)
    page = client_for("resident_a").get(f"/forslag/{other.public_id}/")
    assert page.status_code == 200
    assert "Skriv under for min husstand" in _text(page)


def test_co_sign_twice_is_a_danish_400(cast, client_for) -> None:
    browser = client_for("estate_board_a")
    url = f"/forslag/{PROPOSAL_ID}/medunderskriv/"
    assert browser.post(url).status_code == 302
    again = browser.post(url)
    assert again.status_code == 400
    assert "allerede skrevet under" in _text(again)
    assert ProposalSupport.objects.filter(proposal__public_id=PROPOSAL_ID).count() == 1
    page = _text(browser.get(f"/forslag/{PROPOSAL_ID}/"))
    assert "1 husstand" in page
    assert "Træk husstandens underskrift tilbage" in page
    assert browser.post(f"/forslag/{PROPOSAL_ID}/medunderskriv/traek-tilbage/").status_code == 302
    assert not ProposalSupport.objects.filter(proposal__public_id=PROPOSAL_ID).exists()


def test_proposal_create_page_names_the_proposer_and_the_gdpr_note(cast, client_for) -> None:
    page = _text(client_for("resident_a").get(f"/moeder/{MEETING_ID}/forslag/ny/"))
    assert "Dit navn kommer med i materialet og referatet" in page
    assert "Fatima Hansen" in page
    assert 'name="title"' in page and 'name="text"' in page


def test_proposal_create_late_tells_the_resident_it_is_kept(cast, client_for) -> None:
    meeting = h.meeting(days=10)
    browser = client_for("resident_a")
    url = f"/moeder/{meeting.public_id}/forslag/ny/"
    assert "Fristen for forslag er gået" in _text(browser.get(url))
    response = browser.post(url, {"title": "Sent forslag", "text": "Kom for sent."}, follow=True)
    assert "gemmes til det næste afdelingsmøde" in _text(response)
    proposal = Proposal.objects.get(title="Sent forslag")
    assert (proposal.late, proposal.status) == (True, ProposalStatus.DEFERRED)


def test_proposal_create_refusals_are_danish_400s(cast, client_for) -> None:
    browser = client_for("resident_a")
    extraordinary = h.meeting(kind=MeetingKind.EXTRAORDINARY, days=30)
    response = browser.post(
        f"/moeder/{extraordinary.public_id}/forslag/ny/", {"title": "X", "text": "Y"}
    )
    assert response.status_code == 400
    assert "fast dagsorden" in _text(response)
    url = f"/moeder/{MEETING_ID}/forslag/ny/"
    for data in (
        {"title": "", "text": "Y"},
        {"title": "x" * 201, "text": "Y"},
        {"title": "T", "text": "x" * 10_001},
    ):
        response = browser.post(url, data)
        assert response.status_code == 400, data
        assert "form-error-message" in _text(response)
    assert not Proposal.objects.filter(meeting=extraordinary).exists()
    assert Proposal.objects.filter(meeting__public_id=MEETING_ID).count() == 1


def test_handle_accept_and_bad_meeting(cast, client_for) -> None:
    browser = client_for("estate_board_a")
    url = f"/forslag/{PROPOSAL_ID}/behandl/"
    response = browser.post(url, {"action": "accept", "meeting": "ikke-et-id"})
    assert response.status_code == 400
    response = browser.post(
        url, {"action": "accept", "meeting": "00000000-0000-4000-8000-000000000999"}
    )
    assert response.status_code == 400 and "Mødet findes ikke" in _text(response)
    assert browser.post(url, {"action": "reject"}).status_code == 400  # no comment
    assert browser.post(url, {"action": "hop"}).status_code == 400
    assert browser.post(url, {"action": "accept", "comment": "Godt"}).status_code == 302
    proposal = Proposal.objects.get(public_id=PROPOSAL_ID)
    assert proposal.status == ProposalStatus.ACCEPTED
    assert proposal.agenda_item.kind == AgendaKind.PROPOSAL
    page = _text(client_for("resident_a").get(f"/forslag/{PROPOSAL_ID}/"))
    assert "Godt" in page and "Optaget på dagsordenen" in page


def test_amendment_recorded_and_empty_refused(cast, client_for) -> None:
    meeting = Meeting.objects.get(public_id=MEETING_ID)
    item = meeting.items.get(kind=AgendaKind.BUDGET)
    url = f"/moeder/{MEETING_ID}/dagsorden/{item.position}/aendringsforslag/ny/"
    browser = client_for("org_staff")
    assert browser.post(url, {"proposer_name": "", "text": ""}).status_code == 400
    assert browser.post(url, {"proposer_name": "Anne", "text": "1 % mindre"}).status_code == 302
    assert Amendment.objects.filter(item=item).count() == 1
    assert "Anne" in _text(browser.get(url))
    for position in (0, 999, 40_000, 2**40):
        missing = browser.get(f"/moeder/{MEETING_ID}/dagsorden/{position}/aendringsforslag/ny/")
        assert missing.status_code == 404, position


# --- petitions -----------------------------------------------------------------------


def test_petition_page_per_persona(cast, client_for) -> None:
    url = f"/underskrifter/{PETITION_ID}/"
    page = _text(client_for("resident_a").get(url))
    assert "Ekstraordinært møde om vaskeriet" in page
    assert "<progress" in page
    assert "Skriv under for min husstand" in page
    staff = _text(client_for("org_staff").get(url))
    assert "<progress" in staff
    assert "Skriv under for min husstand" not in staff
    denied = client_for("resident_b").get(url)
    assert denied.status_code == 403
    assert "vaskeriet" not in _text(denied)


def test_sign_twice_is_a_danish_400_and_resident_b_cannot_sign(cast, client_for) -> None:
    browser = client_for("resident_a")
    url = f"/underskrifter/{PETITION_ID}/underskriv/"
    assert browser.post(url).status_code == 302
    again = browser.post(url)
    assert again.status_code == 400
    assert "allerede skrevet under" in _text(again)
    assert client_for("resident_b").post(url).status_code == 403
    assert (
        PetitionSignature.objects.filter(
            petition__public_id=PETITION_ID, withdrawn_at__isnull=True
        ).count()
        == 1
    )
    page = _text(browser.get(f"/underskrifter/{PETITION_ID}/"))
    assert "Træk husstandens underskrift tilbage" in page


def test_reached_petition_shows_the_deadline_and_locks(cast, client_for) -> None:
    petition = Petition.objects.get(public_id=PETITION_ID)
    Petition.objects.filter(pk=petition.pk).update(threshold=2)
    client_for("resident_a").post(f"/underskrifter/{PETITION_ID}/underskriv/")
    client_for("estate_board_a").post(f"/underskrifter/{PETITION_ID}/underskriv/")
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.REACHED
    call_by = timezone.localdate() + dt.timedelta(days=14)
    assert petition.call_by == call_by
    browser = client_for("resident_a")
    page = _text(browser.get(f"/underskrifter/{PETITION_ID}/"))
    assert "Mødet skal indkaldes senest" in page
    assert "14 dage tilbage" in page
    assert "Underskrifterne er låst" in page
    response = browser.post(f"/underskrifter/{PETITION_ID}/traek-tilbage/")
    assert response.status_code == 400
    assert "låst" in _text(response)


def test_petition_create_and_list(cast, client_for) -> None:
    browser = client_for("resident_a")
    base = "/organisationer/29190909/afdelinger/1/underskrifter/"
    assert browser.post(base + "ny/", {"topic": "", "text": ""}).status_code == 400
    response = browser.post(base + "ny/", {"topic": "Legepladsen", "text": "Et møde, tak."})
    assert response.status_code == 302
    petition = Petition.objects.get(topic="Legepladsen")
    assert PetitionSignature.objects.filter(petition=petition).count() == 1
    listing = _text(browser.get(base))
    assert "Legepladsen" in listing and "Ekstraordinært møde om vaskeriet" in listing
    assert client_for("resident_b").get(base).status_code == 403
    assert client_for("org_board").get(base + "ny/").status_code == 403


def test_estate_petitions_queries_do_not_grow(cast, client_for) -> None:
    browser = client_for("resident_a")
    url = "/organisationer/29190909/afdelinger/1/underskrifter/"

    def count() -> int:
        # A warm page: the menu's places are cached after the first request.
        browser.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert browser.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for _ in range(10):
        petition = h.petition()
        ps.petition_sign(actor=h.resident_user(), petition=petition)
    assert count() == few
    assert few <= 10, few


def test_estate_page_shows_petitions_to_its_residents_only(cast, client_for) -> None:
    url = "/organisationer/29190909/afdelinger/1/"
    page = _text(client_for("resident_a").get(url))
    assert "Ekstraordinært møde om vaskeriet" in page
    assert "Start en underskriftsindsamling" in page
    staff = _text(client_for("org_staff").get(url))
    assert "Ekstraordinært møde om vaskeriet" in staff
    assert "Start en underskriftsindsamling" not in staff
    for persona in ("resident_b", "other_org_staff", "anonymous"):
        assert "vaskeriet" not in _text(client_for(persona).get(url)), persona


def test_petition_and_proposal_pages_speak_english(cast, client_for) -> None:
    user = cast["resident_a"].user
    user.language = "en"
    user.save(update_fields=["language"])
    browser = client_for("resident_a")
    petition = _text(browser.get(f"/underskrifter/{PETITION_ID}/"))
    assert "Sign for my household" in petition
    assert "households needed have signed" in petition
    create = _text(browser.get(f"/moeder/{MEETING_ID}/forslag/ny/"))
    assert "Your name appears in the material and the minutes" in create
