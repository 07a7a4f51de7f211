"""The minutes' and the decision register's pages, persona by persona: what each sees
and must not see, the printed minutes (PDF and DOCX) with every item, bad input on
the forms (a 400 with the message, nothing saved), and query counts that do not grow
with the register."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from docx import Document

from almen.access.policy import principal_for
from almen.conftest import PERSONA_KEYS
from almen.democracy import access
from almen.democracy import minutes_services as ms
from almen.democracy.models import Decision, Forum, Minutes, Outcome
from almen.democracy.testing import DECISION_ID, matrix_estate
from almen.democracy.tests import minutes_data as data
from almen.lib.visibility import Visibility
from almen.register.models import Estate, Organisation

pytestmark = pytest.mark.django_db

CVR = "29190909"


def _url(meeting, suffix: str = "referat/") -> str:
    return f"/moeder/{meeting.public_id}/{suffix}"


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _pdf_text(content: bytes) -> tuple[int, str]:
    pdftotext, pdfinfo = shutil.which("pdftotext"), shutil.which("pdfinfo")
    if pdftotext is None or pdfinfo is None:
        pytest.fail("pdftotext/pdfinfo are missing: apt-get install poppler-utils")
    info = subprocess.run(  # noqa: S603 - a fixed tool, no shell
        [pdfinfo, "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    text = subprocess.run(  # noqa: S603
        [pdftotext, "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    return pages, " ".join(text.split())


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    return "\n".join(p.text for p in document.paragraphs)


# --- the minutes ---------------------------------------------------------------------


def test_residents_cannot_read_unpublished_minutes(client_for) -> None:
    meeting = data.held_meeting()
    ms.minutes_draft(actor=None, meeting=meeting)
    for persona in ("resident_a", "org_board"):
        html = _html(client_for(persona), _url(meeting))
        assert data.PROPOSAL_TITLE not in html and data.NOTE_AOB not in html, persona
        assert "Referatet er ikke offentliggjort endnu" in html
        assert "Lav udkast" not in html
        for suffix in ("referat.pdf", "referat.docx"):
            assert client_for(persona).get(_url(meeting, suffix)).status_code == 404
    for persona in ("estate_board_a", "org_staff"):
        html = _html(client_for(persona), _url(meeting))
        assert data.NOTE_AOB in html and "Udkast – beboerne kan ikke se det endnu" in html
        assert "Lav udkast" in html and "Offentliggør referatet" in html
    assert client_for("resident_b").get(_url(meeting)).status_code == 403
    assert client_for("other_org_staff").get(_url(meeting)).status_code == 404


def test_published_minutes_are_read_by_residents_but_not_by_other_estates(client_for) -> None:
    meeting = data.held_meeting()
    ms.minutes_draft(actor=None, meeting=meeting)
    ms.minutes_publish(actor=None, meeting=meeting)
    html = _html(client_for("resident_a"), _url(meeting))
    assert data.PROPOSAL_TITLE in html and data.ELECTED in html
    assert "Lav udkast" not in html and "rediger" not in html
    assert 'id="punkt-1"' in html and 'id="punkt-5"' in html
    assert client_for("resident_b").get(_url(meeting)).status_code == 403
    board = _html(client_for("estate_board_a"), _url(meeting))
    assert "Lav udkast" not in board  # published minutes are final
    text = Minutes.objects.get(meeting=meeting).text
    client = client_for("estate_board_a")
    assert client.post(_url(meeting, "referat/udkast/"), {"confirm": "yes"}).status_code == 400
    edited = client.post(_url(meeting, "referat/rediger/"), {"text": "Ændret bagefter"})
    assert edited.status_code == 400
    assert "kan ikke ændres" in edited.content.decode()
    assert 'name="text"' not in _html(client, _url(meeting, "referat/rediger/"))
    assert Minutes.objects.get(meeting=meeting).text == text


def test_pdf_and_docx_hold_every_item(client_for) -> None:
    meeting = data.held_meeting()
    ms.minutes_draft(actor=None, meeting=meeting)
    ms.minutes_publish(actor=None, meeting=meeting)
    client = client_for("resident_a")
    pdf = client.get(_url(meeting, "referat.pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    assert "Referat" in pdf["Content-Disposition"]
    pages, text = _pdf_text(pdf.content)
    assert pages >= 1
    docx = _docx_text(client.get(_url(meeting, "referat.docx")).content)
    items = [str(item.title) for item in meeting.items.all()]
    assert len(items) == 9
    for expected in (
        *items,
        meeting.title,
        "Boligselskabet Fællesbo",
        data.PROPOSER,
        data.BOARD_COMMENT,
        data.AMENDMENT,
        data.ELECTED,
        "6 for, 2 imod, 0 blanke",
        "Dirigent",
    ):
        assert expected in text, ("pdf", expected)
        assert expected in docx, ("docx", expected)
    assert "Udkast" not in text and "UDKAST" not in docx


def test_the_managers_print_is_marked_as_a_draft(client_for) -> None:
    meeting = data.held_meeting()
    response = client_for("estate_board_a").get(_url(meeting, "referat.pdf"))
    _pages, text = _pdf_text(response.content)
    assert "Udkast – ikke offentliggjort" in text
    assert data.PROPOSAL_TITLE in text  # the automatic draft, before any is saved
    assert not Minutes.objects.filter(meeting=meeting).exists()  # a GET saves nothing


def test_draft_asks_before_replacing_the_boards_text(client_for) -> None:
    meeting = data.held_meeting()
    client = client_for("estate_board_a")
    assert client.post(_url(meeting, "referat/udkast/")).status_code == 302
    ms.minutes_update(actor=None, meeting=meeting, text="# 1. Vores egen tekst")
    response = client.post(_url(meeting, "referat/udkast/"))
    assert response.status_code == 200 and "Lav et nyt udkast?" in response.content.decode()
    assert Minutes.objects.get(meeting=meeting).text == "# 1. Vores egen tekst"
    assert client.post(_url(meeting, "referat/udkast/"), {"confirm": "yes"}).status_code == 302
    assert data.PROPOSAL_TITLE in Minutes.objects.get(meeting=meeting).text


def test_edit_refuses_what_is_too_long_or_empty(client_for) -> None:
    meeting = data.held_meeting()
    client = client_for("org_staff")
    for text in ("", "x" * 60_001):
        response = client.post(_url(meeting, "referat/rediger/"), {"text": text})
        assert response.status_code == 400
        assert "form-error-message" in response.content.decode()
    assert not Minutes.objects.filter(meeting=meeting).exists()
    page = _html(client, _url(meeting, "referat/rediger/"))
    assert data.PROPOSAL_TITLE in page  # the automatic draft, to start from


def test_late_publication_without_a_reason_is_refused_on_the_form(client_for) -> None:
    meeting = data.held_meeting(days_ago=40)
    ms.minutes_draft(actor=None, meeting=meeting)
    client = client_for("org_staff")
    page = _html(client, _url(meeting, "referat/offentliggoer/"))
    assert "Referatet kommer for sent" in page
    response = client.post(_url(meeting, "referat/offentliggoer/"), {"reason": ""})
    assert response.status_code == 400
    assert "Skriv en begrundelse" in response.content.decode()
    assert Minutes.objects.get(meeting=meeting).published_at is None
    response = client.post(
        _url(meeting, "referat/offentliggoer/"), {"reason": "Dirigenten godkendte sent."}
    )
    assert response.status_code == 302
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.published_at is not None
    assert minutes.late_reason == "Dirigenten godkendte sent."


# --- the decision register -----------------------------------------------------------


def _decisions() -> dict[str, Decision]:
    """Estate A: a board decision not published, one published to the residents; the
    organisation: a board decision, and a public one; estate 2: a published one."""
    estate = matrix_estate()
    organisation = estate.organisation
    other_estate = Estate.objects.get(organisation=organisation, number=2)
    today = timezone.localdate()

    def make(title: str, **kw) -> Decision:
        return Decision.objects.create(
            organisation=organisation,
            decided_on=kw.pop("decided_on", today),
            title=title,
            text=f"{title}.",
            outcome=Outcome.ADOPTED,
            **kw,
        )

    now = timezone.now()
    return {
        "board_internal": make("Intern bestyrelsessag", estate=estate, forum=Forum.ESTATE_BOARD),
        "board_published": make(
            "Ny bænk", estate=estate, forum=Forum.ESTATE_BOARD, published_at=now
        ),
        "org_internal": make("Lønforhandling", forum=Forum.ORGANISATION_BOARD),
        "org_public": make(
            "Ny strategi",
            forum=Forum.ORGANISATION_BOARD,
            visibility=Visibility.PUBLIC,
            published_at=now,
            decided_on=dt.date(2025, 3, 1),
        ),
        "estate2": make(
            "Ny vaskemaskine", estate=other_estate, forum=Forum.ESTATE_BOARD, published_at=now
        ),
    }


def test_visible_decisions_agrees_with_can_read_decision(cast) -> None:
    decisions = _decisions()
    rows = list(Decision.objects.select_related("estate"))
    assert len(rows) >= len(decisions)
    for persona in PERSONA_KEYS:
        p = principal_for(cast[persona].user)
        listed = set(access.visible_decisions(p).values_list("pk", flat=True))
        allowed = {d.pk for d in rows if access.can_read_decision(p, d)}
        assert listed == allowed, persona


def test_estate_register_per_persona(client_for) -> None:
    d = _decisions()
    url = f"/organisationer/{CVR}/afdelinger/1/beslutninger/"
    resident = _html(client_for("resident_a"), url)
    assert d["board_published"].title in resident
    assert d["board_internal"].title not in resident
    assert d["estate2"].title not in resident and d["org_internal"].title not in resident
    assert "Registrér en beslutning" not in resident
    board = _html(client_for("estate_board_a"), url)
    assert d["board_internal"].title in board and "Ikke offentliggjort" in board
    assert "Registrér en beslutning" in board
    assert d["estate2"].title not in board
    assert client_for("resident_b").get(url).status_code == 403


def test_organisation_register_per_persona_and_filters(client_for) -> None:
    d = _decisions()
    url = f"/organisationer/{CVR}/beslutninger/"
    staff = _html(client_for("org_staff"), url)
    for decision in d.values():
        assert decision.title in staff
    assert "Registrér en beslutning" in staff
    board = _html(client_for("org_board"), url)
    assert d["org_internal"].title in board and "Registrér en beslutning" not in board
    filtered = _html(client_for("org_staff"), url + "?forum=organisationsbestyrelse&year=2025")
    assert d["org_public"].title in filtered
    assert d["org_internal"].title not in filtered and d["board_published"].title not in filtered
    estate2 = Estate.objects.get(organisation__cvr=CVR, number=2)
    only = _html(client_for("org_staff"), f"{url}?estate={estate2.pk}")
    assert d["estate2"].title in only and d["board_published"].title not in only
    for bad in ("?year=99999", "?year=1", "?forum=nogen", "?estate=abc", "?estate=999999"):
        response = client_for("org_staff").get(url + bad)
        assert response.status_code == 400, bad
    for persona in ("resident_a", "estate_board_a"):
        assert client_for(persona).get(url).status_code == 403


@pytest.mark.parametrize(
    "url",
    [f"/organisationer/{CVR}/beslutninger/", f"/organisationer/{CVR}/afdelinger/1/beslutninger/"],
)
def test_register_query_count_does_not_grow(url, client_for, django_assert_max_num_queries) -> None:
    client = client_for("org_staff")
    _decisions()
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    estate = matrix_estate()
    for n in range(40):
        Decision.objects.create(
            organisation=estate.organisation,
            estate=estate,
            forum=Forum.RESIDENTS_MEETING,
            decided_on=dt.date(2020 + n % 5, 1, 1),
            title=f"Beslutning {n}",
            text="x",
        )
    with django_assert_max_num_queries(len(one) + 1):
        response = client.get(url)
    assert "Side 1 af 2" in response.content.decode()


def test_decision_form_bad_input_is_a_400_and_saves_nothing(client_for) -> None:
    url = f"/organisationer/{CVR}/afdelinger/1/beslutninger/ny/"
    good = {
        "forum": Forum.ESTATE_BOARD,
        "decided_on": timezone.localdate().isoformat(),
        "title": "Ny bænk",
        "text": "Vi køber en bænk.",
        "readers": ms.READERS_RESIDENTS,
    }
    client = client_for("estate_board_a")
    before = Decision.objects.count()
    for change in (
        {"decided_on": "0001-01-01"},
        {"decided_on": "99999-01-01"},
        {"decided_on": "i går"},
        {"decided_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat()},
        {"title": "x" * 201},
        {"text": "x" * 10_001},
        {"votes_for": "99999999999"},
        {"votes_for": "mange"},
        {"forum": Forum.ORGANISATION_BOARD},
        {"readers": "alle-i-verden"},
    ):
        response = client.post(url, {**good, **change})
        assert response.status_code == 400, change
        assert "form-error-message" in response.content.decode(), change
    assert Decision.objects.count() == before
    response = client.post(url, {**good, "votes_for": "5", "outcome": Outcome.ADOPTED})
    assert response.status_code == 302
    decision = Decision.objects.latest("id")
    assert (decision.votes_for, decision.estate, decision.forum) == (
        5,
        matrix_estate(),
        Forum.ESTATE_BOARD,
    )
    page = _html(client_for("resident_a"), response["Location"])
    assert "Ny bænk" in page and "5 for, 0 imod, 0 blanke" in page


def test_decision_page_links_its_meeting_for_the_meetings_readers(client_for) -> None:
    meeting = data.held_meeting()
    ms.minutes_draft(actor=None, meeting=meeting)
    ms.minutes_publish(actor=None, meeting=meeting)
    decision = Decision.objects.get(meeting=meeting, title=data.PROPOSAL_TITLE)
    url = f"/beslutninger/{decision.public_id}/"
    html = _html(client_for("resident_a"), url)
    assert f'href="/moeder/{meeting.public_id}/referat/#punkt-5"' in html
    assert f'href="/moeder/{meeting.public_id}/"' in html  # the meeting's page
    assert "6 for, 2 imod, 0 blanke" in html and "Vedtaget" in html
    # Public (an afdelingsmøde's decision with its minutes): other estates read the
    # decision, but not the meeting it came from.
    other = _html(client_for("resident_b"), url)
    assert data.PROPOSAL_TITLE in other and f"/moeder/{meeting.public_id}/" not in other
    assert client_for("anonymous").get(url).status_code == 200


def test_the_matrix_decision_is_unaffected(client_for) -> None:
    assert Organisation.objects.filter(cvr=CVR).exists()
    html = _html(client_for("resident_a"), f"/beslutninger/{DECISION_ID}/")
    assert "Afdelingens mål for affaldssortering" in html


def test_the_register_is_reached_from_the_estate_and_organisation_pages(client_for) -> None:
    estate_page = f"/organisationer/{CVR}/afdelinger/1/"
    link = f'href="/organisationer/{CVR}/afdelinger/1/beslutninger/"'
    for persona in ("resident_a", "estate_board_a", "org_staff", "org_board"):
        assert link in _html(client_for(persona), estate_page), persona
    for persona in ("resident_b", "other_org_staff", "anonymous"):
        assert link not in _html(client_for(persona), estate_page), persona
    org_link = f'href="/organisationer/{CVR}/beslutninger/"'
    for persona in ("org_staff", "org_board"):
        assert org_link in _html(client_for(persona), f"/organisationer/{CVR}/"), persona
    for persona in ("resident_a", "estate_board_a", "anonymous"):
        assert org_link not in _html(client_for(persona), f"/organisationer/{CVR}/"), persona


@pytest.mark.parametrize("suffix", ["referat/", "referat/rediger/", "referat.docx"])
def test_minutes_pages_query_count_does_not_grow_with_the_agenda(
    suffix, client_for, django_assert_max_num_queries
) -> None:
    """The page, the edit page (which drafts from the record when nothing is saved) and
    the print read the agenda with its proposals, amendments and candidates in a fixed
    number of queries."""
    from almen.democracy.models import AgendaItem, Amendment, Candidate

    meeting = data.held_meeting()
    client = client_for("org_staff")
    with CaptureQueriesContext(connection) as one:
        assert client.get(_url(meeting, suffix)).status_code == 200
    for n in range(20):
        item = AgendaItem.objects.create(
            meeting=meeting, position=20 + n, kind="andet", title=f"Punkt {n}", outcome="vedtaget"
        )
        Amendment.objects.create(item=item, proposer_name="A", text="x", votes_for=1)
        Candidate.objects.create(item=item, name=f"K{n}", post="medlem", votes=1)
    with django_assert_max_num_queries(len(one) + 1):
        response = client.get(_url(meeting, suffix))
    assert response.status_code == 200
