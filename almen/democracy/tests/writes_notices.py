"""The write-matrix rows for the democracy's notices: merged into
``almen/access/tests/test_writes.py``'s WRITES (imported at its end; use
``w.Write``, ``w._post_only``)."""

from __future__ import annotations

from typing import Any

from almen.access.tests import test_writes as w
from almen.democracy.testing import MEETING_ID
from almen.democracy.tests.matrix_notices import LETTERS, NOTICES_MANAGE


def _letters_path() -> str:
    """Households on paper need letters: the notices are sent first (no job yet)."""
    from almen.democracy import notices_services
    from almen.democracy.models import Meeting

    meeting = Meeting.objects.get(public_id=MEETING_ID)
    notices_services.notices_send(actor=None, meeting=meeting, letters_job=False)
    return f"/moeder/{MEETING_ID}/indkaldelser/breve/"


WRITES: dict[str, Any] = {
    # Sending the notice to every household: the meeting's managers, after the
    # confirmation (the form's hidden confirm=yes).
    "moeder/<uuid:meeting_id>/indkaldelser/send/": w.Write(
        data=lambda: {"confirm": "yes"}, outcomes=w._post_only(NOTICES_MANAGE)
    ),
    # The paper letters' PDF (a job): the organisation's staff.
    "moeder/<uuid:meeting_id>/indkaldelser/breve/": w.Write(
        form=False,
        path=_letters_path,
        outcomes=w._post_only({**LETTERS, "org_staff": 200}),
    ),
}
