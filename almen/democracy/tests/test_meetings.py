"""The meetings part: the timeline on the meeting page, the notice and material rules
with their recorded reasons, dates in the past, the extraordinary meeting's fixed
agenda, the agenda's editing, PDF-only material, what each persona sees, the
organisation's overview with its query bound, panels, menu and reminders."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from almen.access.policy import principal_for
from almen.attachments import services as attachment_services
from almen.attachments.models import Attachment
from almen.attachments.tests.files import CSV, PDF
from almen.audit.models import AuditEntry
from almen.democracy import meetings_selectors as selectors
from almen.democracy import meetings_services as msvc
from almen.democracy import services
from almen.democracy.meetings_panels import (
    estate_meetings_panel,
    next_meetings_panel,
    ordinary_due_panel,
)
from almen.democracy.meetings_reminders import meeting_reminders
from almen.democracy.models import AgendaItem, Meeting, MeetingKind, MeetingStatus
from almen.democracy.testing import matrix_estate
from almen.lib import menu
from almen.notify.models import Notification
from almen.register.models import Estate

CPH = ZoneInfo("Europe/Copenhagen")
TODAY = dt.datetime(2027, 3, 1, 9, 0, tzinfo=CPH)
MB = 1024 * 1024


def at(day: dt.date, hour: int = 19) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=CPH)


def make(
    *,
    day: dt.date,
    kind: str = MeetingKind.ORDINARY,
    title: str = "Testmøde",
    estate: Estate | None = None,
) -> Meeting:
    estate = estate or matrix_estate()
    return services.meeting_create(
        actor=None,
        organisation=estate.organisation,
        estate=estate,
        kind=kind,
        title=title,
        starts_at=at(day),
        place="Fælleshuset, Byvej 2",
    )


def detail(meeting: Meeting) -> str:
    return f"/moeder/{meeting.public_id}/"


# --- the timeline ------------------------------------------------------------------


@time_machine.travel(TODAY)
def test_the_meeting_page_shows_the_whole_timeline_with_each_steps_state(cast, client_for) -> None:
    meeting = make(day=dt.date(2027, 5, 20), title="Forårsmødet")
    html = client_for("estate_board_a").get(detail(meeting)).content.decode()
    for label, day in [
        ("Indkaldelse senest", "22. april 2027"),
        ("Forslag senest", "6. maj 2027"),
        ("Materiale senest", "13. maj 2027"),
        ("Mødet", "20. maj 2027"),
        ("Referat senest", "17. juni 2027"),
    ]:
        assert f"<strong>{label}</strong>: <time datetime" in html
        assert day in html
    assert html.count("Kommende") >= 5
    # The minimum agenda, in order.
    positions = [html.index(t) for t in ("Valg af dirigent", "Forretningsorden", "Eventuelt")]
    assert positions == sorted(positions)


def test_step_states_follow_the_dates_and_what_was_done() -> None:
    meeting = Meeting(
        kind=MeetingKind.ORDINARY,
        starts_at=at(dt.date(2027, 5, 20)),
        status=MeetingStatus.NOTICED,
        notice_published_at=at(dt.date(2027, 4, 25), 10),  # after 22 April: late
    )
    states = {s.key: s.state for s in selectors.timeline_steps(meeting, dt.date(2027, 5, 8))}
    assert states == {
        "notice": selectors.DONE_LATE,
        "proposals": selectors.PASSED,
        "material": selectors.SOON,  # 13 May is within 7 days
        "meeting": selectors.UPCOMING,
        "minutes": selectors.UPCOMING,
    }
    states = {s.key: s.state for s in selectors.timeline_steps(meeting, dt.date(2027, 5, 14))}
    assert states["material"] == selectors.LATE
    meeting.status = MeetingStatus.CANCELLED
    assert {s.state for s in selectors.timeline_steps(meeting)} == {selectors.CANCELLED}


# --- the notice ----------------------------------------------------------------------


@time_machine.travel(TODAY)
def test_a_late_notice_is_refused_without_a_reason_and_kept_with_one(cast, client_for) -> None:
    # 3 weeks before an ordinary meeting: the notice was due 4 weeks before.
    meeting = make(day=dt.date(2027, 3, 22), title="Sent indkaldt møde")
    url = f"/moeder/{meeting.public_id}/indkald/"
    client = client_for("estate_board_a")
    page = client.get(url).content.decode()
    assert "Indkaldelsen er for sen" in page
    assert "22. februar 2027" in page  # the deadline, stated
    entries = AuditEntry.objects.count()
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400
    assert "Indkaldelsen er for sen: fristen var 22-02-2027." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DRAFT and meeting.notice_published_at is None
    assert AuditEntry.objects.count() == entries

    reason = "Lokalet brændte; mødet er flyttet med kort varsel."
    response = client.post(url, {"reason": reason})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.NOTICED
    assert meeting.notice_late_reason == reason
    entry = AuditEntry.objects.filter(action="democracy.notice_publish").latest("id")
    assert (entry.after or {})["notice_late_reason"] == reason
    html = client_for("resident_a").get(detail(meeting)).content.decode()
    assert reason in html and "Klaret for sent" in html


@time_machine.travel(TODAY)
def test_a_notice_in_time_needs_no_reason(cast, client_for) -> None:
    meeting = make(day=dt.date(2027, 5, 20))
    response = client_for("org_staff").post(f"/moeder/{meeting.public_id}/indkald/", {})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.NOTICED and meeting.notice_late_reason == ""
    again = client_for("org_staff").post(f"/moeder/{meeting.public_id}/indkald/", {})
    assert again.status_code == 400
    assert "Mødet er allerede indkaldt." in again.content.decode()


@time_machine.travel(TODAY)
def test_moving_a_noticed_meeting_earlier_rechecks_the_notice(cast, client_for) -> None:
    meeting = make(day=dt.date(2027, 5, 20), title="Flyttes")
    services.notice_publish(actor=None, meeting=meeting)  # 1 March, in time
    data = {
        "title": "Flyttes",
        "date": "2027-03-20",  # the notice should then have gone out by 20 February
        "time": "19:00",
        "place": "Fælleshuset, Byvej 2",
        "online_url": "",
        "reason": "",
    }
    url = f"/moeder/{meeting.public_id}/rediger/"
    response = client_for("estate_board_a").post(url, data)
    assert response.status_code == 400
    assert "Indkaldelsen blev sendt 01-03-2027" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.meeting_on == dt.date(2027, 5, 20)
    response = client_for("estate_board_a").post(url, {**data, "reason": "Budgettet haster."})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.meeting_on == dt.date(2027, 3, 20)
    assert meeting.notice_late_reason == "Budgettet haster."


# --- bad dates -----------------------------------------------------------------------


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2027-02-27", "Mødet kan ikke ligge i fortiden."),
        ("0001-01-01", "Datoen skal ligge mellem"),
        ("99999-01-01", "Skriv en gyldig dato."),
        ("i morgen", "Skriv en gyldig dato."),
    ],
)
def test_a_meeting_date_in_the_past_or_out_of_bounds_is_refused(
    day: str, message: str, cast, client_for
) -> None:
    before = Meeting.objects.count()
    response = client_for("estate_board_a").post(
        "/organisationer/29190909/afdelinger/1/moeder/ny/",
        {"kind": "ordinaert", "title": "X", "date": day, "time": "19:00", "place": "Salen"},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Meeting.objects.count() == before


@time_machine.travel(TODAY)
def test_bad_input_on_the_meeting_form_is_a_400_never_a_500(cast, client_for) -> None:
    client = client_for("org_staff")
    url = "/organisationer/29190909/afdelinger/1/moeder/ny/"
    base = {"kind": "ordinaert", "title": "X", "date": "2027-06-01", "time": "19:00", "place": "S"}
    for bad in (
        {"title": "x" * 201},
        {"kind": "organisationsbestyrelse"},  # not an estate's kind
        {"time": "25:99"},
        {"ends": "18:00"},  # before it begins
        {"online_url": "ikke et link"},
        {"place": ""},
    ):
        response = client.post(url, {**base, **bad})
        assert response.status_code == 400, bad
    assert not Meeting.objects.filter(title="X").exists()
    response = client.post(url, base)
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="X")
    assert meeting.items.count() == 8  # the minimum agenda
    assert response["Location"] == detail(meeting)


# --- the agenda ----------------------------------------------------------------------


@time_machine.travel(TODAY)
def test_the_extraordinary_meetings_agenda_is_fixed_once_noticed(cast, client_for) -> None:
    meeting = make(day=dt.date(2027, 4, 20), kind=MeetingKind.EXTRAORDINARY, title="Vaskeriet")
    client = client_for("estate_board_a")
    assert (
        client.post(f"/moeder/{meeting.public_id}/dagsorden/ny/", {"title": "Nyt"}).status_code
        == 302
    )
    services.notice_publish(actor=None, meeting=meeting)
    count = meeting.items.count()
    response = client.post(f"/moeder/{meeting.public_id}/dagsorden/ny/", {"title": "Endnu et"})
    assert response.status_code == 400
    assert "ligger fast, når mødet er indkaldt" in response.content.decode()
    for url, data in [
        (f"/moeder/{meeting.public_id}/dagsorden/1/rediger/", {"title": "Ændret"}),
        (f"/moeder/{meeting.public_id}/dagsorden/1/flyt/", {"direction": "down"}),
        (f"/moeder/{meeting.public_id}/dagsorden/2/fjern/", {"confirm": "yes"}),
    ]:
        assert client.post(url, data).status_code == 400, url
    assert meeting.items.count() == count
    assert meeting.items.get(position=1).title == "Valg af dirigent"
    page = client.get(detail(meeting)).content.decode()
    assert "Tilføj et punkt" not in page


@time_machine.travel(TODAY)
def test_agenda_items_are_added_moved_edited_and_removed(cast) -> None:
    meeting = make(day=dt.date(2027, 5, 20))
    extra = msvc.agenda_item_add(actor=None, meeting=meeting, title="Legepladsen")
    assert extra.position == 9
    msvc.agenda_item_move(actor=None, item=extra, direction="up")
    titles = list(meeting.items.order_by("position").values_list("title", flat=True))
    assert titles[7:] == ["Legepladsen", "Eventuelt"]
    with pytest.raises(ValidationError):
        msvc.agenda_item_move(actor=None, item=meeting.items.get(position=1), direction="up")
    chair = meeting.items.get(position=1)
    msvc.agenda_item_update(actor=None, item=chair, title="Valg af dirigent og referent")
    # A minimum-agenda item is removed only with the explicit yes.
    with pytest.raises(ValidationError) as refused:
        msvc.agenda_item_remove(actor=None, item=chair)
    assert "minimum_confirmed" in refused.value.message_dict
    assert meeting.items.filter(pk=chair.pk).exists()
    msvc.agenda_item_remove(actor=None, item=chair, minimum_confirmed=True)
    positions = list(meeting.items.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, 9))
    assert AuditEntry.objects.filter(action="democracy.agenda_remove").exists()


@time_machine.travel(TODAY)
def test_removing_a_minimum_item_asks_for_the_explicit_yes(cast, client_for) -> None:
    meeting = make(day=dt.date(2027, 5, 20))
    url = f"/moeder/{meeting.public_id}/dagsorden/3/fjern/"
    client = client_for("estate_board_a")
    page = client.get(url).content.decode()
    assert "Punktet hører til mindstedagsordenen" in page
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 400
    assert "Sæt kryds, hvis punktet alligevel skal fjernes." in response.content.decode()
    assert meeting.items.count() == 8
    response = client.post(url, {"confirm": "yes", "minimum_confirmed": "on"})
    assert response.status_code == 302
    assert not meeting.items.filter(title="Afdelingsbestyrelsens beretning").exists()


def test_an_unknown_agenda_position_is_a_404(cast, client_for) -> None:
    meeting = Meeting.objects.get(public_id="00000000-0000-4000-8000-000000000101")
    for position in ("99", "99999999999999999999999"):
        url = f"/moeder/{meeting.public_id}/dagsorden/{position}/rediger/"
        assert client_for("org_staff").get(url).status_code == 404


# --- material ------------------------------------------------------------------------


@time_machine.travel(TODAY)
def test_late_material_needs_a_reason_and_residents_are_told(cast, client_for) -> None:
    meeting = make(day=dt.date(2027, 3, 5), title="Materialetest")  # material by 26 February
    services.notice_publish(actor=None, meeting=meeting, reason="Hastemøde")
    attachment_services.attachment_add(
        actor=cast["org_staff"].user,
        owner=meeting,
        fileobj=io.BytesIO(PDF),
        name="budget.pdf",
        size=len(PDF),
    )
    # Before publication residents see the meeting, not its material.
    resident = client_for("resident_a")
    html = resident.get(detail(meeting)).content.decode()
    assert "budget.pdf" not in html and "ikke offentliggjort endnu" in html
    attachment = Attachment.objects.get(original_name="budget.pdf")
    assert resident.get(f"/bilag/fil/{attachment.public_id}/").status_code == 404
    assert (
        client_for("estate_board_a").get(f"/bilag/fil/{attachment.public_id}/").status_code == 200
    )

    url = f"/moeder/{meeting.public_id}/materiale/offentliggoer/"
    board = client_for("estate_board_a")
    assert "Materialet er for sent" in board.get(url).content.decode()
    response = board.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "det skulle være offentliggjort senest 26-02-2027" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.material_published_at is None
    assert not Notification.objects.filter(kind="democracy.material_published").exists()

    response = board.post(url, {"reason": "Revisor var forsinket."})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.material_late_reason == "Revisor var forsinket."
    entry = AuditEntry.objects.filter(action="democracy.material_publish").latest("id")
    assert (entry.after or {})["material_late_reason"] == "Revisor var forsinket."
    html = resident.get(detail(meeting)).content.decode()
    assert "budget.pdf" in html
    assert resident.get(f"/bilag/fil/{attachment.public_id}/").status_code == 200
    told = set(
        Notification.objects.filter(kind="democracy.material_published").values_list(
            "recipient__email", flat=True
        )
    )
    assert cast["resident_a"].user.email in told
    assert cast["resident_b"].user.email not in told  # another estate's resident
    assert cast["org_staff"].user.email not in told


@time_machine.travel(TODAY)
def test_material_needs_a_noticed_meeting(cast) -> None:
    meeting = make(day=dt.date(2027, 5, 20))
    with pytest.raises(ValidationError, match="skal være indkaldt"):
        msvc.material_publish(actor=None, meeting=meeting)


@time_machine.travel(TODAY)
def test_the_material_takes_pdf_only_and_not_200_mb(cast, client_for, settings) -> None:
    meeting = make(day=dt.date(2027, 5, 20))
    before = Attachment.objects.count()
    with pytest.raises(ValidationError) as too_big:
        attachment_services.attachment_add(
            actor=None, owner=meeting, fileobj=io.BytesIO(PDF), name="stor.pdf", size=200 * MB
        )
    assert "Filen fylder 200 MB. Et bilag må højst fylde 25 MB." in too_big.value.messages[0]
    with pytest.raises(ValidationError, match=r"Her kan kun lægges PDF-filer op\."):
        attachment_services.attachment_add(
            actor=None, owner=meeting, fileobj=io.BytesIO(CSV), name="liste.csv", size=len(CSV)
        )
    # A PDF's name on other bytes is refused by the attachments' own check.
    with pytest.raises(ValidationError):
        attachment_services.attachment_add(
            actor=None, owner=meeting, fileobj=io.BytesIO(CSV), name="liste.pdf", size=len(CSV)
        )
    assert Attachment.objects.count() == before

    from django.test import Client

    from almen.accounts.tests.helpers import login_with_mfa
    from almen.attachments.tests.test_big_upload import MultipartStream, environ

    client = Client(enforce_csrf_checks=True)
    login_with_mfa(client, cast["estate_board_a"].user)
    client.cookies["csrftoken"] = "x" * 32
    body = MultipartStream(200 * MB, "x" * 32)
    response = client.generic("POST", f"/bilag/moede/{meeting.public_id}/", **environ(body))
    assert response.status_code == 413
    assert "Et bilag må højst fylde 25 MB." in response.content.decode()
    assert body.read_bytes == 0

    board = client_for("estate_board_a")
    upload = io.BytesIO(CSV)
    upload.name = "liste.csv"
    response = board.post(f"/bilag/moede/{meeting.public_id}/", {"kind": "andet", "file": upload})
    assert response.status_code == 400
    assert "Her kan kun lægges PDF-filer op." in response.content.decode()
    page = board.get(f"/bilag/moede/{meeting.public_id}/").content.decode()
    assert 'accept=".pdf"' in page
    upload = io.BytesIO(PDF)
    upload.name = "regnskab.pdf"
    response = board.post(f"/bilag/moede/{meeting.public_id}/", {"kind": "andet", "file": upload})
    assert response.status_code == 302
    assert Attachment.objects.filter(original_name="regnskab.pdf").exists()
    # Residents may not add material.
    upload = io.BytesIO(PDF)
    upload.name = "mit.pdf"
    response = client_for("resident_a").post(
        f"/bilag/moede/{meeting.public_id}/", {"kind": "andet", "file": upload}
    )
    assert response.status_code in (403, 404)


# --- who sees what -------------------------------------------------------------------


@time_machine.travel(TODAY)
def test_each_persona_sees_the_meetings_they_may(cast, client_for) -> None:
    noticed = make(day=dt.date(2027, 5, 20), title="Indkaldt forårsmøde")
    services.notice_publish(actor=None, meeting=noticed)
    draft = make(day=dt.date(2027, 6, 10), title="Hemmelig kladde")
    board_meeting = make(
        day=dt.date(2027, 4, 2), kind=MeetingKind.ESTATE_BOARD, title="Bestyrelsens eget møde"
    )
    cancelled_draft = make(day=dt.date(2027, 6, 1), title="Aflyst kladde")
    msvc.meeting_cancel(actor=None, meeting=cancelled_draft)
    estate_1 = "/organisationer/29190909/afdelinger/1/moeder/"

    html = client_for("resident_a").get(estate_1).content.decode()
    assert "Indkaldt forårsmøde" in html
    for hidden in ("Hemmelig kladde", "Bestyrelsens eget møde", "Aflyst kladde", "Nyt møde"):
        assert hidden not in html
    for meeting in (draft, board_meeting, cancelled_draft):
        assert client_for("resident_a").get(detail(meeting)).status_code == 403

    for who in ("estate_board_a", "org_staff"):
        html = client_for(who).get(estate_1).content.decode()
        for shown in (
            "Indkaldt forårsmøde",
            "Hemmelig kladde",
            "Bestyrelsens eget møde",
            "Nyt møde",
        ):
            assert shown in html, (who, shown)
    html = client_for("org_board").get(estate_1).content.decode()
    assert "Hemmelig kladde" in html and "Nyt møde" not in html

    # resident_b lives in estate 2: estate 1's meetings are not theirs.
    assert client_for("resident_b").get(estate_1).status_code == 403
    assert client_for("resident_b").get(detail(noticed)).status_code == 403
    own = client_for("resident_b").get("/organisationer/29190909/afdelinger/2/moeder/")
    assert own.status_code == 200
    assert "Indkaldt forårsmøde" not in own.content.decode()
    assert client_for("other_org_staff").get(detail(noticed)).status_code == 404
    html = client_for("resident_a").get(detail(noticed)).content.decode()
    assert "Ret mødet" not in html and "Flyt op" not in html and "Aflys mødet" not in html
    html = client_for("estate_board_a").get(detail(noticed)).content.decode()
    assert "Ret mødet" in html and "Flyt op" in html and "Offentliggør materialet" in html


@time_machine.travel(TODAY)
def test_the_estate_list_shows_the_ordinary_meetings_due_date(cast, client_for) -> None:
    url = "/organisationer/29190909/afdelinger/1/moeder/"
    estate = matrix_estate()
    due = selectors.ordinary_due(estate, TODAY.date())
    html = client_for("resident_a").get(url).content.decode()
    day = f"{due.day}. "
    assert f"Ordinært afdelingsmøde senest {day}" in html
    Meeting.objects.filter(estate=estate, kind=MeetingKind.ORDINARY).update(
        status=MeetingStatus.CANCELLED
    )
    html = client_for("estate_board_a").get(url).content.decode()
    assert "ikke planlagt endnu" in html
    planned = make(day=due - dt.timedelta(days=10), title="Årets møde")
    html = client_for("estate_board_a").get(url).content.decode()
    assert "Årets ordinære møde er planlagt til" in html
    # A resident learns it is being planned, not the draft's date.
    html = client_for("resident_a").get(url).content.decode()
    assert "ved at blive planlagt" in html
    services.notice_publish(actor=None, meeting=planned)
    assert (
        "Årets ordinære møde er planlagt til" in client_for("resident_a").get(url).content.decode()
    )


def test_the_estate_list_is_paginated_with_a_fixed_number_of_queries(
    cast, client_for, django_assert_max_num_queries
) -> None:
    estate = matrix_estate()
    url = "/organisationer/29190909/afdelinger/1/moeder/"
    client = client_for("resident_a")
    base = dt.datetime(2020, 1, 6, 19, tzinfo=CPH)

    def past(numbers: range) -> None:
        Meeting.objects.bulk_create(
            Meeting(
                organisation=estate.organisation,
                estate=estate,
                kind=MeetingKind.ORDINARY,
                title=f"Gammelt møde {n}",
                starts_at=base + dt.timedelta(days=7 * n),
                place="Salen",
                status=MeetingStatus.HELD,
                notice_published_at=base + dt.timedelta(days=7 * n - 30),
            )
            for n in numbers
        )

    past(range(1))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    past(range(1, 45))
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert "Side 1 af 3" in html
    assert "Gammelt møde 44" in html and "Gammelt møde 0<" not in html


# --- the organisation's overview ----------------------------------------------------


def _estates(n: int, start: int) -> list[Estate]:
    estate = matrix_estate()
    created = Estate.objects.bulk_create(
        Estate(
            organisation=estate.organisation,
            number=start + i,
            name=f"Testafdeling {start + i}",
            municipality_id=estate.municipality_id,
        )
        for i in range(n)
    )
    return list(Estate.objects.filter(pk__in=[e.pk for e in created]))


@time_machine.travel(TODAY)
def test_the_overview_lists_deadlines_at_risk_in_a_fixed_number_of_queries(
    cast, client_for
) -> None:
    client = client_for("org_staff")
    url = "/organisationer/29190909/moeder/"

    def grow(n: int, start: int) -> None:
        for i, estate in enumerate(_estates(n, start)):
            if i % 2:  # a planned ordinary meeting (not at risk for that)
                make(day=dt.date(2027, 9, 1), estate=estate, title=f"Ordinært {estate.number}")
            if i % 3 == 0:  # an extraordinary meeting whose notice is due in days
                make(
                    day=dt.date(2027, 3, 19),
                    kind=MeetingKind.EXTRAORDINARY,
                    estate=estate,
                    title=f"Haster {estate.number}",
                )

    from almen.democracy.opendata import opendata_invalidate

    grow(20, 500)
    client.get(url)
    # Both counts cold: a new data version, so the deadlines are computed, not read from
    # the cache (clearing the cache would also drop the cached session on Redis).
    opendata_invalidate()
    with CaptureQueriesContext(connection) as first:
        html = client.get(url).content.decode()
    assert "Haster 500" in html  # notice due 5 March: within the warning
    assert "Testafdeling 501" not in html.split('id="kalender"')[0]  # planned, nothing due
    assert "Testafdeling 502" in html  # not planned
    grow(30, 600)  # new meetings bump the democracy's data version: the cache is stale
    with CaptureQueriesContext(connection) as second:
        html = client.get(url).content.decode()
    assert "Haster 600" in html
    assert len(second.captured_queries) == len(first.captured_queries)
    assert len(first.captured_queries) <= 12
    with CaptureQueriesContext(connection) as warm:
        assert "Haster 600" in client.get(url).content.decode()
    # Warm: the deadlines and the calendar come from the cache (estates, meetings ×3).
    assert len(warm.captured_queries) == len(first.captured_queries) - 4


@time_machine.travel(TODAY)
def test_deadlines_at_risk_covers_notice_material_and_minutes(cast) -> None:
    estate = matrix_estate()
    notice = make(day=dt.date(2027, 3, 25), title="Indkaldelsen haster")  # notice by 25 Feb
    material = make(day=dt.date(2027, 3, 5), title="Materialet haster")
    services.notice_publish(actor=None, meeting=material, reason="Hastemøde")
    held = Meeting.objects.create(
        organisation=estate.organisation,
        estate=estate,
        kind=MeetingKind.ORDINARY,
        title="Referatet mangler",
        starts_at=at(dt.date(2027, 1, 20)),
        place="Salen",
        status=MeetingStatus.HELD,
        notice_published_at=at(dt.date(2026, 12, 1)),
    )
    rows = {r.estate.pk: r for r in selectors.deadlines_at_risk(estate.organisation_id)}
    found = {(m.title, s.key) for m, s in rows[estate.pk].deadlines}
    assert ("Indkaldelsen haster", "notice") in found
    assert ("Materialet haster", "material") in found
    assert ("Referatet mangler", "minutes") in found
    assert notice.pk and held.pk


# --- panels, menu, reminders ---------------------------------------------------------


@time_machine.travel(TODAY)
def test_home_panels_for_the_board_and_staff_not_residents(cast, client_for) -> None:
    make(day=dt.date(2027, 4, 20), title="Næste bestyrelsesplan")
    for who in ("estate_board_a", "org_staff"):
        p = principal_for(cast[who].user)
        titles = [m.title for m in next_meetings_panel(p)["meetings"]]  # type: ignore[index]
        assert "Næste bestyrelsesplan" in titles
        html = client_for(who).get("/").content.decode()
        assert "Næste møder" in html and "Ordinært afdelingsmøde senest" in html
    for who in ("resident_a", "org_board", "anonymous"):
        p = principal_for(cast[who].user)
        assert next_meetings_panel(p) is None and ordinary_due_panel(p) is None
        assert "Næste møder" not in client_for(who).get("/").content.decode()


def test_the_cached_next_meetings_follow_new_cancelled_and_begun_meetings(cast) -> None:
    """ "Næste møder" is cached per set of estates and organisations until a meeting is
    saved: a new meeting joins it and a cancelled one leaves it on the next request, and
    one that has begun drops out without any save."""
    p = principal_for(cast["estate_board_a"].user)

    def titles() -> list[str]:
        panel = next_meetings_panel(p)
        return [m.title for m in panel["meetings"]] if panel else []

    with time_machine.travel(TODAY, tick=False):
        soon = make(day=dt.date(2027, 3, 2), title="Møde i morgen")
        assert "Møde i morgen" in titles()
        make(day=dt.date(2027, 3, 9), title="Møde om en uge")
        assert {"Møde i morgen", "Møde om en uge"} <= set(titles())
        soon.status = MeetingStatus.CANCELLED
        soon.save(update_fields=["status"])
        assert "Møde i morgen" not in titles()
    with time_machine.travel(at(dt.date(2027, 3, 9), 20), tick=False):
        assert "Møde om en uge" not in titles()


def test_the_estate_page_links_to_its_meetings_for_its_readers(cast, client_for) -> None:
    estate = matrix_estate()
    for who in ("resident_a", "estate_board_a", "org_staff", "org_board"):
        assert estate_meetings_panel(principal_for(cast[who].user), estate) is not None
        html = client_for(who).get("/organisationer/29190909/afdelinger/1/").content.decode()
        assert "Se afdelingens møder" in html, who
    for who in ("resident_b", "other_org_staff", "anonymous"):
        assert estate_meetings_panel(principal_for(cast[who].user), estate) is None
        html = client_for(who).get("/organisationer/29190909/afdelinger/1/").content.decode()
        assert "Se afdelingens møder" not in html, who


def test_the_menu_leads_each_persona_to_their_meetings(cast) -> None:
    def link(who: str) -> str | None:
        found = [x.url for x in menu.links(principal_for(cast[who].user)) if x.label == "Møder"]
        return found[0] if found else None

    assert link("resident_a") == "/organisationer/29190909/afdelinger/1/moeder/"
    assert link("resident_b") == "/organisationer/29190909/afdelinger/2/moeder/"
    assert link("estate_board_a") == "/organisationer/29190909/afdelinger/1/moeder/"
    assert link("org_staff") == "/organisationer/29190909/moeder/"
    assert link("org_board") == "/organisationer/29190909/moeder/"
    for who in ("municipality_officer", "sector_staff", "anonymous"):
        assert link(who) is None


@time_machine.travel(TODAY)
def test_the_reminder_producer_warns_the_board_and_staff_once_per_deadline(cast) -> None:
    meeting = make(day=dt.date(2027, 4, 2), title="Fristen nærmer sig")  # notice by 5 March
    reminders = [r for r in meeting_reminders(TODAY.date()) if str(meeting.public_id) in r.key]
    users = {r.user_id for r in reminders}
    assert cast["estate_board_a"].user.pk in users
    assert cast["org_staff"].user.pk in users
    assert cast["resident_a"].user.pk not in users
    assert {r.kind for r in reminders} == {"democracy.deadline_at_risk"}
    assert {r.key for r in reminders} == {f"{meeting.public_id}:notice:2027-03-05"}
    services.notice_publish(actor=None, meeting=meeting)
    assert not [r for r in meeting_reminders(TODAY.date()) if str(meeting.public_id) in r.key]


@time_machine.travel(TODAY)
def test_cancel_asks_first_and_keeps_the_meeting(cast, client_for) -> None:
    meeting = make(day=dt.date(2027, 5, 20), title="Aflyses")
    url = f"/moeder/{meeting.public_id}/aflys/"
    client = client_for("estate_board_a")
    assert "Ja, aflys mødet" in client.get(url).content.decode()
    assert client.post(url, {}).status_code == 200  # no confirm: only asks
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DRAFT
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert client.post(url, {"confirm": "yes"}).status_code == 400
    assert AgendaItem.objects.filter(meeting=meeting).count() == 8


def test_the_meetings_pages_read_in_english(cast, client_for) -> None:
    from django.conf import settings

    client = client_for("estate_board_a")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/organisationer/29190909/afdelinger/1/moeder/").content.decode()
    assert "Upcoming meetings" in html and "Ordinary residents' meeting by" in html
    html = client.get("/moeder/00000000-0000-4000-8000-000000000101/").content.decode()
    assert "Timeline" in html and "Notice by" in html and "Agenda" in html


@time_machine.travel(dt.datetime(2027, 8, 30, 9, 0, tzinfo=CPH))
def test_an_unplanned_ordinary_meeting_is_reminded_as_its_last_notice_day_nears(cast) -> None:
    estate_2 = Estate.objects.get(organisation__cvr="29190909", number=2)
    estate_1 = matrix_estate()
    reminders = list(meeting_reminders(dt.date(2027, 8, 30)))
    ordinary = [r for r in reminders if ":ordinary:" in r.key]
    # Calendar year: due by 30 September, so the notice must go out by 2 September.
    keys = {r.key for r in ordinary}
    assert f"{estate_2.public_id}:ordinary:2027-09-02" in keys
    assert not any(str(estate_1.public_id) in k for k in keys)  # estate 1 has planned it
    to_estate_2 = {r.user_id for r in ordinary if str(estate_2.public_id) in r.key}
    assert cast["org_staff"].user.pk in to_estate_2
    assert cast["estate_board_a"].user.pk not in to_estate_2
    assert cast["resident_b"].user.pk not in to_estate_2


def test_a_resident_sees_the_next_noticed_meeting_of_their_estate_on_the_home_page(
    cast, client_for
) -> None:
    """resident_a's estate has the matrix meeting (noticed); a draft is not shown, and
    resident_b (estate 2) sees none of estate 1's."""
    from almen.democracy.meetings_panels import residents_meeting_panel
    from almen.democracy.testing import MEETING_ID

    make(day=dt.date(2027, 1, 2), title="Kladde, som beboerne ikke ser")
    html = client_for("resident_a").get("/").content.decode()
    assert "Næste afdelingsmøde" in html
    assert f"/moeder/{MEETING_ID}/" in html
    assert "Kladde, som beboerne ikke ser" not in html
    other = client_for("resident_b").get("/").content.decode()
    assert "Næste afdelingsmøde" in other and f"/moeder/{MEETING_ID}/" not in other
    assert "Der er ikke indkaldt til et afdelingsmøde endnu" in other
    for who in ("estate_board_a", "org_staff", "anonymous"):
        assert residents_meeting_panel(principal_for(cast[who].user)) is None
