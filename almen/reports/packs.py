"""What goes into each pack: the goals a reader may see, with computed statuses,
measurements, actions and reviews, read in a fixed number of queries whatever the
number of goals. The formats (PDF, DOCX, XLSX) all render the same ``Pack``."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from html import unescape

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from almen.access.policy import Principal
from almen.dialogue.models import Agreement, Dialogue
from almen.dialogue.selectors import municipal_key_figures
from almen.goals.access import visible_goals
from almen.goals.models import (
    Action,
    Commitment,
    Goal,
    GoalStatus,
    Indicator,
    Review,
)
from almen.goals.progress import Calculation, Direction, Status
from almen.goals.selectors import (
    ReviewDue,
    calculation,
    indicator_chart,
    review_due,
    with_last_review,
    with_latest,
)
from almen.lib import report_sections
from almen.lib.report_sections import RenderedSection, SectionScope
from almen.lib.visibility import LADDER, Visibility
from almen.register.models import (
    BodyKind,
    BodyMembership,
    BodyRole,
    Estate,
    Municipality,
    Organisation,
)
from almen.reports.models import Recommendation, ReportKind

Progress = Callable[[int], None]
DATA_COLUMNS = 3
# The printed table shows the latest measurements; the XLSX pack has every one.
PRINT_MEASUREMENTS = 10

# Worst first: a goal with several indicators shows its weakest one.
STATUS_ORDER = [
    Status.DETERIORATION,
    Status.LIMITED,
    Status.MODERATE,
    Status.SUBSTANTIAL,
    Status.TARGET_ACHIEVED,
]

# The residents' words for a status (short words keep the handout easy to read).
PLAIN_STATUS = {
    Status.TARGET_ACHIEVED: gettext_lazy("Vi har nået målet."),
    Status.SUBSTANTIAL: gettext_lazy("Det går godt."),
    Status.MODERATE: gettext_lazy("Det går frem, men for langsomt."),
    Status.LIMITED: gettext_lazy("Det går for langsomt."),
    Status.DETERIORATION: gettext_lazy("Det går den forkerte vej."),
    Status.NO_DATA: gettext_lazy("Vi har ikke målt endnu."),
}

# "Det kan du gøre": concrete, generic ways in, per cornerstone number.
RESIDENT_ACTIONS = {
    1: [
        gettext_lazy("Hils på dine naboer. Hjælp en nabo, der har brug for det."),
        gettext_lazy("Kom til vores fælles spisning og til kaffe i fælleshuset."),
        gettext_lazy("Giv os dit nummer. Så kan vi nå dig, hvis der sker noget."),
    ],
    2: [
        gettext_lazy("Sluk lys og luk for varmen, når du går ud."),
        gettext_lazy("Meld dig til haveholdet. Vi så frø og passer bedene sammen."),
        gettext_lazy("Sortér dit affald. Spørg os, hvis du er i tvivl."),
    ],
    3: [
        gettext_lazy("Kom til afdelingsmødet. Du og din husstand har to stemmer."),
        gettext_lazy("Sig din mening til bestyrelsen. Du kan også stille et forslag."),
        gettext_lazy("Har du en idé? Vi kan give penge til en god plan."),
    ],
}


# Units that are counts: "2", not "2 antal".
COUNT_UNITS = {"", "antal", "stk", "stk.", "styk"}
PERCENT_UNITS = {"%", "pct", "pct.", "procent"}
NBSP = "\u00a0"


def number(value: Decimal | float | None, places: int = 1) -> str:
    """A number the Danish way: 1.234,5 (at most ``places`` decimals, no trailing zeros)."""
    if value is None:
        return "–"
    text = f"{value:,.{places}f}" if places else f"{value:,.0f}"
    if places:
        text = text.rstrip("0").rstrip(".")
    text = text.replace(",", NBSP).replace(".", ",").replace(NBSP, ".")
    return "0" if text == "-0" else text


def is_percent(unit: str) -> bool:
    return unit.strip().lower() in PERCENT_UNITS


def amount(value: Decimal | float | None, unit: str, places: int = 1) -> str:
    """A value with its unit as people say it: "52 %", "3" (a count), "128 kWh/m²"."""
    text = number(value, places)
    if value is None or unit.strip().lower() in COUNT_UNITS:
        return text
    return f"{text}{NBSP}%" if is_percent(unit) else f"{text}{NBSP}{unit.strip()}"


def percent(share: float) -> str:
    return f"{round(share * 100)}{NBSP}%"


def _day(value: dt.date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else "–"


@dataclass
class IndicatorRow:
    indicator: Indicator
    calc: Calculation
    chart: SafeString | str = ""

    @property
    def measurements(self) -> list:
        return list(self.indicator.measurements.all())

    @property
    def omitted(self) -> int:
        """Measurements left out of the printed table (all are in the XLSX)."""
        return max(len(self.measurements) - PRINT_MEASUREMENTS, 0)

    @property
    def unit_label(self) -> str:
        """The unit for a column header: none for counts ("Værdi", not "Værdi (antal)")."""
        unit = self.indicator.unit.strip()
        return "" if unit.lower() in COUNT_UNITS else ("%" if is_percent(unit) else unit)

    def amount(self, value: Decimal | float | None) -> str:
        return amount(value, self.indicator.unit, 2)

    @property
    def baseline_amount(self) -> str:
        return amount(self.calc.baseline, self.indicator.unit)

    @property
    def latest_amount(self) -> str:
        return amount(self.calc.latest, self.indicator.unit)

    @property
    def target_amount(self) -> str:
        return amount(self.calc.target, self.indicator.unit)

    @property
    def summary(self) -> str:
        """Where the indicator started, where it is and where it should go, in words."""
        c = self.calc
        target = _("Målet er %(value)s (%(date)s).") % {
            "value": self.amount(c.target),
            "date": _day(c.target_date),
        }
        if c.latest is None:
            start = _("Udgangspunktet er %(value)s (%(date)s), og der er ikke målt siden.") % {
                "value": self.amount(c.baseline),
                "date": _day(c.baseline_date),
            }
        else:
            start = _("Fra %(start)s (%(start_date)s) til %(now)s (%(now_date)s).") % {
                "start": self.amount(c.baseline),
                "start_date": _day(c.baseline_date),
                "now": self.amount(c.latest),
                "now_date": _day(c.latest_date),
            }
        return f"{start} {target}"

    @property
    def way(self) -> str:
        """How much of the distance from baseline to target is covered, e.g. "fra 40 %
        til 52 % af målet på 60 %: 12 af de 20 procentpoint, 60 % af vejen"."""
        c = self.calc
        if c.latest is None or self.indicator.direction == Direction.MAINTAIN:
            return ""
        distance = c.target - c.baseline
        if distance == 0:
            return ""
        share = float((c.latest - c.baseline) / distance)
        if share >= 1:
            return str(_("Målet er nået."))
        if share < 0:
            return _(
                "Det er gået den forkerte vej: %(share)s af afstanden mellem udgangspunktet "
                "og målet."
            ) % {"share": percent(-share)}
        if is_percent(self.indicator.unit):
            return _(
                "Det er %(done)s af de %(needed)s procentpoint, der skal til: "
                "%(share)s af vejen fra udgangspunktet til målet."
            ) % {
                "done": number(abs(c.latest - c.baseline)),
                "needed": number(abs(distance)),
                "share": percent(share),
            }
        return _("Det er %(share)s af vejen fra udgangspunktet til målet.") % {
            "share": percent(share)
        }

    @property
    def pace(self) -> str:
        """The status's reason: this year's pace compared with the pace the target needs."""
        c = self.calc
        if c.ratio is None or c.method not in {"compound", "linear"}:
            return ""
        if c.ratio < 0:
            return str(_("Udviklingen pr. år går den modsatte vej af målet."))
        return _(
            "Fremgangen pr. år er indtil nu %(share)s af den fremgang pr. år, der skal til "
            "for at nå målet til tiden."
        ) % {"share": percent(c.ratio)}

    @property
    def tolerance(self) -> str:
        c = self.calc
        if c.tolerance is None:
            return ""
        return _("Målet er nået, så længe værdien er højst %(value)s fra målet.") % {
            "value": self.amount(c.tolerance)
        }

    @property
    def data_rows(self) -> list[list[tuple[dt.date, Decimal, str]]]:
        """Baseline, the latest measurements and target, three to a table row. Table
        layout is what a PDF spends its time on: a board report with monthly data for
        hundreds of indicators took half a minute with every measurement printed."""
        i = self.indicator
        cells = [(i.baseline_date, i.baseline_value, str(_("udgangspunkt")))]
        cells += [(m.date, m.value, m.note) for m in self.measurements[-PRINT_MEASUREMENTS:]]
        cells.append((i.target_date, i.target_value, str(_("mål"))))
        return [cells[n : n + DATA_COLUMNS] for n in range(0, len(cells), DATA_COLUMNS)]


