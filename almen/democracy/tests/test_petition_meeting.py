"""A reached petition's extraordinary meeting, created from the petition page, marks the
petition as called and points at it (issue 8's gap)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from almen.democracy.models import Meeting, MeetingKind, PetitionStatus
from almen.democracy.tests import proposals_helpers as h

pytestmark = pytest.mark.django_db

URL = "/organisationer/29190909/afdelinger/1/moeder/ny/"


def _reached():
    petition = h.petition(threshold=1)
    petition.status = PetitionStatus.REACHED
    petition.reached_at = timezone.now()
    petition.call_by = timezone.localdate() + dt.timedelta(days=14)
    petition.save()
    return petition


def _post(client, petition, kind: str = MeetingKind.EXTRAORDINARY):
    day = timezone.localdate() + dt.timedelta(days=20)
    return client.post(
        f"{URL}?underskrifter={petition.public_id}",
        {
            "kind": kind,
            "title": petition.topic,
            "date": day.isoformat(),
            "time": "19:00",
            "place": "Fælleshuset",
        },
    )


def test_the_petition_page_offers_the_meeting_and_the_form_is_prefilled(client_for) -> None:
    petition = _reached()
    board = client_for("estate_board_a")
    page = board.get(f"/underskrifter/{petition.public_id}/").content.decode()
    assert f"?underskrifter={petition.public_id}" in page
    form = board.get(f"{URL}?underskrifter={petition.public_id}").content.decode()
    assert petition.topic in form
    assert 'value="ekstraordinaert" selected' in form or 'ekstraordinaert" selected' in form
    # Residents see no such button.
    resident = client_for("resident_a").get(f"/underskrifter/{petition.public_id}/")
    assert "?underskrifter=" not in resident.content.decode()


def test_creating_the_meeting_marks_the_petition_called(client_for) -> None:
    petition = _reached()
    response = _post(client_for("estate_board_a"), petition)
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get(petition=petition)
    assert meeting.kind == MeetingKind.EXTRAORDINARY
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.CALLED


def test_an_ordinary_meeting_does_not_answer_the_petition(client_for) -> None:
    petition = _reached()
    response = _post(client_for("estate_board_a"), petition, kind=MeetingKind.ORDINARY)
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.REACHED
    assert not Meeting.objects.filter(petition=petition).exists()


@pytest.mark.parametrize("value", ["nonsense", "00000000-0000-4000-8000-000000000999", "'"])
def test_an_unknown_petition_in_the_link_is_ignored(client_for, value: str) -> None:
    response = client_for("estate_board_a").get(f"{URL}?underskrifter={value}")
    assert response.status_code == 200
