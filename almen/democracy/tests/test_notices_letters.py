"""The paper letters: one page per household on paper, with its address and its
check-in QR code; rendered by a background job whose progress reaches 100."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from almen.democracy import checkin, notices_letters, notices_services
from almen.democracy.models import (
    Channel,
    Meeting,
    NoticeDelivery,
    NoticeJob,
    NoticeJobStatus,
    NoticeKind,
)
from almen.democracy.testing import MEETING_ID
from almen.register.models import Household, Resident

pytestmark = pytest.mark.django_db


def pdf_pages(content: bytes) -> list[str]:
    """The text of each page (poppler's pdftotext, as the report packs' tests)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: apt-get install poppler-utils")
    text = subprocess.run(  # noqa: S603 - a fixed tool, no shell
        [tool, "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    return [page.replace("\u00a0", " ") for page in text.split("\f")[:-1]]


@pytest.fixture
def meeting() -> Meeting:
    meeting = Meeting.objects.select_related("organisation", "estate").get(public_id=MEETING_ID)
    Household.objects.filter(unit__estate=meeting.estate).update(paper_mail=True)
    return meeting


@pytest.fixture
def sent(meeting) -> list[notices_letters.Recipient]:
    notices_services.notices_send(actor=None, meeting=meeting, letters_job=False)
    return notices_services.letter_recipients(meeting, NoticeKind.NOTICE)


def test_every_household_on_paper_gets_a_page(meeting, sent) -> None:
    paper = NoticeDelivery.objects.filter(meeting=meeting, channel=Channel.PAPER).count()
    assert len(sent) == paper > 2
    seen: list[int] = []
    pdf, pages = notices_letters.render_pdf(
        meeting, NoticeKind.NOTICE, sent, progress=seen.append, chunk=2
    )
    text = pdf_pages(pdf)
    assert pages == len(text) == len(sent)  # one page per household, chunks joined
    assert seen == sorted(seen) and seen[-1] == 95
    for recipient, page in zip(sent, text, strict=True):
        assert recipient.address in page
        assert recipient.unit_number in page
        for name in recipient.names:
            assert name in page
        assert meeting.place in page
        assert "Vis koden ved indgangen" in page
        assert "Valg af dirigent" in page and "Eventuelt" in page
        assert f"{meeting.timeline.proposals_by.year}" in page
        assert meeting.estate.postal_code in page
        assert meeting.organisation.name in page


def test_pages_drawn_from_shared_and_own_boxes_match_whole_pages(meeting, sent) -> None:
    """The fast path (shared boxes laid out once) reads exactly like whole pages."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fast, _pages = notices_letters.render_pdf(meeting, NoticeKind.NOTICE, sent[:3])
    base = notices_letters.FONT_DIR.as_uri() + "/"
    html = notices_letters.pages_html(
        notices_letters.letter_context(meeting, NoticeKind.NOTICE), sent[:3]
    )
    fonts = FontConfiguration()
    css = CSS(string=notices_letters.stylesheet(), base_url=base, font_config=fonts)
    whole = HTML(string=html, base_url=base).write_pdf(stylesheets=[css], font_config=fonts)
    assert sorted(pdf_pages(fast)[0].split()) == sorted(pdf_pages(whole)[0].split())
    assert [sorted(p.split()) for p in pdf_pages(fast)] == [
        sorted(p.split()) for p in pdf_pages(whole)
    ]


def test_each_page_has_the_households_check_in_code(meeting, sent) -> None:
    # The signed code holds the time it was made: the clock stands still, so that the
    # code made here is the one on the page.
    clock = time_machine.travel(timezone.now(), tick=False)
    clock.start()
    context = notices_letters.letter_context(meeting, NoticeKind.NOTICE)
    html = notices_letters.pages_html(context, sent)
    urls = [notices_letters.checkin_url(meeting, r.household_id) for r in sent]
    clock.stop()
    assert html.count('<img src="data:image/png;base64,') == len(sent)
    for recipient, url in zip(sent, urls, strict=True):
        assert url.startswith("http") and "/tjek-ind/" in url
        assert notices_letters.qr_data_uri(url) in html
        token = url.rsplit("/tjek-ind/", 1)[1].strip("/")
        assert (
            checkin.checkin_household_id(meeting_id=meeting.public_id, token=token)
            == recipient.household_id
        )
    assert notices_letters.login_url() in html


def test_a_household_without_names_is_the_household(meeting, sent) -> None:
    household = Household.objects.get(public_id=sent[0].household_id)
    Resident.objects.filter(household=household).update(name="")
    recipient = notices_services.letter_recipients(meeting, NoticeKind.NOTICE)[0]
    assert recipient.names == ()
    html = notices_letters.pages_html(
        notices_letters.letter_context(meeting, NoticeKind.NOTICE), [recipient]
    )
    assert "Husstanden" in html


def test_the_job_renders_the_letters_and_reaches_100(
    meeting, sent, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = notices_services.notice_job_create(actor=None, meeting=meeting)
    job.refresh_from_db()
    assert job.status == NoticeJobStatus.DONE
    assert job.progress == 100
    assert job.households == len(sent)
    with job.file.open("rb") as f:
        assert len(pdf_pages(f.read())) == len(sent)


def test_sending_starts_the_letters_job(meeting, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        result = notices_services.notices_send(actor=None, meeting=meeting)
    assert result.job is not None
    job = NoticeJob.objects.get(pk=result.job.pk)
    assert job.status == NoticeJobStatus.DONE and job.households == result.paper


def test_no_letters_without_households_on_paper(meeting) -> None:
    with pytest.raises(ValidationError, match="Ingen husstande"):
        notices_services.notice_job_create(actor=None, meeting=meeting)
    assert not NoticeJob.objects.exists()


def test_a_job_asked_for_twice_is_one_job(meeting, sent) -> None:
    first = notices_services.notice_job_create(actor=None, meeting=meeting)
    second = notices_services.notice_job_create(actor=None, meeting=meeting)
    assert first.pk == second.pk and NoticeJob.objects.count() == 1


def test_a_long_agenda_stays_on_one_page(meeting, sent) -> None:
    from almen.democracy.models import AgendaItem, AgendaKind

    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            position=20 + n,
            kind=AgendaKind.PROPOSAL,
            title=f"Forslag nummer {n} om noget, der kræver en lidt længere overskrift",
        )
        for n in range(16)
    )
    pdf, pages = notices_letters.render_pdf(meeting, NoticeKind.NOTICE, sent[:2])
    assert pages == len(pdf_pages(pdf)) == 2
