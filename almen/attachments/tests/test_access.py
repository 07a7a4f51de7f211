"""Who reads and who manages an owner's attachments, for every owner kind and every
persona. The tables are written by hand from the owners' rules (a goal's readers and
managers; a review's and an action's are their goal's; a styringsdialog's are both
sides, its organisation board reading) — not computed by asking the policy."""

from __future__ import annotations

import pytest
from django.test import Client

from almen.accounts.tests.helpers import login_with_mfa
from almen.attachments.models import Attachment
from almen.attachments.tests.conftest import attach
from almen.audit.models import AuditEntry
from almen.conftest import PERSONA_KEYS

GOAL_READ = {
    "resident_a": 200,
    "resident_b": 200,
    "estate_board_a": 200,
    "org_board": 200,
    "org_staff": 200,
    "other_org_staff": 404,
    "municipality_officer": 404,
    "sector_staff": 404,
    "anonymous": 302,
}
GOAL_MANAGE = {**GOAL_READ, "resident_a": 403, "resident_b": 403, "org_board": 403}
DIALOGUE_MANAGE = {
    **dict.fromkeys(PERSONA_KEYS, 404),
    "org_board": 403,
    "org_staff": 200,
    "municipality_officer": 200,
    "anonymous": 302,
}
DIALOGUE_READ = {**DIALOGUE_MANAGE, "org_board": 200}

READ = {
    "maal": GOAL_READ,
    "status": GOAL_READ,
    "indsats": GOAL_READ,
    "styringsdialog": DIALOGUE_READ,
}
MANAGE = {
    "maal": GOAL_MANAGE,
    "status": GOAL_MANAGE,
    "indsats": GOAL_MANAGE,
    "styringsdialog": DIALOGUE_MANAGE,
}
KINDS = list(READ)


def client(cast, persona: str) -> Client:
    c = Client()
    user = cast[persona].user
    if user is not None:
        login_with_mfa(c, user)
    return c


@pytest.mark.parametrize("kind", KINDS)
def test_reading(kind: str, owners, cast) -> None:
    owner, key = owners[kind]
    attachment = attach(owner, name=f"bilag-{kind}.txt")
    wrong = []
    for persona in PERSONA_KEYS:
        c = client(cast, persona)
        page = c.get(f"/bilag/{kind}/{key}/")
        download = c.get(f"/bilag/fil/{attachment.public_id}/")
        expected = READ[kind][persona]
        if page.status_code != expected or download.status_code != expected:
            wrong.append((persona, page.status_code, download.status_code, expected))
        if expected == 200:
            assert f"bilag-{kind}.txt" in page.content.decode()
            assert b"".join(download.streaming_content) == b"Referat\n"  # type: ignore[attr-defined]
    assert not wrong, wrong


@pytest.mark.parametrize("kind", KINDS)
def test_adding(kind: str, owners, cast) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    owner, key = owners[kind]
    wrong: list[tuple[object, ...]] = []
    for persona in PERSONA_KEYS:
        c = client(cast, persona)
        before = (Attachment.objects.count(), AuditEntry.objects.count())
        upload = SimpleUploadedFile(f"fra-{persona}.txt", b"Et referat.\n")
        response = c.post(f"/bilag/{kind}/{key}/", {"kind": "referat", "file": upload})
        expected = MANAGE[kind][persona]
        after = (Attachment.objects.count(), AuditEntry.objects.count())
        if expected == 200:
            ok = response.status_code == 302 and after == (before[0] + 1, before[1] + 1)
            back = owner_page(kind, owner)
            ok = ok and response["Location"] == (back if "#" in back else back + "#bilag")
        else:
            ok = response.status_code == expected and after == before
        if not ok:
            wrong.append((persona, response.status_code, expected))
        # The upload form is shown exactly to those who may add.
        page = c.get(f"/bilag/{kind}/{key}/")
        if page.status_code == 200 and (expected == 200) != (
            'type="file"' in page.content.decode()
        ):
            wrong.append((persona, "form shown to the wrong person"))
    assert not wrong, wrong


@pytest.mark.parametrize("kind", KINDS)
def test_removing(kind: str, owners, cast) -> None:
    owner, _key = owners[kind]
    wrong = []
    for persona in PERSONA_KEYS:
        attachment = attach(owner, name=f"slet-{persona}.txt")
        c = client(cast, persona)
        confirm = c.get(f"/bilag/fil/{attachment.public_id}/slet/")
        response = c.post(f"/bilag/fil/{attachment.public_id}/slet/")
        expected = MANAGE[kind][persona]
        gone = not Attachment.objects.filter(pk=attachment.pk).exists()
        if expected == 200:
            ok = confirm.status_code == 200 and response.status_code == 302 and gone
        else:
            ok = confirm.status_code == expected == response.status_code and not gone
        if not ok:
            wrong.append((persona, confirm.status_code, response.status_code, gone, expected))
    assert not wrong, wrong


def owner_page(kind: str, owner) -> str:
    if kind == "maal":
        return f"/maal/{owner.public_id}/"
    if kind == "status":
        return f"/maal/{owner.goal.public_id}/#status"
    if kind == "indsats":
        return f"/maal/{owner.goals.get().public_id}/#indsatser"
    return f"/styringsdialog/{owner.public_id}/"


def test_unknown_kinds_and_owners_are_404(cast) -> None:
    c = client(cast, "org_staff")
    assert c.get("/bilag/ukendt/1/").status_code == 404
    assert c.get("/bilag/maal/ikke-et-id/").status_code == 404
    assert c.get("/bilag/status/abc/").status_code == 404
    assert c.get("/bilag/status/999999/").status_code == 404
    assert c.get("/bilag/fil/00000000-0000-4000-8000-000000000000/").status_code == 404
