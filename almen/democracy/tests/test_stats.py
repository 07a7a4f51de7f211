"""Participation statistics: the figures of a meeting (households, roll, votes, the
under-35 share and its ≥ 5 rule), the trend over years, the pages and their CSV per
persona with bounded queries, the metrics (also through a goal's indicator), the
open-data tables, the demo and the national seed on a tiny scale."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from almen.democracy import opendata, services, stats_selectors
from almen.democracy.demo import democracy_demo_create
from almen.democracy.models import (
    AgendaItem,
    AgendaKind,
    Attendance,
    Decision,
    Forum,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Minutes,
    Outcome,
    Petition,
    PetitionStatus,
    Proposal,
    ProposalStatus,
)
from almen.democracy.testing import DECISION_ID, matrix_estate
from almen.lib import metrics
from almen.lib.metrics import Period
from almen.lib.visibility import Visibility
from almen.register.models import Estate, Household, Resident

pytestmark = pytest.mark.django_db

ESTATE_URL = "/organisationer/29190909/afdelinger/1/deltagelse/"
ORG_URL = "/organisationer/29190909/deltagelse/"


def _held(
    estate: Estate,
    day: dt.date,
    *,
    households: int | None = None,
    proxies: int = 0,
    birth_years: list[int | None] | None = None,
    kind: str = MeetingKind.ORDINARY,
) -> Meeting:
    """A held afdelingsmøde on ``day``: the first ``households`` of the roll came (the
    last ``proxies`` of them by proxy); attendee persons get ``birth_years``, one
    each, as long as they last (extra residents are added to carry them)."""
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(19)))
    meeting = Meeting.objects.create(
        organisation=estate.organisation,
        estate=estate,
        kind=kind,
        title=f"Møde {day}",
        starts_at=starts,
        place="Fælleshuset",
        status=MeetingStatus.HELD,
        roll_on=day - dt.timedelta(days=30),
    )
    roll = list(services.roll(meeting).order_by("id"))
    came = roll if households is None else roll[:households]
    holder = None
    present: list[Attendance] = []
    for n, household in enumerate(came):
        by_proxy = holder is not None and n >= len(came) - proxies
        attendance = Attendance.objects.create(
            meeting=meeting, household=household, holder=holder if by_proxy else None
        )
        holder = holder or attendance
        if not by_proxy:
            present.append(attendance)
    # Persons who came: one per birth year, spread over the households present.
    for n, year in enumerate(birth_years or []):
        attendance = present[n % len(present)]
        person = Resident.objects.create(
            household=attendance.household, name="Testperson", birth_year=year
        )
        attendance.residents.add(person)
    return meeting


@pytest.fixture
def estate(cast) -> Estate:
    return matrix_estate()


def test_figures_of_a_meeting(estate) -> None:
    meeting = _held(estate, dt.date(2025, 9, 10), households=3, proxies=1)
    [figures] = stats_selectors.meeting_figures(Meeting.objects.filter(pk=meeting.pk))
    roll = services.roll(meeting).count()
    assert roll >= 4
    assert figures.roll_size == roll
    assert figures.households_present == 3
    assert figures.households_by_proxy == 1
    assert figures.votes_present == 6  # 2 per household, the proxy's included
    assert figures.turnout == (Decimal(300) / roll).quantize(Decimal("0.1"))


def test_roll_is_the_cut_off_days_not_todays(estate) -> None:
    meeting = _held(estate, dt.date(2025, 9, 10), households=1)
    before = stats_selectors.meeting_figures(Meeting.objects.filter(pk=meeting.pk))[0].roll_size
    # A household that moved in after the cut-off day is not on that meeting's roll,
    # though it lives there today.
    late = services.roll(meeting).order_by("id").last()
    assert late is not None and meeting.roll_on is not None
    Household.objects.filter(pk=late.pk).update(moved_in=meeting.roll_on + dt.timedelta(days=3))
    after = stats_selectors.meeting_figures(Meeting.objects.filter(pk=meeting.pk))[0].roll_size
    assert after == before - 1 == services.roll(meeting).count()
    assert Household.objects.active().filter(pk=late.pk).exists()


def test_under_35_share_needs_five_known_birth_years(estate) -> None:
    four = _held(estate, dt.date(2024, 9, 10), birth_years=[1995, 1996, 1960, None, 1950])
    five = _held(estate, dt.date(2025, 9, 10), birth_years=[1995, 1996, 1960, 1970, 1950])
    by_pk = {
        f.meeting.pk: f
        for f in stats_selectors.meeting_figures(Meeting.objects.filter(pk__in=[four.pk, five.pk]))
    }
    assert by_pk[four.pk].known_ages == 4  # the unknown birth year does not count
    assert by_pk[four.pk].share_under_35 is None
    assert by_pk[five.pk].known_ages == 5
    assert by_pk[five.pk].under_35 == 2
    assert by_pk[five.pk].share_under_35 == Decimal("40.0")


def test_under_35_is_by_the_meetings_year(estate) -> None:
    # Born 1991: 34 in 2025 (under 35), 35 in 2026 (not).
    early = _held(estate, dt.date(2025, 9, 10), birth_years=[1991] * 5)
    late = _held(estate, dt.date(2026, 9, 10), birth_years=[1991] * 5)
    by_pk = {
        f.meeting.pk: f
        for f in stats_selectors.meeting_figures(Meeting.objects.filter(pk__in=[early.pk, late.pk]))
    }
    assert by_pk[early.pk].share_under_35 == Decimal(100)
    assert by_pk[late.pk].share_under_35 == Decimal(0)


def test_trend_pools_the_meetings_of_each_year(estate) -> None:
    _held(estate, dt.date(2024, 9, 10), households=2)
    _held(estate, dt.date(2025, 3, 10), households=1, kind=MeetingKind.EXTRAORDINARY)
    _held(estate, dt.date(2025, 9, 10), households=3)
    years = stats_selectors.by_year(stats_selectors.estate_participation(estate.pk))
    assert [y.year for y in years] == [2024, 2025]
    assert [y.meetings for y in years] == [1, 2]
    assert years[1].ordinary == 1
    assert years[1].households_present == 4
    assert years[1].votes_present == 8
    assert years[1].turnout == stats_selectors.share(4, years[1].roll_size)


def test_only_held_residents_meetings_count(estate) -> None:
    _held(estate, dt.date(2025, 9, 10), households=2)
    board = _held(estate, dt.date(2025, 10, 10), households=1, kind=MeetingKind.ESTATE_BOARD)
    cancelled = _held(estate, dt.date(2025, 11, 10), households=1)
    Meeting.objects.filter(pk=cancelled.pk).update(status=MeetingStatus.CANCELLED)
    figures = stats_selectors.estate_participation(estate.pk)
    assert [f.meeting.pk for f in figures] != []
    assert board.pk not in {f.meeting.pk for f in figures}
    assert cancelled.pk not in {f.meeting.pk for f in figures}


# --- pages ------------------------------------------------------------------------------


def test_estate_page_shows_the_table_and_hides_small_groups(estate, client_for) -> None:
    _held(estate, dt.date(2024, 9, 10), birth_years=[1990, 1960])
    _held(estate, dt.date(2025, 9, 10), birth_years=[1995, 1996, 1960, 1970, 1950])
    response = client_for("resident_a").get(ESTATE_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "for få til at vise" in page  # 2024: 2 known birth years
    assert "40,0 %" in page  # 2025: 2 of 5 under 35
    assert "<svg" in page and "<table" in page  # the chart and its data as a table
    assert "Testperson" not in page  # never a name
    assert "deltagelse.csv" in page


def test_estate_page_empty_state(client_for, cast) -> None:
    response = client_for("estate_board_a").get(ESTATE_URL)
    assert response.status_code == 200
    assert "almen-empty" in response.content.decode()


def test_organisation_page_per_estate_and_year(estate, client_for) -> None:
    _held(estate, dt.date(2025, 9, 10), households=2)
    other = Estate.objects.get(organisation=estate.organisation, number=2)
    _held(other, dt.date(2025, 9, 12), households=1)
    response = client_for("org_board").get(ORG_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert estate.name in page and other.name in page
    assert "2025" in page
    assert client_for("resident_a").get(ORG_URL).status_code == 403
    assert client_for("other_org_staff").get(ORG_URL).status_code == 404


def test_csv_has_decimal_comma_and_empty_small_groups(estate, client_for) -> None:
    _held(estate, dt.date(2025, 9, 10), households=3, birth_years=[1990, 1960])
    response = client_for("org_staff").get(ORG_URL.replace("deltagelse/", "deltagelse.csv"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == list(stats_selectors.CSV_HEADER)
    [row] = rows[1:]
    assert row[2] == "2025-09-10"
    assert row[5] == "3" and row[7] == "6"
    assert "," in row[8] or row[8].isdigit()
    assert row[9] == "" and row[10] == ""  # 2 known ages: neither count nor share


@pytest.mark.parametrize("url", [ESTATE_URL, ORG_URL])
def test_query_count_does_not_grow_with_meetings(
    url, estate, client_for, django_assert_max_num_queries
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("org_staff")
    _held(estate, dt.date(2024, 9, 10), households=2, birth_years=[1990])
    # Each count on a warm page: what is cached until a meeting or the register's names
    # change (the menu's places, the democracy's panels) is cached in both.
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    other = Estate.objects.get(organisation=estate.organisation, number=2)
    for year in (2020, 2021, 2022, 2023, 2025):
        _held(estate, dt.date(year, 9, 10), birth_years=[1990, 1991])
        _held(other, dt.date(year, 9, 11), households=2)
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    # A fixed handful: session, user, principal, the estate or organisation, and one
    # query for all the meetings' figures.
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


# --- metrics ----------------------------------------------------------------------------


PERIOD_2025 = Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_turnout_metric_uses_the_latest_ordinary_meeting(estate) -> None:
    _held(estate, dt.date(2025, 3, 10), households=1)
    latest = _held(estate, dt.date(2025, 9, 10), households=3)
    _held(estate, dt.date(2025, 10, 1), households=4, kind=MeetingKind.EXTRAORDINARY)
    metric = metrics.get("democracy.meeting_turnout")
    roll = services.roll(latest).count()
    expected = stats_selectors.share(3, roll)
    assert metric.value("estate", estate.pk, PERIOD_2025) == expected
    assert metric.value("organisation", estate.organisation_id, PERIOD_2025) == expected
    assert (
        metric.value("estate", estate.pk, Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31)))
        is None
    )


def test_under_35_metric_is_none_below_five(estate) -> None:
    metric = metrics.get("democracy.share_under_35")
    _held(estate, dt.date(2025, 9, 10), birth_years=[1995, 1960, 1970, 1980])
    assert metric.value("estate", estate.pk, PERIOD_2025) is None
    _held(estate, dt.date(2025, 10, 10), households=1, birth_years=[2000])
    assert metric.value("estate", estate.pk, PERIOD_2025) == Decimal("40.0")
    assert metric.value("sector", None, PERIOD_2025) == Decimal("40.0")


def test_meetings_held_and_proposals_submitted(estate) -> None:
    _held(estate, dt.date(2025, 9, 10), households=1)
    _held(estate, dt.date(2025, 10, 10), households=1, kind=MeetingKind.ESTATE_BOARD)
    Meeting.objects.create(
        organisation=estate.organisation,
        kind=MeetingKind.ORGANISATION_BOARD,
        title="Organisationsbestyrelsen",
        starts_at=timezone.make_aware(dt.datetime(2025, 5, 5, 17)),
        place="Kontoret",
        status=MeetingStatus.HELD,
    )
    held = metrics.get("democracy.meetings_held")
    assert held.value("estate", estate.pk, PERIOD_2025) == 2
    assert held.value("organisation", estate.organisation_id, PERIOD_2025) == 3
    assert held.value("municipality", estate.municipality_id, PERIOD_2025) == 3
    submitted = metrics.get("democracy.proposals_submitted")
    today = timezone.localdate()
    year = Period(dt.date(today.year, 1, 1), today)
    # The matrix proposal was handed in when the test database was built.
    assert submitted.value("estate", estate.pk, year) == 1
    assert submitted.value("estate", estate.pk, PERIOD_2025) == 0


def test_a_goal_indicator_tracks_turnout_through_the_registry(estate) -> None:
    """Goals reads the figure by its key; neither module imports the other."""
    from almen.goals import services as goal_services
    from almen.goals.models import Goal, IndicatorSource
    from almen.goals.progress import Direction
    from almen.goals.testing import GOAL_ID

    goal = Goal.objects.get(public_id=GOAL_ID)
    assert goal.estate_id == estate.pk
    meeting = _held(estate, dt.date(2026, 9, 10), households=2)
    indicator = goal_services.indicator_create(
        actor=None,
        goal=goal,
        title="Fremmøde på afdelingsmødet",
        unit="%",
        direction=Direction.INCREASE,
        baseline_value=Decimal(8),
        baseline_date=dt.date(2025, 1, 1),
        target_value=Decimal(25),
        target_date=dt.date(2028, 1, 1),
        source=IndicatorSource.METRIC,
        metric_key="democracy.meeting_turnout",
    )
    measurement = goal_services.indicator_refresh_from_metric(
        actor=None, indicator=indicator, on=dt.date(2026, 10, 31)
    )
    assert measurement.value == stats_selectors.share(2, services.roll(meeting).count())


# --- open data --------------------------------------------------------------------------


def test_open_data_publishes_public_decisions_and_minutes_without_names(estate) -> None:
    tables = {t.name: t for t in opendata.TABLES}
    meeting = _held(estate, dt.date(2025, 9, 10), households=2)
    Minutes.objects.create(
        meeting=meeting, text="Fatima Hansen fremlagde beretningen.", published_at=timezone.now()
    )
    draft = _held(estate, dt.date(2025, 10, 10), households=2)
    Minutes.objects.create(meeting=draft, text="Kladde")
    public = Decision.objects.create(
        organisation=estate.organisation,
        estate=estate,
        forum=Forum.RESIDENTS_MEETING,
        meeting=meeting,
        decided_on=dt.date(2025, 9, 10),
        title="Budget 2026",
        text="Vedtaget.",
        votes_for=20,
        votes_against=2,
        votes_blank=0,
        outcome=Outcome.ADOPTED,
        visibility=Visibility.PUBLIC,
        published_at=timezone.now(),
    )
    Decision.objects.create(
        organisation=estate.organisation,
        estate=estate,
        forum=Forum.RESIDENTS_MEETING,
        decided_on=dt.date(2025, 9, 10),
        title="Ikke offentliggjort",
        text="x",
        visibility=Visibility.PUBLIC,
    )
    version = opendata.democracy_version()
    decisions = list(tables["decisions"].rows())
    assert [d[0] for d in decisions] == [public.public_id]  # not the matrix's (not public)
    assert DECISION_ID not in [d[0] for d in decisions]
    assert decisions[0][1:5] == ("29190909", 1, Forum.RESIDENTS_MEETING, dt.date(2025, 9, 10))
    assert len(decisions[0]) == len(tables["decisions"].columns)
    minutes = list(tables["minutes"].rows())
    assert [m[0] for m in minutes] == [meeting.public_id]
    assert minutes[0][6] == 2 and minutes[0][7] == services.roll(meeting).count()
    assert len(minutes[0]) == len(tables["minutes"].columns)
    assert "Fatima" not in repr(minutes)
    public.visibility = Visibility.ORGANISATION
    public.save()
    assert opendata.democracy_version() != version


def test_open_data_zip_has_the_tables(client_for, cast) -> None:
    import zipfile

    response = client_for("anonymous").get("/api/v1/open-data.zip")
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert any(n.startswith("decisions.") for n in names)
    assert any(n.startswith("minutes.") for n in names)


# --- demo and national seed -------------------------------------------------------------


def test_demo_gives_every_estate_meetings_minutes_and_decisions(cast, client_for) -> None:
    made = democracy_demo_create()
    assert made > 0
    for estate in Estate.objects.all():
        held = Meeting.objects.get(estate=estate, status=MeetingStatus.HELD)
        assert held.starts_at < timezone.now()
        assert timezone.localtime(held.starts_at).month == 9
        assert held.minutes.published_at is not None
        assert held.attendances.exists()
        assert Decision.objects.filter(meeting=held, published_at__isnull=False).exists()
        assert AgendaItem.objects.filter(meeting=held, votes_for__isnull=False).exists()
        for item in held.items.filter(votes_for__isnull=False):
            assert item.votes_cast <= held.attendances.count() * 2
        upcoming = Meeting.objects.filter(
            estate=estate, status=MeetingStatus.NOTICED, starts_at__gt=timezone.now()
        ).get()
        assert 1 <= upcoming.proposals.count() <= 3
    accepted = Proposal.objects.filter(status=ProposalStatus.ACCEPTED, agenda_item__isnull=False)
    assert accepted.exists()
    assert Petition.objects.filter(status=PetitionStatus.OPEN).count() == 2  # the matrix's too
    assert democracy_demo_create() == 0  # idempotent
    assert client_for("org_staff").get(ORG_URL).status_code == 200
    page = client_for("resident_a").get(ESTATE_URL).content.decode()
    assert "Ordinært afdelingsmøde" in page or "%" in page


def test_national_seed_on_a_tiny_scale(cast) -> None:
    from almen.democracy.national import MEETING_ID_RANGE
    from almen.register.national import national_seed

    national_seed(organisations=3, estates=12, households=300, residents=450, out=io.StringIO())
    err = io.StringIO()
    call_command("seed_democracy_national", "--estates=10", stdout=io.StringIO(), stderr=err)
    assert "rækker/s" in err.getvalue()
    low, high = MEETING_ID_RANGE
    national = Meeting.objects.filter(public_id__gte=low, public_id__lt=high)
    assert national.values("estate").distinct().count() == 10
    assert national.filter(kind=MeetingKind.ORDINARY, status=MeetingStatus.HELD).count() == 30
    assert national.filter(starts_at__gt=timezone.now()).count() == 10
    bench = national.filter(status=MeetingStatus.NOTICED).order_by("id").first()
    assert bench is not None
    assert bench.items.count() == 20 and bench.proposals.count() == 30
    held = national.filter(status=MeetingStatus.HELD)
    assert Attendance.objects.filter(meeting__in=held).exists()
    assert (
        Minutes.objects.filter(meeting__in=held, published_at__isnull=False).count() == held.count()
    )
    # Every recorded show of hands fits the votes present.
    for f in stats_selectors.meeting_figures(held):
        for item in f.meeting.items.filter(votes_for__isnull=False):
            assert item.votes_cast <= f.votes_present
    for item in AgendaItem.objects.filter(meeting__in=national, kind=AgendaKind.PROPOSAL):
        assert item.proposal_id is not None
    with pytest.raises(CommandError):
        call_command(
            "seed_democracy_national", "--estates=1", stdout=io.StringIO(), stderr=io.StringIO()
        )


@pytest.mark.parametrize("persona", ["resident_a", "estate_board_a", "org_staff"])
def test_participation_pages_show_no_household_or_person(persona, estate, client_for) -> None:
    """Counts only: no address of a household that came, no name of a person (GDPR:
    the estate board sees no resident list)."""
    meeting = _held(estate, dt.date(2025, 9, 10), birth_years=[1990, 1991, 1992, 1993, 1994])
    addresses = [
        a.household.unit.address for a in meeting.attendances.select_related("household__unit")
    ]
    names = list(
        Resident.objects.filter(household__unit__estate=estate).values_list("name", flat=True)
    )
    urls = [ESTATE_URL] + ([ORG_URL] if persona == "org_staff" else [])
    for url in urls:
        for suffix in ("", "csv"):
            path = url.replace("deltagelse/", "deltagelse.csv") if suffix else url
            body = client_for(persona).get(path).content.decode("utf-8-sig")
            assert not [a for a in addresses if a and a in body], (persona, path)
            assert not [n for n in names if n and n in body], (persona, path)


def test_the_demo_estate_goals_were_adopted_by_the_estate_meetings_decision(
    cast, client_for
) -> None:
    """The goals demo points its estate goals at the decision the democracy demo records
    under the shared id (lib.demo), so the goal page names the real decision and the
    decision page lists the goals — neither module importing the other."""
    from almen.goals.demo import goals_demo_create
    from almen.goals.models import Goal
    from almen.lib import demo

    Goal.objects.all().delete()  # the matrix's goal: the goals demo runs on an empty table
    assert goals_demo_create() > 0
    democracy_demo_create()
    estate = Estate.objects.get(organisation__cvr="29190909", number=1)
    decision = Decision.objects.get(public_id=demo.goals_adoption_decision_id(estate.public_id))
    assert decision.title == demo.GOALS_ADOPTED_ITEM and decision.published_at is not None
    goal = Goal.objects.filter(estate=estate, decision_id=decision.public_id).first()
    assert goal is not None
    resident = client_for("resident_a")
    goal_page = resident.get(f"/maal/{goal.public_id}/").content.decode()
    assert f"/beslutninger/{decision.public_id}/" in goal_page
    decision_page = resident.get(f"/beslutninger/{decision.public_id}/").content.decode()
    assert goal.title in decision_page
