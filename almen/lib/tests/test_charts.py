"""lib.charts: the SVG is accessible (title, desc, aria-labelledby), well formed, keeps
every mark inside its box, and survives the edge cases: no data, one point, equal
values, negative values, extreme dates. Checked by parsing the SVG, not by matching
strings."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from almen.lib.charts import (
    HEIGHT,
    PAD_BOTTOM,
    PAD_LEFT,
    PAD_RIGHT,
    PAD_TOP,
    WIDTH,
    LineChart,
    Point,
    _fmt,
    bar_chart_svg,
    line_chart_svg,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314 - our own output, not untrusted input


def chart(points: list[tuple[dt.date, str]], **extra) -> ElementTree.Element:
    return parse(
        line_chart_svg(
            LineChart(
                title='Tilfredshed <&> "beboere"',
                description="Målinger fra 2024 til 2026.",
                unit="%",
                points=[Point(d, Decimal(v)) for d, v in points],
                **extra,
            )
        )
    )


def marks(root: ElementTree.Element) -> list[tuple[float, float]]:
    """Centre of every measurement dot, baseline circle and target square."""
    found = []
    for circle in root.iter(f"{SVG}circle"):
        found.append((float(circle.get("cx", "nan")), float(circle.get("cy", "nan"))))
    for rect in root.iter(f"{SVG}rect"):
        found.append((float(rect.get("x", "nan")) + 6, float(rect.get("y", "nan")) + 6))
    return found


def inside_plot(x: float, y: float) -> bool:
    return (
        PAD_LEFT - 0.05 <= x <= WIDTH - PAD_RIGHT + 0.05
        and PAD_TOP - 0.05 <= y <= HEIGHT - PAD_BOTTOM + 0.05
    )


def test_title_and_description_label_the_image_and_are_escaped() -> None:
    root = chart([(dt.date(2024, 1, 1), "50"), (dt.date(2025, 1, 1), "60")])
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert title.text == 'Tilfredshed <&> "beboere"'  # escaped in the SVG, intact here
    assert desc.text == "Målinger fra 2024 til 2026."
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_each_chart_has_its_own_ids() -> None:
    points = [(dt.date(2024, 1, 1), "1")]
    first, second = chart(points), chart(points)
    assert first.get("aria-labelledby") != second.get("aria-labelledby")


def test_no_data_draws_nothing() -> None:
    assert line_chart_svg(LineChart(title="x", description="y", unit="", points=[])) == ""


def test_points_are_drawn_in_date_order_inside_the_plot() -> None:
    points = [
        (dt.date(2025, 6, 30), "70"),
        (dt.date(2024, 1, 1), "50"),
        (dt.date(2024, 12, 31), "65.5"),
    ]
    root = chart(points)
    line = root.find(f"{SVG}polyline")
    assert line is not None
    xy = [tuple(map(float, pair.split(","))) for pair in line.get("points", "").split()]
    assert [x for x, _y in xy] == sorted(x for x, _y in xy)
    # Higher values are higher up (smaller y): 50 < 65.5 < 70.
    assert xy[0][1] > xy[1][1] > xy[2][1]
    assert all(inside_plot(x, y) for x, y in xy)
    # The first and last dates span the plot's width.
    assert xy[0][0] == pytest.approx(PAD_LEFT, abs=0.05)
    assert xy[-1][0] == pytest.approx(WIDTH - PAD_RIGHT, abs=0.05)


def test_one_point() -> None:
    root = chart([(dt.date(2025, 3, 31), "12.5")])
    (dot,) = list(root.iter(f"{SVG}circle"))
    assert inside_plot(float(dot.get("cx", "nan")), float(dot.get("cy", "nan")))


@pytest.mark.parametrize("value", ["0", "7", "-3"])
def test_equal_values(value) -> None:
    days = [dt.date(2024, 1, 1), dt.date(2025, 1, 1), dt.date(2026, 1, 1)]
    root = chart([(d, value) for d in days])
    ys = {float(c.get("cy", "nan")) for c in root.iter(f"{SVG}circle")}
    assert len(ys) == 1  # one horizontal line …
    assert all(inside_plot(x, y) for x, y in marks(root))  # … inside the plot


def test_baseline_target_and_milestones_are_inside() -> None:
    root = chart(
        [(dt.date(2025, 1, 1), "40")],
        baseline=Point(dt.date(2024, 1, 1), Decimal("30")),
        target=Point(dt.date(2028, 12, 31), Decimal("90")),
        milestones=[Point(dt.date(2026, 12, 31), Decimal("60"))],
    )
    assert len(list(root.iter(f"{SVG}rect"))) == 1  # the target
    assert len(list(root.iter(f"{SVG}circle"))) == 2  # the measurement and the baseline
    assert all(inside_plot(x, y) for x, y in marks(root))
    # Year ticks for every 1 January in the span, labelled with the year.
    years = [t.text for t in root.iter(f"{SVG}text") if t.text and re.fullmatch(r"\d{4}", t.text)]
    assert years == ["2024", "2025", "2026", "2027", "2028"]


@pytest.mark.parametrize(
    "days",
    [
        [dt.date.min, dt.date(2025, 1, 1)],
        [dt.date(2025, 1, 1), dt.date.max],
        [dt.date.max],
        [dt.date.min],
        [dt.date.min, dt.date.max],
    ],
)
def test_extreme_dates(days) -> None:
    """Dates at the ends of the calendar (as a typo like 31-12-9999 gives) draw a
    chart instead of raising (year 10000 does not exist)."""
    root = chart([(d, "1") for d in days])
    assert all(inside_plot(x, y) for x, y in marks(root))


@settings(deadline=None, max_examples=50)
@given(
    st.lists(
        st.tuples(
            st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
            st.decimals(
                min_value=Decimal("-1e9"),
                max_value=Decimal("1e9"),
                allow_nan=False,
                allow_infinity=False,
                places=2,
            ),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_any_measurements_stay_inside_the_plot(points) -> None:
    root = chart([(d, str(v)) for d, v in points])
    assert len(list(root.iter(f"{SVG}circle"))) == len(points)
    assert all(inside_plot(x, y) for x, y in marks(root))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (0.5, "0,5"),
        (2.0, "2"),
        (12.34, "12,3"),
        (-3.5, "-3,5"),
        (999.9, "999,9"),
        (1234.5, "1.234"),
        (-1500, "-1.500"),
        (1_000_000, "1.000.000"),
        (-0.04, "0"),
    ],
)
def test_axis_labels_are_danish_numbers(value, text) -> None:
    assert _fmt(value) == text


def test_axis_labels_in_the_chart() -> None:
    root = chart([(dt.date(2024, 1, 1), "0"), (dt.date(2025, 1, 1), "1000")])
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "0" in labels and "1.080" in labels  # the top grid line: 1000 plus 8 % room


def test_bar_chart() -> None:
    root = parse(
        bar_chart_svg(
            title="Andel",
            description="Procent af boligerne.",
            bars=[("A1", 50.0), ("B2 <x>", 25.0), ("C3", 0.0)],
            unit=" %",
        )
    )
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    widths = [float(r.get("width", "nan")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(2 * widths[1]) and widths[2] == 0
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["A1", "50 %", "B2 <x>", "25 %", "C3", "0 %"]
    _min_x, _min_y, width, height = map(float, root.get("viewBox", "").split())
    assert all(0 <= w <= width for w in widths)
    assert all(float(r.get("y", "nan")) + 18 <= height for r in root.iter(f"{SVG}rect"))


def test_bar_chart_without_bars_and_with_a_negative_value() -> None:
    empty = parse(bar_chart_svg(title="Tom", description="Ingen data.", bars=[]))
    assert list(empty.iter(f"{SVG}rect")) == []
    root = parse(bar_chart_svg(title="x", description="y", bars=[("Fald", -5.0), ("Op", 10.0)]))
    widths = [float(r.get("width", "nan")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] == 0 and widths[1] > 0  # SVG forbids negative widths
    assert [t.text for t in root.iter(f"{SVG}text")][1] == "-5"


def test_long_year_axes_mark_every_other_label_minor_for_phones() -> None:
    """On a phone the labels are set larger (site.css) and the minor ones hidden, so a
    ten-year axis does not become a smear of overlapping years."""
    import datetime as _dt
    from decimal import Decimal as _D

    from almen.lib.charts import LineChart, Point, line_chart_svg

    points = [Point(_dt.date(2016 + i, 6, 1), _D(i)) for i in range(10)]
    svg = str(line_chart_svg(LineChart("T", "D", "", points)))
    assert svg.count('class="almen-chart-minor"') == 5  # 2017, 2019, … 2025
    short = str(line_chart_svg(LineChart("T", "D", "", points[:3])))
    assert "almen-chart-minor" not in short
