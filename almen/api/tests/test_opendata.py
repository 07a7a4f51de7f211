"""Open data: the zip holds everything public, documented, and nothing private."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.test import Client

from almen.api.opendata import LICENCE, build_zip
from almen.goals import services
from almen.goals.models import Commitment, Framework, Goal, GoalStatus
from almen.goals.picture import picture_invalidate
from almen.goals.progress import Direction
from almen.goals.testing import GOAL_ID
from almen.lib import opendata
from almen.lib.visibility import Visibility
from almen.register.models import Organisation

pytestmark = pytest.mark.django_db

NAMES = [
    "municipalities",
    "organisations",
    "estates",
    "framework",
    "goals",
    "goal_commitments",
    "indicators",
    "measurements",
    "actions",
    "reviews",
]


@pytest.fixture(autouse=True)
def _fresh_version():
    # A new picture version: no zip cached by an earlier test is served to this one
    # (without flushing a cache other test workers may share).
    picture_invalidate()


def _goal(title: str, **fields) -> Goal:
    framework = Framework.objects.current()
    assert framework is not None
    goal = services.goal_create(
        actor=None,
        organisation=Organisation.objects.get(cvr="29190909"),
        framework=framework,
        title=title,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2028, 12, 31),
        commitments=[Commitment.objects.get(cornerstone__framework=framework, code="1.2")],
        **fields,
    )
    indicator = services.indicator_create(
        actor=None,
        goal=goal,
        title=f"{title}: andel",
        unit="%",
        direction=Direction.INCREASE,
        baseline_value=Decimal("10.5"),
        baseline_date=dt.date(2025, 1, 1),
        target_value=Decimal(30),
        target_date=dt.date(2028, 1, 1),
    )
    services.measurement_record(
        actor=None,
        indicator=indicator,
        date=dt.date(2026, 1, 1),
        value=Decimal("12.25"),
        note=f'=HYPERLINK("http://evil") {title}',
    )
    services.action_create(actor=None, goals=[goal], title=f"+Indsats {title}")
    services.review_record(
        actor=None, goal=goal, date=dt.date(2026, 2, 1), assessment="on_track", worked=title
    )
    return goal


@pytest.fixture
def goals(cast) -> dict[str, Goal]:
    return {
        "public": _goal("@Offentligt mål", status=GoalStatus.ADOPTED, visibility=Visibility.PUBLIC),
        "private": _goal("Hemmeligt mål", status=GoalStatus.ADOPTED),
        "draft": _goal("Kladdemål", visibility=Visibility.PUBLIC),
    }


def _download() -> zipfile.ZipFile:
    response = Client().get("/api/v1/open-data.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.content))


def _csv(archive: zipfile.ZipFile, name: str) -> list[list[str]]:
    raw = archive.read(f"{name}.csv")
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM for Excel"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_zip_holds_every_table_as_csv_and_json_with_a_readme(goals) -> None:
    archive = _download()
    names = set(archive.namelist())
    assert "README.md" in names
    for name in NAMES:
        assert f"{name}.csv" in names and f"{name}.json" in names, name
    readme = archive.read("README.md").decode()
    assert LICENCE in readme
    assert "Data: CC BY 4.0, Almen; rammeværkets tekster: BL – Danmarks Almene Boliger" in readme
    assert "Genereret:" in readme
    municipalities = _csv(archive, "municipalities")
    assert municipalities[0] == ["code", "name", "region"]
    assert len(municipalities) == 99
    framework = _csv(archive, "framework")
    kinds = {row[1] for row in framework[1:]}
    assert kinds == {"cornerstone", "commitment", "prerequisite"}
    assert all(row[4] and row[5] for row in framework[1:]), "Danish and English texts"
    estates = json.loads(archive.read("estates.json"))
    assert estates and all(isinstance(e["homes"], int) for e in estates)
    assert any(e["homes"] > 0 for e in estates)


def test_readme_documents_every_csv_column(goals) -> None:
    archive = _download()
    readme = archive.read("README.md").decode()
    for name in archive.namelist():
        if not name.endswith(".csv"):
            continue
        header = _csv(archive, name[:-4])[0]
        assert header, name
        section = readme.split(f"## {name[:-4]}.csv", 1)[1].split("\n## ", 1)[0]
        for column in header:
            assert f"| `{column}` |" in section, f"{name}: {column} undocumented"
        # JSON has the same columns as the CSV.
        rows = json.loads(archive.read(name[:-4] + ".json"))
        if rows:
            assert list(rows[0]) == header


def test_only_published_goals_and_what_hangs_off_them(goals) -> None:
    archive = _download()
    everything = b"".join(archive.read(n) for n in archive.namelist()).decode("utf-8-sig")
    for secret in ("Hemmeligt mål", "Kladdemål", "Flere til afdelingsmødet", str(GOAL_ID)):
        assert secret not in everything, secret
    for key in ("private", "draft"):
        assert str(goals[key].public_id) not in everything
    goal_rows = _csv(archive, "goals")
    assert [row[0] for row in goal_rows[1:]] == [str(goals["public"].public_id)]
    [indicator] = json.loads(archive.read("indicators.json"))
    assert indicator["goal_id"] == str(goals["public"].public_id)
    assert indicator["latest_value"] == 12.25
    assert indicator["status"] != ""
    assert len(json.loads(archive.read("measurements.json"))) == 1
    assert len(json.loads(archive.read("actions.json"))) == 1
    assert len(json.loads(archive.read("action_goals.json"))) == 1
    assert len(json.loads(archive.read("reviews.json"))) == 1
    assert _csv(archive, "goal_commitments")[1] == [str(goals["public"].public_id), "1.2"]


def test_csv_uses_decimal_comma_and_neutralises_formulas_json_keeps_text(goals) -> None:
    archive = _download()
    measurement = dict(zip(*_csv(archive, "measurements")[:2], strict=True))
    assert measurement["value"] == "12,25"
    assert measurement["date"] == "2026-01-01"
    assert measurement["note"].startswith("'=HYPERLINK")
    goal = dict(zip(*_csv(archive, "goals")[:2], strict=True))
    assert goal["title"] == "'@Offentligt mål"
    action = dict(zip(*_csv(archive, "actions")[:2], strict=True))
    assert action["title"] == "'+Indsats @Offentligt mål"
    indicator = dict(zip(*_csv(archive, "indicators")[:2], strict=True))
    assert indicator["baseline_value"] == "10,5"
    # No text cell anywhere starts like a formula.
    for name in archive.namelist():
        if name.endswith(".csv"):
            for row in _csv(archive, name[:-4])[1:]:
                for cell in row:
                    assert not cell.startswith(("=", "+", "@", "\t", "\r")), (name, cell)
    # JSON is for programs: numbers with a point, text as stored.
    [note] = [m["note"] for m in json.loads(archive.read("measurements.json"))]
    assert note.startswith("=HYPERLINK")


def test_zip_is_cached_until_goals_change(
    goals, django_assert_max_num_queries, django_capture_on_commit_callbacks
) -> None:
    first = Client().get("/api/v1/open-data.zip").content
    with django_assert_max_num_queries(0):
        again = Client().get("/api/v1/open-data.zip").content
    assert again == first
    # A change to a goal bumps the picture version: the next download is rebuilt.
    with django_capture_on_commit_callbacks(execute=True):
        services.goal_update(actor=None, goal=goals["private"], visibility=Visibility.PUBLIC)
    rebuilt = zipfile.ZipFile(io.BytesIO(Client().get("/api/v1/open-data.zip").content))
    assert "Hemmeligt mål" in rebuilt.read("goals.json").decode()


def test_building_the_zip_takes_a_fixed_number_of_queries(
    goals, django_assert_max_num_queries
) -> None:
    for number in range(5):
        _goal(f"Mere {number}", status=GoalStatus.ADOPTED, visibility=Visibility.PUBLIC)
    # One query per table, the published-goal ids, and the framework's prefetches.
    with django_assert_max_num_queries(len(opendata.tables()) + 5):
        build_zip()
