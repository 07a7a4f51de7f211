"""Open SDG-grade indicator pages: metadata, CSV beside every chart and table, and the
national picture filtered by region and commitment."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from almen.goals import selectors, services
from almen.goals.models import Frequency, Goal, Indicator, IndicatorSource
from almen.goals.picture import national_picture, picture_invalidate
from almen.goals.testing import GOAL_ID, INDICATOR_ID
from almen.lib import metrics
from almen.lib.visibility import Visibility
from almen.register.models import Estate, Region

pytestmark = pytest.mark.django_db

EDIT_URL = f"/maal/{GOAL_ID}/indikatorer/{INDICATOR_ID}/rediger/"
GOAL_URL = f"/maal/{GOAL_ID}/"
MEASUREMENTS_CSV = f"/maal/{GOAL_ID}/indikatorer/{INDICATOR_ID}/maalinger.csv"
INDICATORS_CSV = f"/maal/{GOAL_ID}/indikatorer.csv"


@pytest.fixture(autouse=True)
def _fresh_picture() -> Iterator[None]:
    """Pictures and goal pages cached by an earlier test (whose rows were rolled back)
    must not be served here, nor ours to a later test: a new goals version before and
    after (in this worker's key space, unlike ``cache.clear()``)."""
    picture_invalidate()
    yield
    picture_invalidate()


@pytest.fixture
def goal(cast) -> Goal:
    return Goal.objects.get(public_id=GOAL_ID)


@pytest.fixture
def indicator(goal) -> Indicator:
    return Indicator.objects.get(public_id=INDICATOR_ID)


def read_csv(response) -> list[list[str]]:
    """The download as the csv module reads it: UTF-8 with BOM, ``;``."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    body = response.content
    assert body.startswith("\ufeff".encode()), "Excel needs the BOM to read æøå"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


FORM = {
    "title": "Fremmødte husstande",
    "unit": "%",
    "direction": "increase",
    "baseline_value": "12",
    "baseline_date": "2025-09-01",
    "target_value": "25",
    "target_date": "2028-09-01",
    "source": "manual",
}
METADATA: dict[str, Any] = {
    "definition": "Husstande med mindst én deltager på afdelingsmødet, i procent af alle.",
    "data_source": "Afdelingsmødets deltagerliste",
    "method": "Tælles af dirigenten; én husstand tæller én gang.",
    "measured_by": "Afdelingsbestyrelsens formand",
    "frequency": Frequency.YEARLY,
}


# --- metadata ----------------------------------------------------------------------


def test_the_form_saves_metadata_and_the_page_shows_it_as_a_definition_list(
    indicator, client_for, django_capture_on_commit_callbacks
) -> None:
    client = client_for("estate_board_a")
    form = client.get(EDIT_URL).content.decode()
    assert 'name="definition"' in form and 'name="frequency"' in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(EDIT_URL, {**FORM, **METADATA})
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert (indicator.data_source, indicator.frequency) == (
        "Afdelingsmødets deltagerliste",
        "yearly",
    )
    page = client_for("resident_a").get(GOAL_URL).content.decode()
    section = page[page.index("Om indikatoren") :]
    for label, value in [
        ("Definition", "Husstande med mindst én deltager"),
        ("Enhed", "%"),
        ("Datakilde", "Afdelingsmødets deltagerliste"),
        ("Metode", "Tælles af dirigenten"),
        ("Hvem måler", "Afdelingsbestyrelsens formand"),
        ("Hvor ofte", "Hvert år"),
    ]:
        assert f"<dt>{label}</dt><dd>{value}" in section, label


def test_empty_metadata_is_shown_as_not_given(goal, client_for) -> None:
    page = client_for("resident_a").get(GOAL_URL).content.decode()
    section = page[page.index("Om indikatoren") :]
    assert "<dt>Datakilde</dt><dd>Ikke oplyst</dd>" in section


def test_bad_metadata_gets_a_danish_message_and_saves_nothing(indicator, client_for) -> None:
    client = client_for("org_staff")
    too_long = client.post(EDIT_URL, {**FORM, **METADATA, "definition": "x" * 2001})
    assert too_long.status_code == 400
    assert "højst have 2000 tegn" in too_long.content.decode()
    unknown = client.post(EDIT_URL, {**FORM, **METADATA, "frequency": "weekly"})
    assert unknown.status_code == 400
    assert "»weekly« findes ikke" in unknown.content.decode()
    indicator.refresh_from_db()
    assert (indicator.definition, indicator.frequency) == ("", "")


def test_a_metric_bound_indicator_shows_the_metrics_registered_metadata(
    indicator, client_for, django_capture_on_commit_callbacks
) -> None:
    metric = metrics.get("register.occupancy")
    assert metric.source and metric.method, "the register's metrics carry their metadata"
    with django_capture_on_commit_callbacks(execute=True):
        services.indicator_update(
            actor=None,
            indicator=indicator,
            source=IndicatorSource.METRIC,
            metric_key="register.occupancy",
            definition="typed definition",
        )
    meta = selectors.indicator_metadata(indicator)
    assert meta.from_metric
    assert meta.definition == str(metric.description)  # the metric's, not the typed one
    assert (meta.source, meta.method) == (str(metric.source), str(metric.method))
    page = client_for("resident_a").get(GOAL_URL).content.decode()
    assert str(metric.method) in page
    assert "Almen beregner tallet" in page
    assert "typed definition" not in page


def test_a_withdrawn_metric_falls_back_to_the_typed_metadata(indicator) -> None:
    Indicator.objects.filter(pk=indicator.pk).update(
        source=IndicatorSource.METRIC, metric_key="gone.metric", data_source="Egen optælling"
    )
    indicator.refresh_from_db()
    meta = selectors.indicator_metadata(indicator)
    assert not meta.from_metric and meta.source == "Egen optælling"


# --- CSV beside charts and tables ----------------------------------------------------


def test_measurements_csv_holds_the_data_table_by_value(indicator, client_for) -> None:
    services.measurement_record(
        actor=None, indicator=indicator, date=dt.date(2026, 3, 1), value=Decimal("13.5")
    )
    services.measurement_record(
        actor=None,
        indicator=indicator,
        date=dt.date(2026, 9, 1),
        value=Decimal("-0.25"),
        note='=HYPERLINK("http://x")',
    )
    page = client_for("resident_a").get(GOAL_URL).content.decode()
    assert f'href="{MEASUREMENTS_CSV}"' in page, "the link sits beside the chart and table"
    rows = read_csv(client_for("resident_a").get(MEASUREMENTS_CSV))
    assert rows == [
        ["Dato", "Værdi (%)", "Type", "Note", "Dokumentation", "Kilde"],
        ["2025-09-01", "12", "Udgangspunkt", "", "", ""],
        ["2026-03-01", "13,5", "Måling", "", "", "Indtastet"],
        # A number keeps its minus; a text that a spreadsheet would run is neutralised.
        ["2026-09-01", "-0,25", "Måling", '\'=HYPERLINK("http://x")', "", "Indtastet"],
        ["2028-09-01", "25", "Mål", "", "", ""],
    ]


def test_goal_indicators_csv_has_status_and_metadata(indicator, client_for) -> None:
    services.indicator_update(actor=None, indicator=indicator, **METADATA)
    services.measurement_record(
        actor=None, indicator=indicator, date=dt.date(2026, 3, 1), value=Decimal("13.5")
    )
    rows = read_csv(client_for("org_staff").get(INDICATORS_CSV))
    header, row = rows[0], rows[1]
    assert len(rows) == 2
    record = dict(zip(header, row, strict=True))
    assert record["Indikator"] == "Fremmødte husstande"
    assert (record["Udgangspunkt"], record["Seneste måling"], record["Mål"]) == ("12", "13,5", "25")
    assert record["Seneste måling, dato"] == "2026-03-01"
    assert record["Status"] == str(selectors.calculation(indicator).status.label)
    assert record["Datakilde"] == "Afdelingsmødets deltagerliste"
    assert record["Hvor ofte"] == "Hvert år"


def test_english_headers_when_the_person_reads_english(indicator, client_for) -> None:
    client = client_for("resident_a")
    client.cookies["django_language"] = "en"
    rows = read_csv(client.get(MEASUREMENTS_CSV, headers={"accept-language": "en"}))
    assert rows[0][0] == "Date" and rows[1][2] == "Baseline"


@pytest.mark.parametrize("persona", ["other_org_staff", "municipality_officer", "sector_staff"])
def test_a_goals_csv_is_404_for_who_may_not_see_the_goal(goal, client_for, persona) -> None:
    client = client_for(persona)
    assert client.get(GOAL_URL).status_code == 404
    assert client.get(MEASUREMENTS_CSV).status_code == 404
    assert client.get(INDICATORS_CSV).status_code == 404


def test_a_goals_csv_sends_anonymous_visitors_to_log_in(goal) -> None:
    response = Client().get(MEASUREMENTS_CSV)
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_an_indicator_of_another_goal_is_404(goal, client_for) -> None:
    other = services.goal_create(
        actor=None,
        organisation=goal.organisation,
        framework=goal.framework,
        title="Et andet mål",
        period_start=goal.period_start,
        period_end=goal.period_end,
        commitments=list(goal.commitments.all()),
    )
    url = f"/maal/{other.public_id}/indikatorer/{INDICATOR_ID}/maalinger.csv"
    assert client_for("org_staff").get(url).status_code == 404


def test_csv_downloads_are_read_only(goal, client_for) -> None:
    assert client_for("org_staff").post(MEASUREMENTS_CSV).status_code == 405


# --- the national picture: filters ---------------------------------------------------


def _publish(goal: Goal) -> None:
    services.goal_update(actor=None, goal=goal, visibility=Visibility.PUBLIC)


def _row(picture, code):
    return next(r for r in picture.commitments if r["commitment"].code == code)


def test_region_filter_counts_only_the_regions_estates(goal) -> None:
    _publish(goal)  # estate A of organisation A, København: Region Hovedstaden
    assert goal.estate.municipality.region == Region.HOVEDSTADEN
    homes = goal.estate.unit_count
    capital = national_picture("public", region=Region.HOVEDSTADEN)
    capital_homes = sum(
        e.unit_count for e in Estate.objects.filter(municipality__region=Region.HOVEDSTADEN)
    )
    assert capital.total_homes == capital_homes
    assert capital.goals == 1
    assert _row(capital, "3.2")["adoption"].homes == homes
    assert _row(capital, "3.2")["share"] == round(100 * homes / capital_homes, 1)
    assert [r["region"] for r in capital.regions] == [Region.HOVEDSTADEN]
    assert {m["municipality"].region for m in capital.municipalities} == {Region.HOVEDSTADEN}
    # Organisation B is in Aarhus: none of A's goal's homes are there.
    central = national_picture("public", region=Region.MIDTJYLLAND)
    assert central.goals == 0
    assert _row(central, "3.2")["adoption"].homes == 0
    assert central.total_homes == sum(
        e.unit_count for e in Estate.objects.filter(municipality__region=Region.MIDTJYLLAND)
    )
    assert central.statuses == {}
    # The whole country: the share is of every home.
    country = national_picture("public")
    assert _row(country, "3.2")["share"] < _row(capital, "3.2")["share"]


def test_commitment_filter_keeps_that_commitments_goals(goal) -> None:
    _publish(goal)  # adopts 3.2 only
    on_it = national_picture("public", commitment="3.2")
    assert [r["commitment"].code for r in on_it.commitments] == ["3.2"]
    assert on_it.goals == 1 and sum(on_it.statuses.values()) == 1
    other = national_picture("public", commitment="1.1")
    assert [r["commitment"].code for r in other.commitments] == ["1.1"]
    assert other.goals == 0 and other.statuses == {}
    assert all(r["covered"] == 0 for r in other.regions)


def test_the_page_filters_by_get_parameters_and_refuses_unknown_ones(goal, client) -> None:
    _publish(goal)
    page = client.get("/almene-maal/overblik/", {"region": Region.MIDTJYLLAND})
    assert page.status_code == 200
    assert page.context["picture"].region == Region.MIDTJYLLAND
    html = page.content.decode()
    assert '<option value="Region Midtjylland" selected>' in html
    # The download links carry the filters.
    assert "punkter.csv?region=Region+Midtjylland" in html
    bad = client.get("/almene-maal/overblik/", {"region": "Region Atlantis", "commitment": "9.9"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "»Region Atlantis« findes ikke" in text and "»9.9« findes ikke" in text
    assert bad.context["picture"].region == ""  # nothing filtered by a bad value
    assert client.get("/almene-maal/overblik/kommuner.csv", {"region": "x"}).status_code == 400


def test_national_csv_follows_the_filters(goal, client) -> None:
    _publish(goal)
    everywhere = read_csv(client.get("/almene-maal/overblik/punkter.csv"))
    assert everywhere[0][:6] == [
        "Punkt",
        "Tekst",
        "Organisationer",
        "Afdelinger",
        "Boliger omfattet",
        "Andel af boliger (%)",
    ]
    assert len(everywhere) == 1 + 12  # every commitment of the framework
    row = next(r for r in everywhere if r[0] == "3.2")
    assert row[2:5] == ["1", "1", str(goal.estate.unit_count)]
    response = client.get(
        "/almene-maal/overblik/punkter.csv",
        {"region": Region.MIDTJYLLAND, "commitment": "3.2"},
    )
    assert "region-midtjylland-32" in response["Content-Disposition"]
    filtered = read_csv(response)
    assert [r[0] for r in filtered[1:]] == ["3.2"]
    assert filtered[1][2:5] == ["0", "0", "0"]
    regions = read_csv(client.get("/almene-maal/overblik/regioner.csv"))
    capital = next(r for r in regions if r[0] == Region.HOVEDSTADEN)
    assert capital[3] == str(goal.estate.unit_count)
    municipalities = read_csv(
        client.get("/almene-maal/overblik/kommuner.csv", {"region": Region.HOVEDSTADEN})
    )
    assert {r[2] for r in municipalities[1:]} == {Region.HOVEDSTADEN}
    assert next(r for r in municipalities if r[1] == "0101")[5] == str(goal.estate.unit_count)


def test_each_filter_combination_is_cached_and_a_goal_change_refreshes_it(
    goal, client, django_assert_max_num_queries, django_capture_on_commit_callbacks
) -> None:
    params = {"region": Region.HOVEDSTADEN, "commitment": "3.2"}
    with django_assert_max_num_queries(20):
        assert client.get("/almene-maal/overblik/", params).context["picture"].goals == 0
    with django_assert_max_num_queries(4):  # cached: the framework for the form, session
        client.get("/almene-maal/overblik/", params)
    with django_capture_on_commit_callbacks(execute=True):
        _publish(goal)
    assert client.get("/almene-maal/overblik/", params).context["picture"].goals == 1


def test_commitment_csv_lists_every_published_goal_of_the_point(goal, client) -> None:
    _publish(goal)
    page = client.get("/almene-maal/2026-2028/3.2/").content.decode()
    assert 'href="/almene-maal/2026-2028/3.2/maal.csv"' in page
    rows = read_csv(client.get("/almene-maal/2026-2028/3.2/maal.csv"))
    assert rows[0] == [
        "Mål",
        "Boligorganisation",
        "Afdeling",
        "Kommune",
        "Punkter",
        "Delt med",
        "Link",
    ]
    assert rows[1][:6] == [
        goal.title,
        goal.organisation.name,
        goal.estate.name,
        "København",
        "3.2",
        "Offentlig",
    ]
    assert rows[1][6] == f"http://testserver/maal/{GOAL_ID}/"
    assert len(read_csv(client.get("/almene-maal/2026-2028/1.1/maal.csv"))) == 1


def test_open_data_publishes_the_metadata(goal, indicator, client) -> None:
    import zipfile

    services.indicator_update(actor=None, indicator=indicator, **METADATA)
    _publish(goal)
    archive = zipfile.ZipFile(io.BytesIO(client.get("/api/v1/open-data.zip").content))
    text = archive.read("indicators.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    row = next(r for r in rows if r["id"] == str(INDICATOR_ID))
    assert row["data_source"] == "Afdelingsmødets deltagerliste"
    assert row["data_method"] == METADATA["method"]
    assert row["frequency"] == "yearly"
    assert "`data_source`" in archive.read("README.md").decode()


def test_the_api_gives_the_metadata(goal, indicator, client) -> None:
    services.indicator_update(actor=None, indicator=indicator, **METADATA)
    _publish(goal)
    out = client.get(f"/api/v1/goals/{GOAL_ID}").json()
    meta = out["indicators"][0]["metadata"]
    assert meta["source"] == "Afdelingsmødets deltagerliste"
    assert (meta["measured_by"], meta["frequency"]) == ("Afdelingsbestyrelsens formand", "yearly")