@dataclass
class GoalRow:
    goal: Goal
    commitments: list[Commitment]
    indicators: list[IndicatorRow]
    actions: list[tuple[Action, bool]]  # (action, overdue)
    reviews: list[Review]
    review: ReviewDue
    status: Status

    @property
    def plain_status(self) -> str:
        return str(PLAIN_STATUS[self.status])

    @property
    def overdue_actions(self) -> int:
        return sum(1 for _a, overdue in self.actions if overdue)

    @property
    def cornerstone_numbers(self) -> list[int]:
        return sorted({c.cornerstone.number for c in self.commitments})


@dataclass
class Figure:
    label: str
    value: Decimal | None
    unit: str = ""


@dataclass
class Pack:
    kind: str
    title: str
    organisation: Organisation
    today: dt.date
    period: str
    goals: list[GoalRow]
    estate: Estate | None = None
    municipality: Municipality | None = None
    year: int | None = None
    figures: list[Figure] = field(default_factory=list)
    estate_figures: list[tuple[Estate, Decimal | None, Decimal | None]] = field(
        default_factory=list
    )
    # (where, homes, households): the organisation, and its part in the municipality.
    totals: list[tuple[str, Decimal | None, Decimal | None]] = field(default_factory=list)
    resident_actions: list[tuple[str, list[str]]] = field(default_factory=list)
    dialogue: Dialogue | None = None
    # (agreement, overdue, the goal's title when the reader may see that goal)
    agreements: list[tuple[Agreement, bool, str]] = field(default_factory=list)
    recommendation: Recommendation | None = None
    # The residents' handout: whom to ask, and where to read more (with a QR code).
    contact: str = ""
    contact_role: str = ""
    url: str = ""
    qr_svg: SafeString | str = ""
    # What other modules add (``lib.report_sections``), e.g. grøn drift's CO2e.
    sections: list[RenderedSection] = field(default_factory=list)

    @property
    def status_counts(self) -> list[tuple[str, str, int]]:
        counts = {s: 0 for s in Status}
        for row in self.goals:
            counts[row.status] += 1
        return [(s.value, str(s.label), counts[s]) for s in [*STATUS_ORDER, Status.NO_DATA]]

    @property
    def status_summary(self) -> str:
        """ "5 mål: 4 med begrænset fremgang, 1 godt på vej." in words, for the overview."""
        parts = [f"{str(label).lower()}: {n}" for _value, label, n in self.status_counts if n]
        total = ngettext("%(n)d mål", "%(n)d mål", len(self.goals)) % {"n": len(self.goals)}
        return f"{total} – {', '.join(parts)}."

    @property
    def filename(self) -> str:
        """The file's name without extension, in Danish (decision 0028)."""
        return pack_filename(
            self.kind,
            self.organisation,
            estate=self.estate,
            municipality=self.municipality,
            year=self.year,
            day=self.today,
        )

    @property
    def level(self) -> str:
        return str(ReportKind(self.kind).label)


