"""The measures pages per persona: who creates where, who sees which measure (by its
visibility, on the register and on the public estate page), the photo's checks, the
delete confirmation, the map and the organisation's overview; query counts flat."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from almen.attachments.models import Attachment
from almen.attachments.tests.files import PDF, image
from almen.green import measures_services as services
from almen.green.models import GreenMeasure, Involvement, MeasurePhoto
from almen.green.testing_measures import MEASURE_ID
from almen.lib.visibility import Visibility
from almen.register.models import Building, Estate

pytestmark = pytest.mark.django_db

CVR = "29190909"
BASE = f"/organisationer/{CVR}/afdelinger/1/groen-drift/tiltag/"
DAY = dt.date(2026, 5, 1)


@pytest.fixture
def estate(cast) -> Estate:
    return Estate.objects.select_related("organisation").get(organisation__cvr=CVR, number=1)


def _measure(
    estate: Estate, title: str, visibility: str, done_on_offset: int = 0, **kw
) -> GreenMeasure:
    kw.setdefault("kind", "wildflower_meadow")
    return services.measure_create(
        actor=None,
        estate=estate,
        title=title,
        done_on=DAY - dt.timedelta(days=done_on_offset),
        visibility=visibility,
        **kw,
    )


def _detail(measure: GreenMeasure) -> str:
    return f"{BASE}{measure.public_id}/"


# --- who may create where ---------------------------------------------------------


def test_estate_board_a_creates_on_estate_1_not_on_estate_2(client_for, estate) -> None:
    client = client_for("estate_board_a")
    response = client.post(
        f"{BASE}nyt/",
        {
            "kind": "green_roof",
            "title": "Grønt tag på cykelskuret",
            "done_on": "2026-05-01",
            "quantity": "30",
            "visibility": "organisation",
        },
    )
    measure = GreenMeasure.objects.get(estate=estate, title="Grønt tag på cykelskuret")
    assert response.status_code == 302
    assert response["Location"] == _detail(measure)
    assert (measure.quantity_unit, measure.area_m2) == ("m²", Decimal("30"))
    other = f"/organisationer/{CVR}/afdelinger/2/groen-drift/tiltag/nyt/"
    assert client.get(other).status_code == 403
    response = client.post(other, {"kind": "trees", "title": "X", "done_on": "2026-05-01"})
    assert response.status_code == 403
    assert not GreenMeasure.objects.filter(title="X").exists()


def test_other_org_staff_get_404_everywhere(client_for, estate) -> None:
    client = client_for("other_org_staff")
    for path in (
        BASE,
        f"{BASE}nyt/",
        f"{BASE}{MEASURE_ID}/",
        f"/organisationer/{CVR}/groen-drift/tiltag/",
    ):
        assert client.get(path).status_code == 404, path


def test_form_errors_are_danish_and_a_400(client_for, estate) -> None:
    response = client_for("org_staff").post(
        f"{BASE}nyt/",
        {
            "kind": "trees",
            "title": "Træer",
            "done_on": (timezone.localdate() + dt.timedelta(days=500)).isoformat(),
            "quantity": "-4",
            "map_x": "150",
            "map_y": "abc",
            "visibility": "organisation",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Skriv et tal, fx 120 eller 12,5." in html  # map_y
    assert not GreenMeasure.objects.filter(title="Træer", estate=estate).exists()
    response = client_for("org_staff").post(
        f"{BASE}nyt/",
        {
            "kind": "trees",
            "title": "Træer",
            "done_on": (timezone.localdate() + dt.timedelta(days=500)).isoformat(),
            "quantity": "-4",
            "map_x": "150",
            "map_y": "10",
            "visibility": "organisation",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    for message in (
        "Antal eller størrelse kan ikke være negativ.",
        "Datoen må højst ligge et år ude i fremtiden.",
        "Et punkt på kortet angives i procent, fra 0 til 100.",
    ):
        assert message in html


def test_a_building_of_another_estate_is_refused(client_for, estate) -> None:
    other = Estate.objects.get(organisation__cvr=CVR, number=2)
    elsewhere = Building.objects.create(estate=other, address="Fremmedvej 9")
    response = client_for("org_staff").post(
        f"{BASE}nyt/",
        {
            "kind": "trees",
            "title": "Træer",
            "done_on": "2026-04-01",
            "building": str(elsewhere.pk),
            "visibility": "organisation",
        },
    )
    assert response.status_code == 400
    assert "Bygningen hører ikke til afdelingen." in response.content.decode()


# --- visibility -------------------------------------------------------------------


def test_a_private_measure_is_not_shown_to_the_resident(client_for, estate) -> None:
    private = _measure(estate, "Hemmelig eng", Visibility.PRIVATE)
    shared = _measure(estate, "Fælles eng", Visibility.ORGANISATION)
    resident = client_for("resident_a")
    html = resident.get(BASE).content.decode()
    assert "Fælles eng" in html and "Hemmelig eng" not in html
    assert resident.get(_detail(private)).status_code == 404
    assert resident.get(_detail(shared)).status_code == 200
    staff_html = client_for("org_staff").get(BASE).content.decode()
    assert "Hemmelig eng" in staff_html and "Fælles eng" in staff_html
    # The organisation's board reads everything of its estates; the municipality's
    # officer only what is shared with the municipality or wider.
    assert "Hemmelig eng" in client_for("org_board").get(BASE).content.decode()
    officer = client_for("municipality_officer").get(BASE).content.decode()
    assert "Fælles eng" not in officer and "Matrixens blomstereng" in officer


def test_public_measures_and_involvement_are_on_the_public_estate_page(client_for, estate) -> None:
    public = _measure(estate, "Offentlig blomstereng", Visibility.PUBLIC, area_m2=Decimal("75"))
    _measure(estate, "Intern regnbed", Visibility.ORGANISATION, kind="rainwater_bed")
    services.involvement_create(
        actor=None,
        estate=estate,
        kind="workday",
        title="Offentlig plantedag",
        held_on=DAY,
        participants=18,
        measure=public,
        visibility=Visibility.PUBLIC,
    )
    services.involvement_create(
        actor=None,
        estate=estate,
        kind="workshop",
        title="Internt møde",
        held_on=DAY,
        participants=6,
    )
    page = f"/organisationer/{CVR}/afdelinger/1/"
    html = Client().get(page).content.decode()
    assert "Grønne tiltag og biodiversitet" in html
    assert "Offentlig blomstereng" in html and "Offentlig plantedag" in html
    assert "18 deltagere" in html
    assert "offentliggjort 1 grønt tiltag med 75 m² areal" in html
    assert "Intern regnbed" not in html and "Internt møde" not in html
    assert "Matrixens blomstereng" not in html  # shared with the municipality only
    # Anonymous visitors do not reach the register itself.
    assert Client().get(BASE).status_code == 302


def test_no_section_on_the_estate_page_when_nothing_is_public(client_for, estate) -> None:
    html = Client().get(f"/organisationer/{CVR}/afdelinger/2/").content.decode()
    assert "Grønne tiltag og biodiversitet" not in html


# --- photos -----------------------------------------------------------------------


def _photo_url(measure_id: object = MEASURE_ID) -> str:
    return f"{BASE}{measure_id}/fotos/ny/"


def test_a_photo_with_alt_text_is_shown_on_the_measure_page(client_for) -> None:
    client = client_for("estate_board_a")
    png = SimpleUploadedFile("eng.png", image("PNG"), content_type="image/png")
    response = client.post(_photo_url(), {"file": png, "alt_text": "Blomstereng med valmuer"})
    assert response.status_code == 302
    photo = MeasurePhoto.objects.select_related("attachment").get(measure__public_id=MEASURE_ID)
    assert photo.attachment.mime_type == "image/png"
    assert photo.attachment.kind == "foto"
    html = client_for("resident_a").get(f"{BASE}{MEASURE_ID}/").content.decode()
    assert f'src="/bilag/fil/{photo.attachment.public_id}/"' in html
    assert 'alt="Blomstereng med valmuer"' in html
    # The resident reads the photo (the measure is shared with them), as a file.
    download = client_for("resident_a").get(f"/bilag/fil/{photo.attachment.public_id}/")
    assert download.status_code == 200
    assert (
        client_for("other_org_staff").get(f"/bilag/fil/{photo.attachment.public_id}/").status_code
        == 404
    )


def test_a_photo_needs_its_alt_text(client_for) -> None:
    png = SimpleUploadedFile("eng.png", image("PNG"), content_type="image/png")
    response = client_for("org_staff").post(_photo_url(), {"file": png, "alt_text": " "})
    assert response.status_code == 400
    assert "Skriv, hvad fotoet viser (til skærmlæsere)." in response.content.decode()
    assert not Attachment.objects.filter(original_name="eng.png").exists()


def test_a_non_image_is_refused(client_for) -> None:
    client = client_for("org_staff")
    pdf = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    response = client.post(_photo_url(), {"file": pdf, "alt_text": "Plan"})
    assert response.status_code == 400
    assert "Her kan kun lægges JPEG og PNG og WebP-filer op." in response.content.decode()
    # A PDF dressed as a PNG: the bytes decide.
    fake = SimpleUploadedFile("plan.png", PDF, content_type="image/png")
    response = client.post(_photo_url(), {"file": fake, "alt_text": "Plan"})
    assert response.status_code == 400
    assert "indholdet er PDF" in response.content.decode()
    assert not MeasurePhoto.objects.filter(measure__public_id=MEASURE_ID).exists()
    assert not Attachment.objects.filter(original_name__startswith="plan").exists()


def test_a_too_big_photo_is_refused_before_its_body_is_read(cast) -> None:
    from almen.accounts.tests.helpers import login_with_mfa
    from almen.attachments.tests.test_big_upload import MB, MultipartStream, environ

    client = Client(enforce_csrf_checks=True)
    login_with_mfa(client, cast["estate_board_a"].user)
    token = "x" * 32
    client.cookies["csrftoken"] = token
    body = MultipartStream(200 * MB, token)
    before = Attachment.objects.count()
    response = client.generic("POST", _photo_url(), **environ(body))
    assert response.status_code == 413
    html = response.content.decode()
    assert "Filen er for stor. Et bilag må højst fylde 25 MB." in html
    assert body.read_bytes == 0
    assert Attachment.objects.count() == before


def test_a_photo_just_over_the_limit_is_stopped_as_it_streams(cast, settings) -> None:
    from almen.accounts.tests.helpers import login_with_mfa
    from almen.attachments.tests.test_big_upload import MB, MultipartStream, environ

    settings.ATTACHMENTS_MAX_BYTES = 2 * MB
    client = Client(enforce_csrf_checks=True)
    login_with_mfa(client, cast["org_staff"].user)
    client.cookies["csrftoken"] = "x" * 32
    body = MultipartStream(2 * MB + 900 * 1024, "x" * 32)
    response = client.generic("POST", _photo_url(), **environ(body))
    assert response.status_code == 413
    assert "Et bilag må højst fylde 2 MB." in response.content.decode()
    assert body.read_bytes < 2 * MB + 200 * 1024


# --- deleting ---------------------------------------------------------------------


def test_delete_needs_confirmation(client_for, estate) -> None:
    measure = _measure(estate, "Slettes snart", Visibility.ORGANISATION)
    client = client_for("org_staff")
    page = client.get(f"{_detail(measure)}slet/")
    assert page.status_code == 200
    assert "Det kan ikke fortrydes." in page.content.decode()
    assert client.post(f"{_detail(measure)}slet/").status_code == 200  # no confirm: asks
    assert GreenMeasure.objects.filter(pk=measure.pk).exists()
    response = client.post(f"{_detail(measure)}slet/", {"confirm": "yes"})
    assert response.status_code == 302 and response["Location"] == BASE
    assert not GreenMeasure.objects.filter(pk=measure.pk).exists()


def test_deleting_a_measure_removes_its_photos_and_keeps_its_involvement(
    client_for, estate
) -> None:
    measure = _measure(estate, "Med foto", Visibility.ORGANISATION)
    png = SimpleUploadedFile("foto.png", image("PNG"), content_type="image/png")
    client = client_for("org_staff")
    assert (
        client.post(_photo_url(measure.public_id), {"file": png, "alt_text": "Et foto"}).status_code
        == 302
    )
    entry = services.involvement_create(
        actor=None,
        estate=estate,
        kind="workday",
        title="Dag",
        held_on=DAY,
        participants=4,
        measure=measure,
    )
    client.post(f"{_detail(measure)}slet/", {"confirm": "yes"})
    assert not Attachment.objects.filter(original_name="foto.png").exists()
    assert not MeasurePhoto.objects.filter(alt_text="Et foto").exists()
    entry.refresh_from_db()
    assert entry.measure_id is None


def test_involvement_delete_needs_confirmation(client_for, estate) -> None:
    entry = services.involvement_create(
        actor=None, estate=estate, kind="workday", title="Dag", held_on=DAY, participants=4
    )
    url = f"/organisationer/{CVR}/afdelinger/1/groen-drift/inddragelse/{entry.public_id}/slet/"
    client = client_for("estate_board_a")
    assert client.post(url).status_code == 200
    assert Involvement.objects.filter(pk=entry.pk).exists()
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert not Involvement.objects.filter(pk=entry.pk).exists()


# --- the page: map, totals, involvement, queries ---------------------------------


def test_the_page_shows_totals_map_and_log(client_for, estate) -> None:
    block = Building.objects.create(estate=estate, address="Tiltagsvej 1")
    _measure(estate, "Tag", Visibility.ORGANISATION, kind="green_roof", area_m2=Decimal("30"))
    _measure(
        estate,
        "Ladere",
        Visibility.ORGANISATION,
        kind="ev_charging",
        quantity=Decimal("4"),
        building=block,
    )
    services.involvement_create(
        actor=None, estate=estate, kind="workday", title="Plantedag", held_on=DAY, participants=23
    )
    html = client_for("org_staff").get(BASE).content.decode()
    # The matrix's 120 m² meadow + 30 m² roof; the chargers have no area: 3 measures.
    assert "<dd>3</dd>" in html
    assert "150 m²" in html
    assert "<svg" in html and "Tiltagsvej 1" in html
    # Newest first: both of 01-05-2026 (the chargers last created, so number 1), then
    # the matrix's meadow of 2025; the list beside the map carries the same numbers.
    assert '<li value="1"><a href' in html
    assert "Ladere</a> (Ladestandere) – Tiltagsvej 1" in html
    assert "Plantedag" in html and '<td class="text-align-right">23</td>' in html


def test_query_count_does_not_grow_with_the_data(
    client_for, estate, django_assert_max_num_queries
) -> None:
    client = client_for("org_staff")
    client.get(BASE)  # warm the session and caches
    for i in range(3):
        _measure(estate, f"Eng {i}", Visibility.ORGANISATION)
    with django_assert_max_num_queries(20) as few:
        assert client.get(BASE).status_code == 200
    for i in range(30):
        block = Building.objects.create(estate=estate, address=f"Blok {i}")
        _measure(estate, f"Flere {i}", Visibility.ORGANISATION, building=block)
        services.involvement_create(
            actor=None, estate=estate, kind="workday", title=f"D {i}", held_on=DAY, participants=i
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(BASE).status_code == 200


def test_organisation_overview_for_staff_and_board(client_for, estate) -> None:
    _measure(estate, "Eng", Visibility.PRIVATE, area_m2=Decimal("30"))
    services.involvement_create(
        actor=None, estate=estate, kind="workday", title="Dag", held_on=DAY, participants=9
    )
    url = f"/organisationer/{CVR}/groen-drift/tiltag/"
    for persona in ("org_staff", "org_board"):
        response = client_for(persona).get(url)
        html = response.content.decode()
        assert response.status_code == 200
        # Estate 1: the matrix's 120 m² meadow and this 30 m² one.
        assert "150 m²" in html
        assert "Vild blomstereng" in html
        assert '<th scope="row">2026</th>' in html
    assert client_for("estate_board_a").get(url).status_code == 403
    assert client_for("municipality_officer").get(url).status_code == 404


def test_the_estate_page_links_readers_to_the_register(client_for) -> None:
    html = client_for("resident_a").get(f"/organisationer/{CVR}/afdelinger/1/").content.decode()
    assert f'href="{BASE}"' in html
    assert "har ikke offentliggjort nogen grønne tiltag" in html
    # Organisation B's staff see the public page of estate A, without the link.
    html = client_for("other_org_staff").get(f"/organisationer/{CVR}/afdelinger/1/").content
    assert BASE.encode() not in html


def test_the_organisation_page_links_staff_and_board_to_the_overview(client_for) -> None:
    url = f"/organisationer/{CVR}/groen-drift/tiltag/"
    for persona, shown in (("org_staff", True), ("org_board", True), ("resident_a", False)):
        html = client_for(persona).get(f"/organisationer/{CVR}/").content.decode()
        assert (f'href="{url}"' in html) is shown, persona
    html = client_for("org_board").get(f"/organisationer/{CVR}/").content.decode()
    # The matrix's 120 m² meadow on estate 1.
    assert "Afdelingerne har 1 grønt tiltag med 120 m² areal for biodiversiteten." in html


def test_a_photo_put_up_on_the_attachments_page_gets_the_measures_title_as_alt(
    client_for,
) -> None:
    """The generic attachments page takes the measure's photos too (images only), but
    asks for no description: the measure's page gives it one from the title."""
    client = client_for("org_staff")
    png = SimpleUploadedFile("bilag.png", image("PNG"), content_type="image/png")
    response = client.post(f"/bilag/groent-tiltag/{MEASURE_ID}/", {"kind": "foto", "file": png})
    assert response.status_code == 302
    pdf = SimpleUploadedFile("bilag.pdf", PDF, content_type="application/pdf")
    response = client.post(f"/bilag/groent-tiltag/{MEASURE_ID}/", {"kind": "foto", "file": pdf})
    assert response.status_code == 400  # the measure's owner kind takes images only
    html = client.get(f"{BASE}{MEASURE_ID}/").content.decode()
    assert 'alt="Foto af tiltaget »Matrixens blomstereng«"' in html
    assert "Fotoet har ingen beskrivelse til skærmlæsere." in html


