import pytest
from django.test import Client

from almen.goals import services
from almen.goals.library import LibraryQuery, library_search
from almen.goals.models import Goal, GoalStatus
from almen.goals.testing import GOAL_ID
from almen.lib.visibility import Visibility
from almen.register.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(cast) -> Goal:
    goal = Goal.objects.get(public_id=GOAL_ID)
    services.goal_update(actor=None, goal=goal, visibility=Visibility.PUBLIC)
    return goal


def test_only_published_goals_are_in_the_library(published) -> None:
    assert list(library_search(LibraryQuery())) == [published]
    services.goal_update(actor=None, goal=published, status=GoalStatus.DRAFT)
    assert not library_search(LibraryQuery()).exists()


@pytest.mark.parametrize(
    ("query", "found"),
    [
        (LibraryQuery(commitment="3.2"), True),
        (LibraryQuery(commitment="2.1"), False),
        (LibraryQuery(municipality="0101"), True),
        (LibraryQuery(municipality="0751"), False),
        (LibraryQuery(region="Region Hovedstaden"), True),
        (LibraryQuery(region="Region Nordjylland"), False),
        (LibraryQuery(size="small"), True),  # the matrix estate has ~6 homes
        (LibraryQuery(size="large"), False),
        (LibraryQuery(indicator="fremmødte"), True),
        (LibraryQuery(indicator="CO2"), False),
        (LibraryQuery(text="afdelingsmødet"), True),
        (LibraryQuery(text="Fællesbo"), True),
    ],
)
def test_filters(published, query, found) -> None:
    assert library_search(query).exists() is found


def test_adoption_count_and_library_page(published, cast) -> None:
    for cvr in ("31415926", "27182818"):
        services.goal_copy(
            actor=None, source=published, organisation=Organisation.objects.get(cvr=cvr)
        )
    assert getattr(library_search(LibraryQuery()).get(), "adoption_count") == 2  # noqa: B009
    html = Client().get("/inspiration/?commitment=3.2").content.decode()
    assert "Flere til afdelingsmødet" in html and "Brugt af 2 andre" in html
    assert (
        "Flere til afdelingsmødet" in Client().get("/almene-maal/2026-2028/3.2/").content.decode()
    )
    assert "Flere til" not in Client().get("/inspiration/?commitment=1.1").content.decode()


def test_bad_filter_values_are_a_clear_message_not_an_error(published) -> None:
    response = Client().get("/inspiration/?commitment=9.9&size=huge&municipality=xx")
    assert response.status_code == 200
    assert "Marker en gyldig valgmulighed. 9.9" in response.content.decode()


def test_library_query_count(published, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(12):
        Client().get("/inspiration/")
