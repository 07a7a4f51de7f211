"""Participation statistics of the secret ballots: the figures of a counted ballot
(households on the roll as frozen at the count, households that voted, votes, the
under-35 share and its ≥ 5 rule), the two metrics with their scope and period filters
(also through a goal's indicator), the participation pages per persona with bounded
queries, and the open-data tables."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from almen.democracy import ballots_box, ballots_opendata, ballots_stats, opendata
from almen.democracy.ballots_testing import BALLOT_COUNTED_ID, close_now, yes_no_ballot
from almen.democracy.models import Ballot, BallotPurpose, BallotState
from almen.democracy.stats_selectors import share
from almen.democracy.testing import matrix_estate
from almen.lib import metrics
from almen.lib.metrics import Period
from almen.lib.visibility import Visibility
from almen.register.models import Estate, Household, Resident

pytestmark = pytest.mark.django_db


def _tally(ballot: Ballot) -> dict[str, Any]:
    """The stored count (every ballot here is counted)."""
    assert ballot.tally is not None
    return ballot.tally


ESTATE_URL = "/organisationer/29190909/afdelinger/1/deltagelse/"
ORG_URL = "/organisationer/29190909/deltagelse/"
PERIOD_2025 = Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def _ballot(
    estate: Estate,
    closes_on: dt.date,
    *,
    voters: int,
    birth_years: tuple[int, ...] = (),
    purpose: str = BallotPurpose.REFERENDUM,
    state: str = BallotState.COUNTED,
    title: str = "Urafstemning til statistikken",
    visibility: str = Visibility.ORGANISATION,
) -> Ballot:
    """A ballot of ``estate`` in which the first ``voters`` households of the roll
    voted (the first ones by a resident with one of ``birth_years``), counted and moved
    to close on ``closes_on``."""
    ballot = yes_no_ballot(
        organisation=estate.organisation,
        estate=estate,
        purpose=purpose,
        title=title,
        visibility=visibility,
    )
    for n, household in enumerate(ballots_box.roll(ballot).order_by("id")[:voters]):
        resident = None
        if n < len(birth_years):
            resident = Resident.objects.create(
                household=household, name="Testperson Stemmer", birth_year=birth_years[n]
            )
        ballots_box.cast(
            ballot=ballot, household=household, user=None, marks=[1], votes=1, resident=resident
        )
    ballot = close_now(ballot)
    closes = timezone.make_aware(dt.datetime.combine(closes_on, dt.time(20)))
    counted = state in ballots_stats.COUNTED_STATES
    Ballot.objects.filter(pk=ballot.pk).update(
        opens_at=closes - dt.timedelta(days=7),
        closes_at=closes,
        state=state,
        tally=ballots_box.tally(ballot) if counted else None,
        counted_at=closes if counted else None,
        published_at=closes if state == BallotState.PUBLISHED else None,
    )
    ballot.refresh_from_db()
    return ballot


@pytest.fixture
def estate(cast) -> Estate:
    return matrix_estate()


def _figures(ballot: Ballot) -> ballots_stats.BallotFigures:
    [figures] = ballots_stats.ballot_figures(Ballot.objects.filter(pk=ballot.pk))
    return figures


def test_figures_of_a_counted_ballot(estate) -> None:
    ballot = _ballot(estate, dt.date(2025, 5, 10), voters=3, birth_years=(1995, 1960))
    f = _figures(ballot)
    roll = ballots_box.roll(ballot).count()
    assert (f.roll_size, f.households_voted, f.votes) == (roll, 3, 3)
    assert f.turnout == share(3, roll)
    assert (f.known_ages, f.under_35) == (2, 1)
    assert f.share_under_35 is None  # 2 known birth years: too few to show
    assert f.year == 2025


def test_the_roll_is_the_one_frozen_at_the_count(estate) -> None:
    ballot = _ballot(estate, dt.date(2025, 5, 10), voters=2)
    frozen = _tally(ballot)["roll"]
    # A household moves out afterwards: today's roll shrinks, the ballot's does not.
    leaving = ballots_box.roll(ballot).order_by("-id").first()
    assert leaving is not None
    Household.objects.filter(pk=leaving.pk).update(
        moved_out=timezone.localdate() - dt.timedelta(days=1)
    )
    assert ballots_box.roll(ballot).count() == frozen - 1
    assert _figures(ballot).roll_size == frozen
    # Without a stored tally the figures fall back to today's roll.
    Ballot.objects.filter(pk=ballot.pk).update(tally=None)
    assert _figures(ballot).roll_size == frozen - 1


def test_under_35_is_by_the_year_the_ballot_closed(estate) -> None:
    # Born 1991: 34 in 2025 (under 35), 35 in 2026.
    years = (1991, 1991, 1991, 1960, 1960)
    assert _figures(_ballot(estate, dt.date(2025, 5, 1), voters=5, birth_years=years)).under_35 == 3
    assert _figures(_ballot(estate, dt.date(2026, 5, 1), voters=5, birth_years=years)).under_35 == 0


def test_turnout_metric_pools_the_counted_urafstemninger_of_the_period(estate) -> None:
    metric = metrics.get("democracy.referendum_turnout")
    first = _ballot(estate, dt.date(2025, 3, 1), voters=3)
    second = _ballot(estate, dt.date(2025, 11, 1), voters=1, state=BallotState.PUBLISHED)
    # None of these count: another purpose, still open, closed but not counted, and
    # another year.
    _ballot(estate, dt.date(2025, 6, 1), voters=5, purpose=BallotPurpose.AFTER_MEETING)
    _ballot(estate, dt.date(2025, 6, 1), voters=5, state=BallotState.CLOSED)
    _ballot(estate, dt.date(2024, 6, 1), voters=5)
    yes_no_ballot(title="Åben")
    expected = share(4, _tally(first)["roll"] + _tally(second)["roll"])
    assert metric.value("estate", estate.pk, PERIOD_2025) == expected
    assert metric.value("organisation", estate.organisation_id, PERIOD_2025) == expected
    assert metric.value("municipality", estate.municipality_id, PERIOD_2025) == expected
    assert metric.value("sector", None, PERIOD_2025) == expected
    assert (
        metric.value("estate", estate.pk, Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31)))
        is None
    )


def test_scope_filters(estate) -> None:
    metric = metrics.get("democracy.referendum_turnout")
    mine = _ballot(estate, dt.date(2025, 3, 1), voters=2)
    sibling = Estate.objects.get(organisation=estate.organisation, number=2)
    theirs = _ballot(sibling, dt.date(2025, 3, 1), voters=1)
    elsewhere = Estate.objects.exclude(organisation=estate.organisation).exclude(
        municipality=estate.municipality
    )[0]
    far = _ballot(elsewhere, dt.date(2025, 3, 1), voters=3)
    roll_mine, roll_theirs, roll_far = (_tally(b)["roll"] for b in (mine, theirs, far))
    assert metric.value("estate", estate.pk, PERIOD_2025) == share(2, roll_mine)
    assert metric.value("estate", sibling.pk, PERIOD_2025) == share(1, roll_theirs)
    assert metric.value("organisation", estate.organisation_id, PERIOD_2025) == share(
        3, roll_mine + roll_theirs
    )
    assert metric.value("organisation", elsewhere.organisation_id, PERIOD_2025) == share(
        3, roll_far
    )
    assert metric.value("municipality", elsewhere.municipality_id, PERIOD_2025) == share(
        3, roll_far
    )
    assert metric.value("sector", None, PERIOD_2025) == share(6, roll_mine + roll_theirs + roll_far)
    with pytest.raises(ValueError):
        metric.value("estate", None, PERIOD_2025)


def test_under_35_metric_is_none_below_five_and_counts_every_ballot(estate) -> None:
    metric = metrics.get("democracy.ballot_share_under_35")
    _ballot(estate, dt.date(2025, 3, 1), voters=4, birth_years=(1995, 1960, 1970, 1980))
    assert metric.value("estate", estate.pk, PERIOD_2025) is None
    # A fifth voter with a known birth year, in a ballot after a meeting: 2 of 5.
    _ballot(
        estate,
        dt.date(2025, 10, 1),
        voters=1,
        birth_years=(2000,),
        purpose=BallotPurpose.AFTER_MEETING,
    )
    assert metric.value("estate", estate.pk, PERIOD_2025) == Decimal("40.0")
    assert metric.value("sector", None, PERIOD_2025) == Decimal("40.0")
    other = Estate.objects.get(organisation=estate.organisation, number=2)
    assert metric.value("estate", other.pk, PERIOD_2025) is None


def test_a_goal_indicator_tracks_turnout_in_urafstemninger(estate) -> None:
    """Commitment 3.2's indicator reads the figure by its key, year after year."""
    from almen.goals import services as goal_services
    from almen.goals.models import Goal, IndicatorSource
    from almen.goals.progress import Direction
    from almen.goals.testing import GOAL_ID

    goal = Goal.objects.get(public_id=GOAL_ID)
    ballot = _ballot(estate, dt.date(2025, 6, 1), voters=3)
    indicator = goal_services.indicator_create(
        actor=None,
        goal=goal,
        title="Deltagelse i urafstemninger",
        unit="%",
        direction=Direction.INCREASE,
        baseline_value=Decimal(20),
        baseline_date=dt.date(2024, 1, 1),
        target_value=Decimal(50),
        target_date=dt.date(2028, 1, 1),
        source=IndicatorSource.METRIC,
        metric_key="democracy.referendum_turnout",
    )
    measurement = goal_services.indicator_refresh_from_metric(
        actor=None, indicator=indicator, on=dt.date(2025, 12, 31)
    )
    assert measurement.value == share(3, _tally(ballot)["roll"])