FILE_PREFIX = {
    ReportKind.BOARD: "bestyrelsesrapport",
    ReportKind.HANDOUT: "beboermoede",
    ReportKind.MUNICIPALITY: "kommunerapport",
}
_ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def pack_filename(
    kind: str,
    organisation: Organisation,
    *,
    estate: Estate | None = None,
    municipality: Municipality | None = None,
    year: int | None = None,
    day: dt.date,
) -> str:
    """``bestyrelsesrapport-boligselskabet-fællesbo-2026-12-01``: what the pack is, whose,
    and the day it was made (Danish letters kept; ``ascii_filename`` for the fallback)."""
    parts = [FILE_PREFIX[ReportKind(kind)], slugify(organisation.name, allow_unicode=True)]
    if estate is not None:
        parts.append(f"afd-{estate.number}")
    if municipality is not None:
        parts.append(slugify(municipality.name, allow_unicode=True))
    if year:
        parts.append(str(year))
    parts.append(day.isoformat())
    return "-".join(p for p in parts if p)


def ascii_filename(name: str) -> str:
    """The same name in ASCII (æ → ae, ø → oe, å → aa) for old clients."""
    stem, dot, ext = name.rpartition(".")
    return slugify(stem.translate(_ASCII)) + dot + ext if dot else slugify(name.translate(_ASCII))


