"""The notices' pages per persona: the estate board sends and sees counts and unit
numbers; the organisation's staff also see the addresses and make the letters."""

from __future__ import annotations

import pytest
from django.urls import reverse

from almen.democracy import notices_services
from almen.democracy.models import (
    Meeting,
    MeetingStatus,
    NoticeDelivery,
    NoticeJob,
    NoticeJobStatus,
)
from almen.democracy.testing import MEETING_ID, RESIDENT_A_EMAIL
from almen.register.models import Household, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting() -> Meeting:
    return Meeting.objects.select_related("organisation", "estate").get(public_id=MEETING_ID)


def _url(name: str, meeting: Meeting, *args: object) -> str:
    return reverse(f"democracy:{name}", args=[meeting.public_id, *args])


def _body(response) -> str:
    return response.content.decode()


def test_the_board_sends_after_a_confirmation(client_for, meeting) -> None:
    board = client_for("estate_board_a")
    page = board.get(_url("notices_send", meeting))
    assert page.status_code == 200
    assert 'name="confirm" value="yes"' in _body(page)
    # A POST without the confirmation only asks again.
    assert board.post(_url("notices_send", meeting)).status_code == 200
    assert not NoticeDelivery.objects.exists()
    response = board.post(_url("notices_send", meeting), {"confirm": "yes"})
    assert response.status_code == 302
    assert response["Location"] == _url("notices", meeting)
    households = NoticeDelivery.objects.filter(meeting=meeting).count()
    assert households > 0
    # Again: nothing twice, and the page says so.
    again = board.post(_url("notices_send", meeting), {"confirm": "yes"}, follow=True)
    assert "allerede fået indkaldelsen" in _body(again)
    assert NoticeDelivery.objects.filter(meeting=meeting).count() == households


def test_a_draft_meeting_is_refused_with_a_message(client_for, meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.DRAFT)
    response = client_for("org_staff").post(_url("notices_send", meeting), {"confirm": "yes"})
    assert response.status_code == 400
    assert "ikke indkaldt" in _body(response)
    assert not NoticeDelivery.objects.exists()


def test_staff_see_addresses_the_board_sees_unit_numbers(client_for, meeting) -> None:
    notices_services.notices_send(actor=None, meeting=meeting, letters_job=False)
    delivery = NoticeDelivery.objects.select_related("household__unit").get(
        meeting=meeting, household__residents__email=RESIDENT_A_EMAIL
    )
    paper = (
        NoticeDelivery.objects.select_related("household__unit")
        .filter(meeting=meeting, channel="papir")
        .first()
    )
    assert paper is not None
    staff = _body(client_for("org_staff").get(_url("notices", meeting)))
    board = _body(client_for("estate_board_a").get(_url("notices", meeting)))
    for body in (staff, board):
        assert delivery.household.unit.number in body
        assert "Sendt på e-mail" in body and "Sendt på papir" in body
    assert RESIDENT_A_EMAIL in staff and paper.address in staff
    assert "Lav brevene (PDF)" in staff
    assert RESIDENT_A_EMAIL not in board
    assert paper.address not in board
    assert "Modtager" not in board
    assert "Lav brevene" not in board
    assert "Adresser vises kun for administrationen" in board


def test_the_page_has_a_bounded_number_of_queries(
    client_for, meeting, django_assert_max_num_queries
) -> None:
    client = client_for("org_staff")
    notices_services.notices_send(actor=None, meeting=meeting, letters_job=False)
    with django_assert_max_num_queries(20) as few:
        client.get(_url("notices", meeting))
    NoticeDelivery.objects.all().delete()
    for n in range(60):
        unit = Unit.objects.create(
            estate=meeting.estate, number=f"Z-{n:02d}", address=f"Zvej {n}", rooms=2, area_m2=50
        )
        Household.objects.create(unit=unit, moved_in="2020-01-01")
    notices_services.notices_send(actor=None, meeting=meeting, letters_job=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_url("notices", meeting))
    assert "Side 1 af 2" in _body(response)


def test_staff_make_the_letters_and_download_them(
    client_for, meeting, django_capture_on_commit_callbacks
) -> None:
    Household.objects.filter(unit__estate=meeting.estate).update(paper_mail=True)
    notices_services.notices_send(actor=None, meeting=meeting, letters_job=False)
    staff = client_for("org_staff")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(_url("notice_letters", meeting))
    assert response.status_code == 302
    job = NoticeJob.objects.get(meeting=meeting)
    assert response["Location"] == _url("notice_job", meeting, job.public_id)
    job.refresh_from_db()
    assert job.status == NoticeJobStatus.DONE and job.progress == 100
    page = staff.get(_url("notice_job", meeting, job.public_id))
    assert "Hent brevene (PDF)" in _body(page)
    download = staff.get(_url("notice_job_download", meeting, job.public_id))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert "attachment" in download["Content-Disposition"]
    # The board may send, but not print the households' addresses.
    board = client_for("estate_board_a")
    assert board.get(_url("notice_job_download", meeting, job.public_id)).status_code == 403
    assert board.post(_url("notice_letters", meeting)).status_code == 403


def test_the_progress_is_polled_while_busy(client_for, meeting) -> None:
    Household.objects.filter(unit__estate=meeting.estate).update(paper_mail=True)
    notices_services.notices_send(actor=None, meeting=meeting, letters_job=False)
    job = NoticeJob.objects.create(meeting=meeting, progress=40, status=NoticeJobStatus.RUNNING)
    staff = client_for("org_staff")
    full = _body(staff.get(_url("notice_job", meeting, job.public_id)))
    assert "<progress" in full and 'value="40"' in full and "hx-get" in full
    partial = staff.get(_url("notice_job", meeting, job.public_id), headers={"HX-Request": "true"})
    body = _body(partial)
    assert "<progress" in body and "<html" not in body
    # The notices page shows the same bar.
    assert 'value="40"' in _body(staff.get(_url("notices", meeting)))


def test_letters_without_households_on_paper_say_so(client_for, meeting) -> None:
    response = client_for("org_staff").post(_url("notice_letters", meeting))
    assert response.status_code == 400
    assert "Ingen husstande skal have brev" in _body(response)
    assert not NoticeJob.objects.exists()


def test_a_resident_downloads_the_meeting_for_the_calendar(client_for, meeting) -> None:
    response = client_for("resident_a").get(_url("meeting_ics", meeting))
    assert response.status_code == 200
    assert meeting.title in response.content.decode()
    assert client_for("resident_b").get(_url("meeting_ics", meeting)).status_code == 403