# --- pages ------------------------------------------------------------------------------


def test_estate_page_shows_the_ballots_and_hides_small_groups(estate, client_for) -> None:
    _ballot(estate, dt.date(2025, 5, 10), voters=2, title="Urafstemning om cykelskur")
    _ballot(
        estate,
        dt.date(2025, 9, 10),
        voters=5,
        birth_years=(1995, 1996, 1960, 1970, 1950),
        title="Valg efter mødet",
        purpose=BallotPurpose.AFTER_MEETING,
    )
    yes_no_ballot(title="Stadig åben afstemning")
    for persona in ("resident_a", "estate_board_a", "org_staff", "org_board"):
        response = client_for(persona).get(ESTATE_URL)
        assert response.status_code == 200, persona
        page = response.content.decode()
        assert "Deltagelse i afstemningerne" in page, persona
        assert "Urafstemning om cykelskur" in page and "Valg efter mødet" in page
        assert "Digital afstemning efter mødet" in page
        assert "40,0 %" in page  # 2 of 5 under 35
        assert "for få til at vise" in page  # the cykelskur vote: no known ages
        assert "Stadig åben afstemning" not in page  # not counted
        assert "Testperson" not in page  # never a name
    assert client_for("resident_b").get(ESTATE_URL).status_code == 403
    assert client_for("other_org_staff").get(ESTATE_URL).status_code == 404