def recommendation_for(
    organisation: Organisation, kind: str, estate: Estate | None = None
) -> Recommendation | None:
    return (
        Recommendation.objects.select_related("author")
        .filter(organisation=organisation, estate=estate, kind=kind)
        .first()
    )


def _goal_status(indicators: list[IndicatorRow]) -> Status:
    measured = [i.calc.status for i in indicators if i.calc.status != Status.NO_DATA]
    if not measured:
        return Status.NO_DATA
    return min(measured, key=STATUS_ORDER.index)


def goals_queryset(goals: QuerySet[Goal]) -> QuerySet[Goal]:
    """Goals with everything a pack shows, in seven queries."""
    return (
        with_last_review(goals)
        .select_related(
            "estate",
            "framework",
            "responsible_user",
            "responsible_body__organisation",
            "responsible_body__estate",
        )
        .prefetch_related(
            Prefetch(
                "commitments",
                queryset=Commitment.objects.select_related("cornerstone").order_by(
                    "cornerstone__number", "number"
                ),
            ),
            Prefetch(
                "indicators",
                queryset=with_latest(Indicator.objects.order_by("title")).prefetch_related(
                    "measurements", "milestones"
                ),
            ),
            Prefetch(
                "actions",
                queryset=Action.objects.select_related(
                    "responsible_user", "responsible_body__organisation", "responsible_body__estate"
                ).order_by(F("due").asc(nulls_last=True)),
            ),
            Prefetch("reviews", queryset=Review.objects.order_by("-date")),
        )
        .order_by(F("estate__number").asc(nulls_first=True), "title")
    )