def test_the_list_is_paginated_and_numbered_across_pages(client_for, estate) -> None:
    for i in range(26):
        _measure(estate, f"Eng nr. {i}", Visibility.ORGANISATION, done_on_offset=i)
    client = client_for("org_staff")
    first = client.get(BASE).content.decode()
    assert "Side 1 af 2" in first
    second = client.get(f"{BASE}?side=2").content.decode()
    # 27 measures (with the matrix's, the oldest): number 26 and 27 on page 2.
    assert "<td>26</td>" in second and "<td>27</td>" in second
    assert "Matrixens blomstereng" in second


def test_the_register_renders_in_english(client_for, estate) -> None:
    from django.conf import settings

    client = client_for("org_staff")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(BASE).content.decode()
    assert "Green measures and biodiversity in" in html
    assert "Wildflower meadow" in html and "Map of the estate" in html
    assert "Vild blomstereng" not in html


def test_the_measure_page_has_a_bounded_query_count(
    client_for, estate, django_assert_max_num_queries
) -> None:
    measure = GreenMeasure.objects.get(public_id=MEASURE_ID)
    client = client_for("org_staff")
    for i in range(3):
        png = SimpleUploadedFile(f"f{i}.png", image("PNG"), content_type="image/png")
        client.post(_photo_url(), {"file": png, "alt_text": f"Foto {i}"})
        services.involvement_create(
            actor=None,
            estate=estate,
            kind="workday",
            title=f"Dag {i}",
            held_on=DAY,
            participants=i,
            measure=measure,
        )
    with django_assert_max_num_queries(15):
        html = client.get(f"{BASE}{MEASURE_ID}/").content.decode()
    assert html.count('<img class="almen-chart"') == 3
