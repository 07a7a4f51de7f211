"""What the voting part does besides casting (which is ``ballots_box.cast``): the
one-time confirmation of a vote, and e-mailing a voter their own tracker code.

Secrecy (docs/voting.md): the confirmation's nonce is random and says nothing about the
choice; the receipt's outbox row is ephemeral (its context, with the code, is blanked
once the message is sent) and its key is random. No audit entry or log line is written
for a receipt: it would put a user beside a moment close to their vote."""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from almen.democracy.models import Ballot
from almen.notify.models import Status
from almen.notify.services import notify

RECEIPT_KIND = "democracy.ballot_receipt"

# The confirmations a session has been shown and not used, newest last: {nonce: ballot}.
PENDING = "democracy.ballot_confirmations"
PENDING_MAX = 10
# A used nonce is remembered this long in the shared cache (seconds).
USED_FOR = 24 * 3600
NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def confirmation_issue(session: SessionBase, ballot: Ballot) -> str:
    """A new one-time nonce for a confirmation form of ``ballot``, kept in the session."""
    nonce = secrets.token_urlsafe(24)
    pending = {k: v for k, v in dict(session.get(PENDING) or {}).items() if isinstance(v, str)}
    pending[nonce] = str(ballot.public_id)
    session[PENDING] = dict(list(pending.items())[-PENDING_MAX:])
    return nonce


def confirmation_spend(session: SessionBase, ballot: Ballot, nonce: str) -> bool:
    """Use the confirmation's nonce once: True the first time, False for a replay (the
    form sent again after back, or a double click) and for a nonce this session was
    never given. The session forgets it; because a double click's twin request may
    have read the session before this one saves it, the shared cache's atomic ``add``
    decides between two requests at the same moment."""
    nonce = str(nonce)
    pending = dict(session.get(PENDING) or {})
    if not NONCE.fullmatch(nonce) or pending.get(nonce) != str(ballot.public_id):
        return False
    del pending[nonce]
    session[PENDING] = pending
    return bool(cache.add(f"democracy:ballot-confirmation:{nonce}", 1, USED_FOR))


# --- the receipt by e-mail -------------------------------------------------------------

SENT = "sent"
TURNED_OFF = "off"
NO_ADDRESS = "no_address"


def receipt_key() -> str:
    """The receipt form's random key: the same form sent twice queues one e-mail."""
    return secrets.token_urlsafe(18)


def ballot_receipt_send(*, actor: Any, ballot: Ballot, tracker: str, key: str) -> str:
    """Queue one e-mail to ``actor`` with their tracker code (an ephemeral kind: the
    outbox forgets the code once it is sent). ``tracker`` must be a code of the ballot
    (the view checks). The outbox key is ``key`` (random, from the receipt form; a new
    one when it is not one of ours), never the code. Returns SENT, TURNED_OFF (the
    person turned these e-mails off) or NO_ADDRESS."""
    if not getattr(actor, "email", "") or not getattr(actor, "is_active", False):
        return NO_ADDRESS
    if not NONCE.fullmatch(str(key)):
        key = receipt_key()
    row = notify(
        kind=RECEIPT_KIND,
        key=f"kvittering:{key}",
        user=actor,
        language=translation.get_language(),
        context={
            "tracker": tracker,
            "title": ballot.title,
            "path": reverse("democracy:ballot_bulletin", args=[ballot.public_id]),
        },
    )
    if row is not None and row.status == Status.SUPPRESSED:
        return TURNED_OFF
    return SENT  # queued now, or by the same form a moment ago