def goal_rows(
    goals: QuerySet[Goal], *, today: dt.date, charts: bool, progress: Progress | None = None
) -> list[GoalRow]:
    rows = []
    loaded = list(goals_queryset(goals))
    for n, goal in enumerate(loaded, start=1):
        indicators = [
            IndicatorRow(i, calculation(i), indicator_chart(i) if charts else "")
            for i in goal.indicators.all()
        ]
        rows.append(
            GoalRow(
                goal=goal,
                commitments=list(goal.commitments.all()),
                indicators=indicators,
                actions=[(a, a.is_overdue(today)) for a in goal.actions.all()],
                reviews=list(goal.reviews.all())[:2],
                review=review_due(goal, today),
                status=_goal_status(indicators),
            )
        )
        if progress and n % 10 == 0:
            progress(10 + 50 * n // len(loaded))
    return rows


def _period(rows: list[GoalRow], fallback: int) -> str:
    if not rows:
        return str(fallback)
    start = min(r.goal.period_start for r in rows).year
    end = max(r.goal.period_end for r in rows).year
    return f"{start}–{end}" if start != end else str(start)


def board_goal_count(p: Principal, organisation: Organisation) -> int:
    return visible_goals(p).filter(organisation=organisation).count()


def board_pack(
    p: Principal,
    organisation: Organisation,
    *,
    charts: bool = True,
    progress: Progress | None = None,
) -> Pack:
    """Every goal the organisation owns (organisation and estates) that ``p`` sees."""
    today = timezone.localdate()
    goals = visible_goals(p).filter(organisation=organisation)
    rows = goal_rows(goals, today=today, charts=charts, progress=progress)
    return with_sections(
        Pack(
            kind=ReportKind.BOARD,
            title=_("Almene mål – rapport til bestyrelsen"),
            organisation=organisation,
            today=today,
            period=_period(rows, today.year),
            goals=rows,
            recommendation=recommendation_for(organisation, ReportKind.BOARD),
        ),
        p,
    )


def with_sections(pack: Pack, p: Principal) -> Pack:
    """The sections other modules registered for the pack's kind (``lib.report_sections``),
    with figures for the last whole year (the municipality pack: the year before the
    dialogue's)."""
    year = min(pack.year or pack.today.year, pack.today.year) - 1
    pack.sections = report_sections.render_sections(
        SectionScope(
            kind=pack.kind,
            organisation_id=pack.organisation.pk,
            estate_id=pack.estate.pk if pack.estate else None,
            municipality_id=pack.municipality.pk if pack.municipality else None,
            year=year,
            principal=p,
        )
    )
    return pack


def estate_url(estate: Estate) -> str:
    """The estate's page on the site, as printed (and QR-coded) on the handout."""
    path = reverse("web:estate_detail", args=[estate.organisation.cvr, estate.number])
    return settings.SITE_URL + path


def qr_svg(url: str) -> SafeString:
    import segno

    # segno writes the SVG itself from the URL (no user markup): safe to inline.
    svg = segno.make(url, error="m").svg_inline(scale=3, border=2, dark="#1a1a1a")
    return mark_safe(svg)  # noqa: S308


def estate_contact(estate: Estate) -> tuple[str, str]:
    """Whom residents may ask: the estate board's chair, else the organisation."""
    chair = (
        BodyMembership.objects.current()
        .filter(body__estate=estate, body__kind=BodyKind.ESTATE_BOARD, role=BodyRole.CHAIR)
        .select_related("user")
        .order_by("-term_start")
        .first()
    )
    if chair is not None:
        name = chair.user.name or chair.user.get_full_name()
        if name:
            return name, str(_("formand for afdelingsbestyrelsen"))
    return estate.organisation.name, str(_("boligorganisationen"))


def handout_pack(p: Principal, estate: Estate, *, charts: bool = False) -> Pack:
    """The estate's adopted goals and the organisation's goals that cover it."""
    today = timezone.localdate()
    goals = (
        visible_goals(p)
        .filter(organisation_id=estate.organisation_id, status=GoalStatus.ADOPTED)
        .filter(Q(estate=estate) | Q(estate__isnull=True))
    )
    rows = goal_rows(goals, today=today, charts=charts)
    numbers = sorted({n for row in rows for n in row.cornerstone_numbers})
    contact, contact_role = estate_contact(estate)
    url = estate_url(estate)
    pack = Pack(
        kind=ReportKind.HANDOUT,
        title=_("Vores mål i %(estate)s") % {"estate": estate.name},
        organisation=estate.organisation,
        estate=estate,
        today=today,
        period=_period(rows, today.year),
        goals=rows,
        resident_actions=[
            (_cornerstone_title(rows, n), [str(s) for s in RESIDENT_ACTIONS.get(n, [])])
            for n in numbers
        ],
        contact=contact,
        contact_role=contact_role,
        url=url,
        qr_svg=qr_svg(url),
        recommendation=recommendation_for(estate.organisation, ReportKind.HANDOUT, estate),
    )
    return with_sections(pack, p)


def _cornerstone_title(rows: list[GoalRow], number: int) -> str:
    for row in rows:
        for c in row.commitments:
            if c.cornerstone.number == number:
                return c.cornerstone.tr("title")
    return str(number)


def municipality_pack(
    p: Principal,
    organisation: Organisation,
    municipality: Municipality,
    year: int,
    *,
    charts: bool = True,
    progress: Progress | None = None,
) -> Pack:
    """The goals the organisation shares with ``municipality`` (organisation goals
    when its seat is there, estate goals of estates there), with key figures."""
    today = timezone.localdate()
    shared = LADDER[LADDER.index(Visibility.MUNICIPALITY) :]
    goals = (
        visible_goals(p)
        .filter(organisation=organisation, visibility__in=shared)
        .exclude(status=GoalStatus.DRAFT)
    )
    if organisation.municipality_id == municipality.pk:
        goals = goals.filter(Q(estate__municipality=municipality) | Q(estate__isnull=True))
    else:
        goals = goals.filter(estate__municipality=municipality)
    rows = goal_rows(goals, today=today, charts=charts, progress=progress)
    figures, estate_figures, totals = _key_figures(organisation, municipality, year, today)
    dialogue = Dialogue.objects.filter(
        organisation=organisation, municipality=municipality, year=year
    ).first()
    agreements = []
    if dialogue is not None:
        seen = {row.goal.pk for row in rows}
        for agreement in dialogue.agreements.select_related("goal").order_by("due", "title"):
            title = agreement.goal.title if agreement.goal and agreement.goal_id in seen else ""
            agreements.append((agreement, agreement.is_overdue(today), title))
    pack = Pack(
        kind=ReportKind.MUNICIPALITY,
        title=_("Styringsdialog %(year)s – almene mål") % {"year": year},
        organisation=organisation,
        municipality=municipality,
        year=year,
        today=today,
        period=str(year),
        goals=rows,
        figures=figures,
        estate_figures=estate_figures,
        totals=totals,
        dialogue=dialogue,
        agreements=agreements,
        recommendation=recommendation_for(organisation, ReportKind.MUNICIPALITY),
    )
    return with_sections(pack, p)


def _key_figures(
    organisation: Organisation, municipality: Municipality, year: int, today: dt.date
) -> tuple[
    list[Figure],
    list[tuple[Estate, Decimal | None, Decimal | None]],
    list[tuple[str, Decimal | None, Decimal | None]],
]:
    data = municipal_key_figures(organisation.pk, municipality.pk, year, today)
    totals = [
        (
            str(_("Hele organisationen")),
            data["organisation_homes"],
            data["organisation_households"],
        )
    ]
    figures = [
        Figure(_("Boliger i hele organisationen"), data["organisation_homes"]),
        Figure(_("Husstande i hele organisationen"), data["organisation_households"]),
    ]
    estates = [(row["estate"], row["homes"], row["households"]) for row in data["estates"]]
    if estates:
        place = {"municipality": municipality.name}
        figures.append(Figure(_("Boliger i %(municipality)s") % place, data["homes"]))
        figures.append(Figure(_("Husstande i %(municipality)s") % place, data["households"]))
        totals.append((_("I %(municipality)s") % place, data["homes"], data["households"]))
    return figures, estates, totals


# --- readability ---------------------------------------------------------------------

_BLOCK_END = re.compile(r"<(?:/(?:p|h[1-6]|li|td|th|tr|div|section|dt|dd|caption)|br\s*/?)>", re.I)
_HIDDEN = re.compile(r"<(style|script|title|head)\b.*?</\1>", re.I | re.S)
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?:;]+(?:\s|$)|\n")


def plain_text(html: str) -> str:
    """The text a reader sees: no styles or scripts, blocks on their own lines."""
    text = _HIDDEN.sub(" ", html)
    text = _BLOCK_END.sub("\n", text)
    return unescape(strip_tags(text))


def lix(text: str) -> float:
    """Læsbarhedsindeks: words per sentence + percentage of long words (> 6 letters).

    ``text`` may be HTML; tags are stripped. A heading, list item or table cell
    (a line of its own) counts as a sentence, as LIX counters do for line breaks.
    Below 25 is very easy, 25–34 easy, 35–44 average.
    """
    plain = plain_text(text) if "<" in text else text
    sentences = [s for s in _SENTENCE_END.split(plain) if _WORD.search(s)]
    words = _WORD.findall(plain)
    if not words:
        return 0.0
    long_words = sum(1 for w in words if len(w.replace("-", "")) > 6)
    return len(words) / max(len(sentences), 1) + 100 * long_words / len(words)
