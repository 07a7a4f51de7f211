"""Messages about a secret ballot to the residents of its roll (through the outbox,
``notify.services.queue_reminders``, with each person's preference for the kind):

- ``democracy.ballot_open`` when the ballot is opened (or scheduled to open),
- ``democracy.ballot_closing`` 24 hours before it closes, to the households that still
  have votes left,
- ``democracy.ballot_result`` when its result is published.

The closing reminder is produced by ``ballots_services.ballots_tick`` (run every minute
by ``manage.py ballots_tick --loop 60``), which marks each ballot it reminded for with
an audit entry, so the 24 hours are kept to the minute and nobody is told twice; it is
also registered as a daily reminder producer (``manage.py queue_reminders``), as a
safety net for a site without the tick (the outbox's keys make a second queueing of
the same reminder a no-op).

Nothing here says how anyone voted: the messages carry the ballot's title, times and
page, and the recipients of the closing reminder are households that have not used
both their votes (the participation rows, never the box)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone

from almen.audit.models import AuditEntry
from almen.democracy import ballots_box, rules
from almen.democracy.models import Ballot, BallotPurpose, BallotState, Participation
from almen.lib.notifications import Reminder
from almen.register.models import Household, Resident

BALLOT_OPEN = "democracy.ballot_open"
BALLOT_CLOSING = "democracy.ballot_closing"
BALLOT_RESULT = "democracy.ballot_result"

# The audit action that marks a ballot whose closing reminder was queued.
CLOSING_MARK = "democracy.ballot_closing_reminder"
AHEAD = dt.timedelta(hours=24)

# Residents vote on their phones in these; a written vote in the hall is not theirs to
# cast from home, so no "it is open" or "it closes soon" message is sent for it.
DIGITAL = (BallotPurpose.REFERENDUM, BallotPurpose.AFTER_MEETING)


def _when(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%d-%m-%Y kl. %H:%M}"


def context(ballot: Ballot) -> dict[str, str]:
    return {
        "title": ballot.title,
        "estate": ballot.estate.name,
        "opens": _when(ballot.opens_at),
        "closes": _when(ballot.closes_at),
        "path": reverse("democracy:ballot_detail", args=[ballot.public_id]),
    }


def residents_to_tell(ballot: Ballot, *, votes_left_only: bool) -> list[int]:
    """The users of the roll's residents (one query); with ``votes_left_only``, only
    those whose household has not used both its votes."""
    households: QuerySet[Household] = ballots_box.roll(ballot)
    if votes_left_only:
        used_up = (
            Participation.objects.filter(ballot=ballot)
            .alias(used=F("votes_digital") + F("votes_hall") + F("votes_paper"))
            .filter(used__gte=rules.VOTES_PER_HOUSEHOLD)
            .values("household_id")
        )
        households = households.exclude(pk__in=used_up)
    return list(
        Resident.objects.filter(
            household__in=households.values("pk"),
            user__isnull=False,
            user__is_active=True,
            anonymised_at__isnull=True,
        )
        .values_list("user_id", flat=True)
        .distinct()
        .order_by("user_id")
    )


def reminders(ballot: Ballot, kind: str, *, votes_left_only: bool) -> Iterator[Reminder]:
    """One message of ``kind`` about ``ballot`` for each resident to tell; the key makes
    it once-only per ballot and kind."""
    ctx = context(ballot)
    key = f"ballot:{ballot.public_id}:{kind.rsplit('_', 1)[-1]}"
    for user_id in residents_to_tell(ballot, votes_left_only=votes_left_only):
        yield Reminder(kind, user_id, key, ctx)


def closing_due(at: dt.datetime) -> list[Ballot]:
    """Open digital ballots whose last 24 hours have begun at ``at`` and that were open
    when they began (a ballot shorter than a day gets no reminder: it only just opened),
    not reminded for yet. Two queries."""
    due = list(
        Ballot.objects.select_related("estate")
        .filter(
            state=BallotState.OPEN,
            purpose__in=DIGITAL,
            closes_at__gt=at,
            closes_at__lte=at + AHEAD,
            opens_at__lte=F("closes_at") - AHEAD,
        )
        .order_by("closes_at", "pk")
    )
    if not due:
        return []
    marked = set(
        AuditEntry.objects.filter(
            action=CLOSING_MARK,
            object_type=Ballot._meta.label_lower,
            object_id__in=[str(b.pk) for b in due],
        ).values_list("object_id", flat=True)
    )
    return [b for b in due if str(b.pk) not in marked]


def is_reminded(ballot: Ballot) -> bool:
    return AuditEntry.objects.filter(
        organisation_id=ballot.organisation_id,
        action=CLOSING_MARK,
        object_type=Ballot._meta.label_lower,
        object_id=str(ballot.pk),
    ).exists()


def ballot_closing_reminders(today: dt.date) -> Iterator[Reminder]:
    """The daily producer: the reminders ``ballots_tick`` has not queued yet, as of
    ``today`` at the current time of day."""
    now = timezone.localtime()
    at = now if today == now.date() else dt.datetime.combine(today, now.timetz())
    for ballot in closing_due(at):
        yield from reminders(ballot, BALLOT_CLOSING, votes_left_only=True)
