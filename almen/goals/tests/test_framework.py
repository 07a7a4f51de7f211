import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from almen.goals.models import Commitment, Framework, FrameworkStatus

# The transcription of BL's publication that the data file was made from.
SEED = Path(__file__).resolve().parents[1] / "data" / "almene-maal-2026-2028.source.md"


@pytest.mark.django_db
def test_api_current_framework_has_3_cornerstones_12_commitments_3_prerequisites() -> None:
    response = Client().get("/api/v1/frameworks/current")
    assert response.status_code == 200
    data = response.json()
    assert (data["period_start"], data["period_end"]) == (2026, 2028)
    assert [c["number"] for c in data["cornerstones"]] == [1, 2, 3]
    codes = [m["code"] for c in data["cornerstones"] for m in c["commitments"]]
    assert codes == [f"{c}.{n}" for c in (1, 2, 3) for n in (1, 2, 3, 4)]
    assert [p["code"] for p in data["prerequisites"]] == ["F1", "F2", "F3"]
    first = data["cornerstones"][0]
    assert first["title"]["da"] == "En ny samfundskontrakt – frihed med ansvar"
    assert first["title"]["en"] == "A new social contract – freedom with responsibility"
    assert all(m["text"]["en"] for c in data["cornerstones"] for m in c["commitments"])
    assert "BL – Danmarks Almene Boliger" in data["credit"]["da"]


@pytest.mark.django_db
def test_danish_texts_are_verbatim_from_the_seed() -> None:
    seed = re.sub(r"\s+", " ", SEED.read_text(encoding="utf-8"))
    for commitment in Commitment.objects.all():
        assert re.sub(r"\s+", " ", commitment.text_da) in seed, commitment.code


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "commitment"),
    [
        ("da", "Det grønne potentiale – i drift, byggeri og fællesskab", "styrke biodiversiteten"),
        (
            "en",
            "The green potential – in operations, construction and community",
            "strengthen biodiversity",
        ),
    ],
)
def test_framework_page_in_both_languages(language: str, heading: str, commitment: str) -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # the header's switch
    html = client.get("/almene-maal/").content.decode()
    assert heading in html
    assert commitment in html
    assert html.count('class="almen-code"') == 12 + 3


@pytest.mark.django_db
def test_commitment_and_cornerstone_pages() -> None:
    client = Client()
    assert "3.2" in client.get("/almene-maal/2026-2028/3.2/").content.decode()
    assert client.get("/almene-maal/2026-2028/4.1/").status_code == 404
    assert client.get("/almene-maal/2026-2028/pejlemaerke-2/").status_code == 200
    assert client.get("/almene-maal/2026-2028/pejlemaerke-9/").status_code == 404
    assert client.get("/almene-maal/2030-2032/").status_code == 404


@pytest.mark.django_db
def test_draft_framework_is_for_sector_staff_only(client_for) -> None:
    draft = Framework.objects.create(
        slug="2029-2031",
        title_da="Udkast",
        period_start=2029,
        period_end=2031,
        status=FrameworkStatus.DRAFT,
        publisher="BL",
        credit_da="BL",
    )
    url = f"/almene-maal/{draft.slug}/"
    assert client_for("sector_staff").get(url).status_code == 200
    assert client_for("org_staff").get(url).status_code == 404
    assert client_for("anonymous").get(url).status_code == 302
    # The current framework is still the newest *published* one.
    assert (
        json.loads(client_for("anonymous").get("/api/v1/frameworks/current").content)["slug"]
        == "2026-2028"
    )


@pytest.mark.django_db
def test_framework_page_query_count(django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(8):
        Client().get("/almene-maal/")
