"""Uploading, downloading and removing through the pages: the happy path end to end,
and every bad input answered with a Danish message and a 4xx, with nothing stored."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from almen.accounts.tests.helpers import login_with_mfa
from almen.attachments.models import Attachment, ScanStatus
from almen.attachments.tests import files
from almen.audit.models import AuditEntry
from almen.lib import versions


@pytest.fixture
def staff(cast) -> Client:
    client = Client(enforce_csrf_checks=True)
    login_with_mfa(client, cast["org_staff"].user)
    client.cookies["csrftoken"] = "x" * 32
    return client


def post(client: Client, url: str, name: str, data: bytes, kind: str = "referat"):
    return client.post(
        url,
        {"csrfmiddlewaretoken": "x" * 32, "kind": kind, "file": SimpleUploadedFile(name, data)},
    )


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "attachments"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_upload_download_remove_round_trip(staff, goal, cast) -> None:
    url = f"/bilag/maal/{goal.public_id}/"
    photo = files.image("PNG")
    response = post(staff, url, "Legeplads før.png", photo, kind="foto")
    assert response.status_code == 302
    assert response["Location"] == f"/maal/{goal.public_id}/#bilag"
    attachment = Attachment.objects.get(original_name="Legeplads før.png")
    assert (attachment.kind, attachment.mime_type, attachment.size) == (
        "foto",
        "image/png",
        len(photo),
    )
    assert attachment.uploaded_by == cast["org_staff"].user
    assert attachment.scan_status == ScanStatus.NOT_SCANNED  # no scanner configured
    # The bytes are in the storage under our id, not the person's file name.
    name = str(attachment.file.name)
    assert name.startswith("attachments/")
    assert name.endswith(f"{attachment.public_id}.png")
    assert Path(settings.MEDIA_ROOT, name).read_bytes() == photo
    entry = AuditEntry.objects.get(
        object_type="attachments.attachment", object_id=str(attachment.pk), action="create"
    )
    assert entry.after is not None and entry.after["sha256"] == attachment.sha256
    assert entry.actor == cast["org_staff"].user
    assert entry.organisation_id == goal.organisation_id

    # Listed on the goal page, with kind, size, who and when.
    page = staff.get(f"/maal/{goal.public_id}/").content.decode()
    assert "Legeplads før.png" in page and "Foto" in page
    assert cast["org_staff"].user.name in page
    assert f'href="/bilag/fil/{attachment.public_id}/"' in page

    # Downloaded as a file, never shown inline, with the type found in its bytes.
    download = staff.get(f"/bilag/fil/{attachment.public_id}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == photo
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Legeplads%20f%C3%B8r.png" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"

    # Removed after a confirmation page; audited; the bytes go once committed.
    confirm = staff.get(f"/bilag/fil/{attachment.public_id}/slet/")
    assert "Ja, slet bilaget" in confirm.content.decode()
    with django_capture_on_commit() as callbacks:
        removed = staff.post(
            f"/bilag/fil/{attachment.public_id}/slet/", {"csrfmiddlewaretoken": "x" * 32}
        )
    assert removed.status_code == 302
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert AuditEntry.objects.filter(action="delete", object_id=str(attachment.pk)).exists()
    assert len([c for c in callbacks if not isinstance(c, versions.Bump)]) == 1
    assert not Path(settings.MEDIA_ROOT, name).exists()


def django_capture_on_commit():
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("referat.pdf", files.EXE, "Filen hedder .pdf, men indholdet er ikke en PDF-fil"),
        ("foto.png", files.HTML, "Filen hedder .png, men indholdet er ikke en PNG-fil"),
        ("program.exe", files.EXE, "Filer af typen .exe kan ikke lægges op"),
        ("side.html", files.HTML, "Filer af typen .html kan ikke lægges op"),
    ],
)
def test_bad_files_are_refused_with_a_message_and_nothing_stored(
    staff, goal, name: str, data: bytes, message: str
) -> None:
    before = (Attachment.objects.count(), AuditEntry.objects.count(), stored_files())
    response = post(staff, f"/bilag/maal/{goal.public_id}/", name, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'class="form-group form-error"' in html and "form-error-message" in html
    assert (Attachment.objects.count(), AuditEntry.objects.count(), stored_files()) == before


def test_no_file_and_bad_kind(staff, goal) -> None:
    url = f"/bilag/maal/{goal.public_id}/"
    response = staff.post(url, {"csrfmiddlewaretoken": "x" * 32, "kind": "referat"})
    assert response.status_code == 400
    assert "Vælg den fil, du vil lægge op." in response.content.decode()
    response = post(staff, url, "a.txt", b"tekst\n", kind="hemmeligt")
    assert response.status_code == 400
    assert (
        "Vælg, om bilaget er et referat, et foto, en beslutning eller andet."
        in response.content.decode()
    )
    assert not Attachment.objects.filter(original_name="a.txt").exists()


def test_too_big_by_the_bytes_that_arrive(staff, goal, settings) -> None:
    """A body within the declared-length margin whose file passes the limit: the
    handler stops the upload as the bytes pass the limit."""
    settings.ATTACHMENTS_MAX_BYTES = 100 * 1024
    before = (Attachment.objects.count(), stored_files())
    response = post(staff, f"/bilag/maal/{goal.public_id}/", "stor.pdf", b"%PDF-" + b"0" * 120_000)
    assert response.status_code == 413
    assert "Filen er for stor. Et bilag må højst fylde 0,1 MB." in response.content.decode()
    assert (Attachment.objects.count(), stored_files()) == before


def test_too_big_by_the_declared_length(staff, goal, settings) -> None:
    settings.ATTACHMENTS_MAX_BYTES = 100 * 1024
    data = b"%PDF-" + b"0" * 1_300_000  # beyond the limit and the margin for the form
    response = post(staff, f"/bilag/maal/{goal.public_id}/", "stor.pdf", data)
    assert response.status_code == 413
    assert "Et bilag må højst fylde 0,1 MB." in response.content.decode()


def test_csrf_is_still_checked(goal, cast) -> None:
    client = Client(enforce_csrf_checks=True)
    login_with_mfa(client, cast["org_staff"].user)
    before = Attachment.objects.count()
    response = client.post(
        f"/bilag/maal/{goal.public_id}/",
        {"kind": "referat", "file": SimpleUploadedFile("a.txt", b"tekst\n")},
    )
    assert response.status_code == 403
    assert Attachment.objects.count() == before


def test_review_attachments_are_linked_from_the_goal_page(staff, goal, review) -> None:
    from almen.goals.picture import picture_invalidate

    response = post(staff, f"/bilag/status/{review.pk}/", "status-referat.txt", b"Referat\n")
    assert response.status_code == 302
    picture_invalidate()  # the review was added without a commit (its page body is cached)
    page = staff.get(f"/maal/{goal.public_id}/").content.decode()
    assert f'href="/bilag/status/{review.pk}/"' in page  # the review's own attachments
    listed = staff.get(f"/bilag/status/{review.pk}/").content.decode()
    assert "status-referat.txt" in listed and "Bilag til Status 15-01-2026" in listed


def test_action_and_dialogue_pages_show_their_section(staff, goal, action, dialogue) -> None:
    post(staff, f"/bilag/indsats/{action.public_id}/", "plan.txt", b"Plan\n")
    post(staff, f"/bilag/styringsdialog/{dialogue.public_id}/", "referat.txt", b"Referat\n")
    edit = staff.get(f"/maal/{goal.public_id}/indsatser/{action.public_id}/rediger/")
    assert "plan.txt" in edit.content.decode()
    # and on the goal page, marked as the action's
    goal_page = staff.get(f"/maal/{goal.public_id}/").content.decode()
    assert "plan.txt" in goal_page and "(til indsats)" in goal_page
    meeting = staff.get(f"/styringsdialog/{dialogue.public_id}/").content.decode()
    assert "referat.txt" in meeting and 'enctype="multipart/form-data"' in meeting


def test_english(staff, goal) -> None:
    staff.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = post(staff, f"/bilag/maal/{goal.public_id}/", "program.exe", files.EXE)
    assert "Files of type .exe cannot be uploaded" in response.content.decode()


def test_owner_deleted_takes_its_attachments(goal, review) -> None:
    from almen.attachments.tests.conftest import attach

    attachment = attach(review)
    path = Path(settings.MEDIA_ROOT, str(attachment.file.name))
    assert path.exists()
    with django_capture_on_commit():
        review.delete()
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not os.path.exists(path)


def test_a_file_gone_from_the_storage_is_404_not_500(staff, goal) -> None:
    from django.core.files.storage import default_storage

    from almen.attachments.tests.conftest import attach

    attachment = attach(goal)
    default_storage.delete(str(attachment.file.name))
    assert staff.get(f"/bilag/fil/{attachment.public_id}/").status_code == 404
