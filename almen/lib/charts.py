"""Server-side SVG charts for pages and PDF reports alike.

Every chart has a title and a description (``<title>``/``<desc>`` and
``aria-labelledby``), and the caller shows the same data as a table beside it, so the
numbers are there for screen readers, print and copy-paste. No JavaScript.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 280
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 56, 16, 16, 36
# Det Fælles Designsystem's palette: primary blue, dark grey, success green, warning.
LINE = "#0059b3"
TARGET = "#008139"
BASELINE = "#6c6c6c"
GRID = "#d8d8d8"
TEXT = "#1a1a1a"
MAX_YEAR_TICKS = 12


@dataclass(frozen=True)
class Point:
    date: dt.date
    value: Decimal


@dataclass
class LineChart:
    title: str
    description: str
    unit: str
    points: list[Point]
    baseline: Point | None = None
    target: Point | None = None
    milestones: list[Point] = field(default_factory=list)


def _fmt(value: float) -> str:
    text = f"{value:,.1f}" if abs(value) < 1000 else f"{value:,.0f}"
    # Danish number format: . for thousands, , for decimals.
    text = text.replace(",", "\u00a0").replace(".", ",").replace("\u00a0", ".").removesuffix(",0")
    return "0" if text == "-0" else text  # -0.04 rounds to 0, not to "-0"


def _minor(n: int, count: int) -> str:
    """Every other year label of a long axis is "minor": site.css hides those on a phone,
    where the labels are set larger (a 640-wide chart shrinks to half on a phone)."""
    return ' class="almen-chart-minor"' if count > 6 and n % 2 else ""


def line_chart_svg(chart: LineChart) -> SafeString:
    """A line chart of measurements with the baseline and the target marked."""
    uid = uuid.uuid4().hex[:8]
    all_points = list(chart.points) + [p for p in (chart.baseline, chart.target) if p]
    all_points += chart.milestones
    if not all_points:
        return mark_safe("")
    dates = [p.date.toordinal() for p in all_points]
    values = [float(p.value) for p in all_points]
    d0, d1 = min(dates), max(dates)
    v0, v1 = min([*values, 0.0]), max(values)
    if v1 == v0:
        v1 = v0 + 1
    v1 += (v1 - v0) * 0.08
    if d1 == d0:
        d1 = d0 + 1
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM

    def x(day: dt.date) -> float:
        return PAD_LEFT + (day.toordinal() - d0) / (d1 - d0) * plot_w

    def y(value: Decimal | float) -> float:
        return PAD_TOP + (1 - (float(value) - v0) / (v1 - v0)) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="t{uid} d{uid}" class="almen-chart" '
        f'font-family="IBM Plex Sans, Arial, sans-serif" font-size="12">',
        f'<title id="t{uid}">{escape(chart.title)}</title>',
        f'<desc id="d{uid}">{escape(chart.description)}</desc>',
    ]
    for i in range(5):  # horizontal grid with value labels
        value = v0 + (v1 - v0) * i / 4
        gy = y(value)
        parts.append(
            f'<line x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{gy:.1f}" '
            f'y2="{gy:.1f}" stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{PAD_LEFT - 6}" y="{gy + 4:.1f}" text-anchor="end" '
            f'fill="{TEXT}">{escape(_fmt(value))}</text>'
        )
    # From the dates themselves (d1 may be one past date.max, and year 10000 does not
    # exist), at most about a dozen year ticks.
    first = min(p.date for p in all_points).year
    last = max(p.date for p in all_points).year
    step = max(1, -(-(last - first + 1) // MAX_YEAR_TICKS))
    years = range(max(1, first - first % step), last + 1, step)
    for n, year in enumerate(years):  # year ticks; every other one hides on a phone
        day = dt.date(year, 1, 1)
        if d0 <= day.toordinal() <= d1:
            gx = x(day)
            parts.append(
                f'<line x1="{gx:.1f}" x2="{gx:.1f}" y1="{PAD_TOP}" '
                f'y2="{HEIGHT - PAD_BOTTOM}" stroke="{GRID}" stroke-dasharray="2 3"/>'
            )
            parts.append(
                f'<text x="{gx:.1f}" y="{HEIGHT - PAD_BOTTOM + 18}" '
                f'text-anchor="middle" fill="{TEXT}"{_minor(n, len(years))}>{year}</text>'
            )
    if chart.baseline and chart.target:  # the straight path from baseline to target
        parts.append(
            f'<line x1="{x(chart.baseline.date):.1f}" y1="{y(chart.baseline.value):.1f}" '
            f'x2="{x(chart.target.date):.1f}" y2="{y(chart.target.value):.1f}" '
            f'stroke="{TARGET}" stroke-width="2" stroke-dasharray="6 4"/>'
        )
    if chart.target:
        tx, ty = x(chart.target.date), y(chart.target.value)
        parts.append(
            f'<rect x="{tx - 6:.1f}" y="{ty - 6:.1f}" width="12" height="12" fill="{TARGET}"/>'
        )
    if chart.baseline:
        bx, by = x(chart.baseline.date), y(chart.baseline.value)
        parts.append(
            f'<circle cx="{bx:.1f}" cy="{by:.1f}" r="5" fill="#fff" '
            f'stroke="{BASELINE}" stroke-width="2"/>'
        )
    for m in chart.milestones:
        parts.append(
            f'<path d="M{x(m.date):.1f} {y(m.value) - 6:.1f} l6 6 l-6 6 l-6 -6 z" '
            f'fill="{TARGET}" fill-opacity="0.5"/>'
        )
    points = sorted(chart.points, key=lambda p: p.date)
    if points:
        path = " ".join(f"{x(p.date):.1f},{y(p.value):.1f}" for p in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{LINE}" stroke-width="3"/>')
        for p in points:
            parts.append(
                f'<circle cx="{x(p.date):.1f}" cy="{y(p.value):.1f}" r="3.5" fill="{LINE}"/>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text in it is escaped above


def bar_chart_svg(
    *, title: str, description: str, bars: list[tuple[str, float]], unit: str = ""
) -> SafeString:
    """Horizontal bars (e.g. adoption per commitment)."""
    uid = uuid.uuid4().hex[:8]
    row = 26
    height = PAD_TOP + row * max(len(bars), 1) + 8
    label_w = 120
    top = max([v for _, v in bars] + [1.0])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="t{uid} d{uid}" class="almen-chart" '
        f'font-family="IBM Plex Sans, Arial, sans-serif" font-size="12">',
        f'<title id="t{uid}">{escape(title)}</title><desc id="d{uid}">{escape(description)}</desc>',
    ]
    for i, (label, value) in enumerate(bars):
        by = PAD_TOP + i * row
        w = (WIDTH - label_w - 80) * max(value, 0.0) / top  # no negative widths
        parts.append(
            f'<text x="{label_w - 8}" y="{by + 15}" text-anchor="end" '
            f'fill="{TEXT}">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{by + 3}" width="{w:.1f}" height="{row - 8}" fill="{LINE}"/>'
        )
        parts.append(
            f'<text x="{label_w + w + 6:.1f}" y="{by + 15}" fill="{TEXT}">'
            f"{escape(_fmt(value))}{escape(unit)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text in it is escaped above


SERIES_COLOURS = (LINE, BASELINE, TARGET, "#b35900")
SERIES_PATTERNS = ("", ' fill-opacity="0.55"', "", "")


def column_chart_svg(
    *,
    title: str,
    description: str,
    categories: list[str],
    series: list[tuple[str, list[float | None]]],
    unit: str = "",
) -> SafeString:
    """Vertical columns, one group per category (e.g. a month) and one column per
    series in each group (e.g. this year and last year), with a legend. A missing value
    (None) leaves its column out; negative values are drawn as zero."""
    uid = uuid.uuid4().hex[:8]
    values = [v for _, vs in series for v in vs if v is not None]
    if not categories or not values:
        return mark_safe("")
    legend_h = 22 if len(series) > 1 else 0
    top = max([*values, 0.0])
    top = top * 1.08 if top > 0 else 1.0
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM - legend_h
    group_w = plot_w / len(categories)
    col_w = group_w * 0.8 / max(len(series), 1)

    def y(value: float) -> float:
        return PAD_TOP + legend_h + (1 - max(value, 0.0) / top) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="t{uid} d{uid}" class="almen-chart" '
        f'font-family="IBM Plex Sans, Arial, sans-serif" font-size="12">',
        f'<title id="t{uid}">{escape(title)}</title>',
        f'<desc id="d{uid}">{escape(description)}</desc>',
    ]
    for i in range(5):
        value = top * i / 4
        gy = y(value)
        parts.append(
            f'<line x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{gy:.1f}" '
            f'y2="{gy:.1f}" stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{PAD_LEFT - 6}" y="{gy + 4:.1f}" text-anchor="end" '
            f'fill="{TEXT}">{escape(_fmt(value))}</text>'
        )
    if unit:
        parts.append(
            f'<text x="{PAD_LEFT - 6}" y="{PAD_TOP + legend_h - 6}" text-anchor="end" '
            f'fill="{TEXT}">{escape(unit)}</text>'
        )
    if legend_h:
        lx = PAD_LEFT
        for n, (name, _) in enumerate(series):
            colour = SERIES_COLOURS[n % len(SERIES_COLOURS)]
            pattern = SERIES_PATTERNS[n % len(SERIES_PATTERNS)]
            parts.append(
                f'<rect x="{lx}" y="{PAD_TOP}" width="12" height="12" fill="{colour}"{pattern}/>'
            )
            parts.append(
                f'<text x="{lx + 16}" y="{PAD_TOP + 11}" fill="{TEXT}">{escape(name)}</text>'
            )
            lx += 24 + 8 * len(name)
    base = y(0.0)
    for c, label in enumerate(categories):
        gx = PAD_LEFT + c * group_w + group_w * 0.1
        for n, (_, vs) in enumerate(series):
            found = vs[c] if c < len(vs) else None
            if found is None:
                continue
            value = found
            colour = SERIES_COLOURS[n % len(SERIES_COLOURS)]
            pattern = SERIES_PATTERNS[n % len(SERIES_PATTERNS)]
            cy = y(value)
            parts.append(
                f'<rect x="{gx + n * col_w:.1f}" y="{cy:.1f}" width="{col_w:.1f}" '
                f'height="{base - cy:.1f}" fill="{colour}"{pattern}/>'
            )
        parts.append(
            f'<text x="{PAD_LEFT + (c + 0.5) * group_w:.1f}" y="{HEIGHT - PAD_BOTTOM + 18}" '
            f'text-anchor="middle" fill="{TEXT}"{_minor(c, len(categories))}>'
            f"{escape(label)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text in it is escaped above
