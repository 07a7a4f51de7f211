"""Green measures' services and selectors, hand-computed: biodiversity area, the
validation messages, the suggested units, audit entries, the map's placing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from almen.audit.models import AuditEntry
from almen.green import measures_selectors as selectors
from almen.green import measures_services as services
from almen.green.models import GreenMeasure, Involvement
from almen.register.models import Building, Estate, Organisation

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 5, 1)


@pytest.fixture
def estate(cast) -> Estate:
    """A fresh estate of organisation A (the matrix's measure is on estate 1)."""
    one = Estate.objects.get(organisation__cvr="29190909", number=1)
    return Estate.objects.create(
        organisation=one.organisation,
        number=901,
        name="Tiltagsparken",
        municipality=one.municipality,
    )


def _create(estate: Estate, **kw):
    kw.setdefault("done_on", DAY)
    return services.measure_create(actor=None, estate=estate, **kw)


def test_biodiversity_area_counts_the_biodiversity_kinds_area_only(estate) -> None:
    # 120 m² meadow + 30 m² green roof are biodiversity; 10 trees have no area;
    # 40 m² of solar panels is an area, but not for biodiversity: 150 m², 4 measures.
    _create(estate, kind="wildflower_meadow", title="Eng", area_m2=Decimal("120"))
    _create(estate, kind="green_roof", title="Tag", area_m2=Decimal("30"))
    _create(estate, kind="trees", title="Træer", quantity=Decimal("10"))
    _create(estate, kind="solar_panels", title="Solceller", area_m2=Decimal("40"))
    assert selectors.measure_totals([estate.pk]) == (4, Decimal("150"))


def test_measure_totals_is_one_query(estate, django_assert_num_queries) -> None:
    _create(estate, kind="pond", title="Vandhul", area_m2=Decimal("12.5"))
    with django_assert_num_queries(1):
        assert selectors.measure_totals([estate.pk]) == (1, Decimal("12.5"))


def test_measure_totals_of_no_measures_is_zero(estate) -> None:
    assert selectors.measure_totals([estate.pk]) == (0, Decimal("0"))
    assert selectors.measure_totals([]) == (0, Decimal("0"))


def test_a_size_without_unit_gets_the_kinds_unit_and_m2_counts_as_area(estate) -> None:
    meadow = _create(estate, kind="wildflower_meadow", title="Eng", quantity=Decimal("80"))
    assert (meadow.quantity_unit, meadow.area_m2) == ("m²", Decimal("80"))
    trees = _create(estate, kind="trees", title="Træer", quantity=Decimal("10"))
    assert (trees.quantity_unit, trees.area_m2) == ("stk.", None)
    solar = _create(estate, kind="solar_panels", title="Sol", quantity=Decimal("12"))
    # kWp is not an area, and solar panels are not a biodiversity kind.
    assert (solar.quantity_unit, solar.area_m2) == ("kWp", None)
    boxes = _create(estate, kind="nest_boxes", title="Kasser", quantity=Decimal("6"))
    chargers = _create(estate, kind="ev_charging", title="Lad", quantity=Decimal("4"))
    assert (boxes.quantity_unit, chargers.quantity_unit) == ("stk.", "stk.")
    assert selectors.measure_totals([estate.pk]) == (5, Decimal("80"))


def _errors(**kw) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        services.measure_create(actor=None, **kw)
    return caught.value.message_dict


def test_validation_messages(estate) -> None:
    other = Estate.objects.get(organisation__cvr="29190909", number=2)
    elsewhere = Building.objects.create(estate=other, address="Andetsteds 1")
    errors = _errors(
        estate=estate,
        kind="trees",
        title="Træer",
        done_on=timezone.localdate() + dt.timedelta(days=400),
        quantity=Decimal("-1"),
        area_m2=Decimal("20000000"),
        cost_dkk=Decimal("-5"),
        building=elsewhere,
        map_x=Decimal("101"),
        map_y=Decimal("50"),
    )
    assert errors == {
        "quantity": ["Antal eller størrelse kan ikke være negativ."],
        "area_m2": ["Arealet er for stor: højst 10.000.000."],
        "cost_dkk": ["Udgiften kan ikke være negativ."],
        "done_on": ["Datoen må højst ligge et år ude i fremtiden."],
        "map_x": ["Et punkt på kortet angives i procent, fra 0 til 100."],
        "building": ["Bygningen hører ikke til afdelingen. Vælg en af afdelingens bygninger."],
    }
    assert not GreenMeasure.objects.filter(estate=estate).exists()


def test_a_map_point_needs_both_axes_and_a_title_is_required(estate) -> None:
    errors = _errors(estate=estate, kind="trees", title=" ", done_on=DAY, map_x=Decimal("10"))
    assert errors == {
        "title": ["Skriv en titel."],
        "map_y": ["Angiv både den vandrette og den lodrette placering, eller ingen af dem."],
    }


def test_a_date_a_year_ahead_is_allowed(estate) -> None:
    ahead = timezone.localdate() + dt.timedelta(days=365)
    assert _create(estate, kind="trees", title="Planlagt", done_on=ahead).done_on == ahead


def test_create_update_delete_are_audited(estate) -> None:
    measure = _create(estate, kind="hedge", title="Hæk", quantity=Decimal("40"))
    assert measure.quantity_unit == "m"
    pk = measure.pk
    services.measure_update(
        actor=None, measure=measure, changes={"title": "Hæk langs stien", "map_x": None}
    )
    mine = AuditEntry.objects.filter(object_type="green.greenmeasure", object_id=str(pk))
    update = mine.get(action="update")
    assert update.after == {"title": "Hæk langs stien"}  # only what changed
    with pytest.raises(ValidationError) as caught:
        services.measure_update(actor=None, measure=measure, changes={"cost_dkk": Decimal("-1")})
    assert caught.value.message_dict == {"cost_dkk": ["Udgiften kan ikke være negativ."]}
    services.measure_delete(actor=None, measure=measure)
    assert not GreenMeasure.objects.filter(pk=pk).exists()
    entries = mine
    assert list(entries.order_by("pk").values_list("action", flat=True)) == [
        "create",
        "update",
        "delete",
    ]


def test_involvement_rules_and_participants_per_year(estate) -> None:
    meadow = _create(estate, kind="wildflower_meadow", title="Eng", area_m2=Decimal("50"))
    for day, people, homes in ((dt.date(2025, 4, 5), 12, 8), (dt.date(2025, 9, 6), 20, None)):
        services.involvement_create(
            actor=None,
            estate=estate,
            kind="workday",
            title="Arbejdsdag",
            held_on=day,
            participants=people,
            households=homes,
            measure=meadow,
        )
    services.involvement_create(
        actor=None,
        estate=estate,
        kind="campaign",
        title="Affald",
        held_on=dt.date(2026, 3, 1),
        participants=31,
    )
    rows = selectors.participants_by_year(Involvement.objects.filter(estate=estate))
    assert rows == [
        selectors.YearRow(2026, 1, 31, 0),
        selectors.YearRow(2025, 2, 32, 8),
    ]
    other = Estate.objects.get(organisation__cvr="29190909", number=1)
    foreign = GreenMeasure.objects.filter(estate=other).first()
    with pytest.raises(ValidationError) as caught:
        services.involvement_create(
            actor=None,
            estate=estate,
            kind="workday",
            title="Forkert",
            held_on=DAY,
            participants=-3,
            measure=foreign,
        )
    assert caught.value.message_dict == {
        "participants": ["Antal deltagere skal være mellem 0 og 100000."],
        "measure": ["Tiltaget hører ikke til afdelingen. Vælg et af afdelingens tiltag."],
    }


def test_the_map_places_markers_at_their_point_or_on_their_building(estate) -> None:
    a = Building.objects.create(estate=estate, address="Blok A")
    b = Building.objects.create(estate=estate, address="Blok B")
    pointed = _create(
        estate, kind="trees", title="Punkt", map_x=Decimal("50"), map_y=Decimal("25"), building=a
    )
    on_b = _create(estate, kind="nest_boxes", title="På B", building=b)
    nowhere = _create(estate, kind="other", title="Intet sted")
    plan = selectors.estate_map([a, b], [pointed, on_b, nowhere])
    # Two buildings on a 1000 × 600 map: ceil(sqrt(2 × 1000/600)) = 2 columns, 1 row;
    # cells of 500 × 600, padded 12 % and 18 %: boxes 380 wide, 384 high.
    assert [(box.x, box.y, box.w, box.h) for box in plan.boxes] == [
        (60.0, 108.0, 380.0, 384.0),
        (560.0, 108.0, 380.0, 384.0),
    ]
    first, second, third = plan.markers
    assert (first.number, first.x, first.y, first.where) == (1, 500.0, 150.0, "point")
    # On building B: 18 in from its left edge, 18 up from its lower edge.
    assert (second.number, second.x, second.y, second.where) == (2, 578.0, 474.0, "building")
    assert (third.number, third.where) == (3, "")
    assert [m.number for m in plan.placed] == [1, 2]


def test_organisation_overview_totals(estate) -> None:
    organisation = Organisation.objects.get(cvr="29190909")
    _create(estate, kind="wildflower_meadow", title="Eng", area_m2=Decimal("10"))
    _create(estate, kind="wildflower_meadow", title="Eng 2", area_m2=Decimal("5"))
    _create(estate, kind="led_lighting", title="LED", expected_saving_kwh=Decimal("1200"))
    rows = {r["estate__number"]: r for r in selectors.organisation_estates(organisation)}
    assert (rows[901]["count"], rows[901]["bio"], rows[901]["kwh"]) == (
        3,
        Decimal("15"),
        Decimal("1200"),
    )
    # The matrix's meadow on estate 1 (120 m²) is the organisation's too.
    kinds = {k.kind: k for k in selectors.organisation_kinds(organisation)}
    assert (kinds["wildflower_meadow"].count, kinds["wildflower_meadow"].area_m2) == (
        3,
        Decimal("135"),
    )
