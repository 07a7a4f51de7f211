"""The legal timeline as pure date arithmetic (normalvedtægter; rules.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from almen.democracy import rules


def test_ordinary_meeting_deadlines_count_back_from_the_meeting_day() -> None:
    t = rules.timeline(residents_meeting=True, extraordinary=False, meeting_on=dt.date(2027, 9, 20))
    assert t.notice_by == dt.date(2027, 8, 23)  # 4 weeks before
    assert t.proposals_by == dt.date(2027, 9, 6)  # 14 days before
    assert t.material_by == dt.date(2027, 9, 13)  # 1 week before
    assert t.minutes_by == dt.date(2027, 10, 18)  # 4 weeks after
    assert [k for k, _ in t.steps()] == ["notice", "proposals", "material", "meeting", "minutes"]


def test_an_extraordinary_meeting_has_two_weeks_notice_and_no_proposal_deadline() -> None:
    t = rules.timeline(residents_meeting=True, extraordinary=True, meeting_on=dt.date(2027, 3, 15))
    assert t.notice_by == dt.date(2027, 3, 1)
    assert t.proposals_by is None
    assert "proposals" not in [k for k, _ in t.steps()]


def test_a_board_meeting_only_has_the_minutes_deadline() -> None:
    t = rules.timeline(
        residents_meeting=False, extraordinary=False, meeting_on=dt.date(2027, 3, 15)
    )
    assert (t.notice_by, t.proposals_by, t.material_by) == (None, None, None)
    assert t.minutes_by == dt.date(2027, 4, 12)


@pytest.mark.parametrize(
    ("month", "today", "due"),
    [
        (1, dt.date(2027, 1, 10), dt.date(2027, 9, 30)),  # calendar year: by 30 September
        (1, dt.date(2027, 9, 30), dt.date(2027, 9, 30)),  # the day itself still counts
        (1, dt.date(2027, 10, 1), dt.date(2028, 9, 30)),  # past it: next year's
        (7, dt.date(2027, 1, 10), dt.date(2027, 3, 31)),  # year from 1 July: by 31 March
        (7, dt.date(2027, 4, 1), dt.date(2028, 3, 31)),
        (4, dt.date(2027, 12, 1), dt.date(2027, 12, 31)),  # year from 1 April
    ],
)
def test_the_ordinary_meeting_is_due_three_months_before_the_financial_year(
    month: int, today: dt.date, due: dt.date
) -> None:
    assert rules.ordinary_due_by(fiscal_year_start_month=month, today=today) == due


@pytest.mark.parametrize(
    ("households", "needed"), [(1, 1), (3, 1), (4, 1), (5, 2), (100, 25), (101, 26), (2000, 500)]
)
def test_a_petition_needs_a_quarter_of_the_households_rounded_up(
    households: int, needed: int
) -> None:
    assert rules.petition_threshold(households) == needed


def test_a_valid_petition_must_be_called_within_two_weeks() -> None:
    assert rules.petition_call_by(dt.date(2027, 2, 1)) == dt.date(2027, 2, 15)


def test_adults_and_the_under_35s() -> None:
    on = dt.date(2027, 6, 1)
    assert rules.is_adult(2009, on) and not rules.is_adult(2010, on)
    assert rules.is_adult(None, on)
    assert rules.under_35(1993, on) and not rules.under_35(1992, on)


def test_a_checkin_code_names_its_household_for_its_meeting_only() -> None:
    import uuid

    from almen.democracy import checkin

    meeting, other, household = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    token = checkin.checkin_token(meeting_id=meeting, household_id=household)
    assert checkin.checkin_household_id(meeting_id=meeting, token=token) == household
    assert checkin.checkin_household_id(meeting_id=other, token=token) is None
    assert checkin.checkin_household_id(meeting_id=meeting, token=token[:-2] + "xx") is None
    assert checkin.checkin_household_id(meeting_id=meeting, token="") is None
