"""The legal timeline of the resident democracy (normalvedtægter and BL's guidance).

Pure functions of dates: no database. An estate's statutes may give residents more
time, never less; these are the minimums every estate must respect.

- Ordinary afdelingsmøde at least once a year, no later than 3 months before the
  estate's financial year starts (calendar year → by 30 September).
- Notice to every household ≥ 4 weeks before an ordinary meeting, ≥ 2 weeks before an
  extraordinary one.
- Residents' proposals ≥ 14 days before (ordinary meetings only: an extraordinary
  meeting has a fixed agenda and takes no new proposals).
- Full material ≥ 1 week before.
- Minutes available to all residents ≤ 4 weeks after.
- Extraordinary meeting when ≥ 25 % of the households ask with a stated topic; called
  within 2 weeks of a valid request.
- Each household has 2 votes, whatever its size.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

VOTES_PER_HOUSEHOLD = 2
NOTICE_ORDINARY = datetime.timedelta(weeks=4)
NOTICE_EXTRAORDINARY = datetime.timedelta(weeks=2)
PROPOSALS_BEFORE = datetime.timedelta(days=14)
MATERIAL_BEFORE = datetime.timedelta(weeks=1)
MINUTES_AFTER = datetime.timedelta(weeks=4)
PETITION_CALL_WITHIN = datetime.timedelta(weeks=2)
PETITION_SHARE_PERCENT = 25
# The board is warned of a deadline this many days ahead.
WARN_AHEAD = datetime.timedelta(days=7)
ADULT_AGE = 18


@dataclass(frozen=True)
class Timeline:
    """The last day for each step of one meeting (each day itself still counts)."""

    meeting_on: datetime.date
    notice_by: datetime.date | None
    proposals_by: datetime.date | None
    material_by: datetime.date | None
    minutes_by: datetime.date

    def steps(self) -> list[tuple[str, datetime.date]]:
        """(key, day) in the order they fall; keys: notice, proposals, material,
        meeting, minutes."""
        out = [
            (key, day)
            for key, day in (
                ("notice", self.notice_by),
                ("proposals", self.proposals_by),
                ("material", self.material_by),
            )
            if day is not None
        ]
        return [*out, ("meeting", self.meeting_on), ("minutes", self.minutes_by)]


def timeline(
    *, residents_meeting: bool, extraordinary: bool, meeting_on: datetime.date
) -> Timeline:
    """The deadlines of a meeting on ``meeting_on``. Board and council meetings have no
    notice rule of their own here (their rules of procedure set it), only minutes."""
    if not residents_meeting:
        return Timeline(meeting_on, None, None, None, meeting_on + MINUTES_AFTER)
    notice = NOTICE_EXTRAORDINARY if extraordinary else NOTICE_ORDINARY
    return Timeline(
        meeting_on=meeting_on,
        notice_by=meeting_on - notice,
        proposals_by=None if extraordinary else meeting_on - PROPOSALS_BEFORE,
        material_by=meeting_on - MATERIAL_BEFORE,
        minutes_by=meeting_on + MINUTES_AFTER,
    )


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + (day.month - 1) + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def ordinary_due_by(*, fiscal_year_start_month: int, today: datetime.date) -> datetime.date:
    """The last day for the ordinary meeting before the next financial year that is
    still ahead: 3 months before it starts, less a day. A calendar-year estate's
    meeting is due by 30 September; one whose year starts 1 July, by 31 March."""
    start = datetime.date(today.year, fiscal_year_start_month, 1)
    while _add_months(start, -3) - datetime.timedelta(days=1) < today:
        start = _add_months(start, 12)
    return _add_months(start, -3) - datetime.timedelta(days=1)


def petition_threshold(households: int) -> int:
    """Signatures needed for an extraordinary meeting: 25 % of the estate's current
    households, rounded up (at least one)."""
    return max(1, math.ceil(households * PETITION_SHARE_PERCENT / 100))


def petition_call_by(reached_on: datetime.date) -> datetime.date:
    return reached_on + PETITION_CALL_WITHIN


def is_adult(birth_year: int | None, on: datetime.date) -> bool:
    """Whether a household member is entitled to vote by age on ``on``. Without a
    birth year we count the person (the roll is the tenants and adult members; a
    tenant has no recorded birth year in many registers)."""
    return birth_year is None or on.year - birth_year >= ADULT_AGE


def under_35(birth_year: int, on: datetime.date) -> bool:
    return on.year - birth_year < 35