def test_estate_page_without_counted_ballots_has_no_ballot_section(client_for, cast) -> None:
    Ballot.objects.filter(public_id=BALLOT_COUNTED_ID).update(state=BallotState.CLOSED)
    page = client_for("resident_a").get(ESTATE_URL).content.decode()
    assert "Deltagelse i afstemningerne" not in page


def test_organisation_page_per_year(estate, client_for) -> None:
    first = _ballot(estate, dt.date(2025, 3, 1), voters=3)
    sibling = Estate.objects.get(organisation=estate.organisation, number=2)
    second = _ballot(sibling, dt.date(2025, 4, 1), voters=1)
    _ballot(estate, dt.date(2025, 6, 1), voters=2, purpose=BallotPurpose.AFTER_MEETING)
    response = client_for("org_board").get(ORG_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Deltagelse i afstemningerne pr. år" in page
    turnout = share(4, _tally(first)["roll"] + _tally(second)["roll"])
    assert f"{turnout:.1f} %".replace(".", ",") in page
    assert '<th scope="row">2025</th>' in page
    assert client_for("resident_a").get(ORG_URL).status_code == 403
    assert client_for("other_org_staff").get(ORG_URL).status_code == 404


@pytest.mark.parametrize("url", [ESTATE_URL, ORG_URL])
def test_query_count_does_not_grow_with_ballots(url, estate, client_for) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("org_staff")
    # The same kinds of writes before both counts (a new resident changes the register,
    # which the principal's cache follows).
    _ballot(estate, dt.date(2024, 5, 1), voters=1, birth_years=(1990,))
    opendata.opendata_invalidate()
    client.get(url)  # both counts on a warm page (the menu's places are cached)
    opendata.opendata_invalidate()
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    sibling = Estate.objects.get(organisation=estate.organisation, number=2)
    for year in (2021, 2022, 2023, 2025):
        _ballot(estate, dt.date(year, 5, 1), voters=2, birth_years=(1990,))
        _ballot(sibling, dt.date(year, 6, 1), voters=1)
    opendata.opendata_invalidate()
    client.get(url)
    opendata.opendata_invalidate()
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


# --- open data --------------------------------------------------------------------------


def test_open_data_has_the_published_public_results_only(estate) -> None:
    tables = {t.name: t for t in ballots_opendata.TABLES}
    published = _ballot(
        estate,
        dt.date(2025, 5, 1),
        voters=3,
        state=BallotState.PUBLISHED,
        visibility=Visibility.PUBLIC,
        title="Offentlig urafstemning",
    )
    _ballot(estate, dt.date(2025, 5, 2), voters=3, state=BallotState.PUBLISHED, title="Intern")
    _ballot(estate, dt.date(2025, 5, 3), voters=3, visibility=Visibility.PUBLIC, title="Optalt")
    rows = list(tables["ballots"].rows())
    titles = [row[5] for row in rows]
    assert "Offentlig urafstemning" in titles
    assert "Intern" not in titles and "Optalt" not in titles  # not public / not published
    row = next(r for r in rows if r[0] == published.public_id)
    assert len(row) == len(tables["ballots"].columns)
    roll = _tally(published)["roll"]
    assert row[11:16] == (roll, 3, 3, 0, share(3, roll))
    results = [r for r in tables["ballot_results"].rows() if r[0] == published.public_id]
    assert [(r[1], r[2], r[4]) for r in results] == [(1, "ja", 3), (2, "nej", 0), (3, "blank", 0)]
    assert all(len(r) == len(tables["ballot_results"].columns) for r in results)


def test_open_data_zip_has_the_ballot_tables_and_is_rebuilt_on_publishing(
    estate, client_for
) -> None:
    version = opendata.democracy_version()
    ballot = _ballot(estate, dt.date(2025, 5, 1), voters=1, visibility=Visibility.PUBLIC)
    ballot.state = BallotState.PUBLISHED
    ballot.published_at = timezone.now()
    ballot.save()
    assert opendata.democracy_version() != version
    response = client_for("anonymous").get("/api/v1/open-data.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert "ballots.csv" in names and "ballot_results.json" in names
    assert str(ballot.public_id) in archive.read("ballots.csv").decode("utf-8-sig")
    assert "Testperson" not in archive.read("ballots.json").decode()
