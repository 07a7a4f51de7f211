"""The check-in code printed on a household's notice letter (as a QR code) and scanned
at the meeting's door: a signed token of the meeting and the household, so that no
secret is stored and a code for one meeting does not check in at another.

The hall's check-in page serves ``checkin_path()`` (``/moeder/<meeting>/tjek-ind/<token>/``)
for the meeting's managers; anyone else who scans it is sent to log in or gets 403/404
from the same policy as the meeting page."""

from __future__ import annotations

import uuid

from django.core import signing

SALT = "almen.democracy.checkin"


def checkin_token(*, meeting_id: uuid.UUID, household_id: uuid.UUID) -> str:
    return signing.dumps([meeting_id.hex, household_id.hex], salt=SALT, compress=True)


def checkin_household_id(*, meeting_id: uuid.UUID, token: str) -> uuid.UUID | None:
    """The household the token names, if it was signed by us for this meeting."""
    try:
        meeting_hex, household_hex = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if meeting_hex != meeting_id.hex:
        return None
    try:
        return uuid.UUID(household_hex)
    except (ValueError, TypeError, AttributeError):
        return None


def checkin_path(*, meeting_id: uuid.UUID, household_id: uuid.UUID) -> str:
    token = checkin_token(meeting_id=meeting_id, household_id=household_id)
    return f"/moeder/{meeting_id}/tjek-ind/{token}/"
