"""A pack in three formats: PDF (WeasyPrint, from the print templates), DOCX
(python-docx, for people who edit further) and XLSX (openpyxl, for people who
compute further). No format reaches the network: fonts are local files."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from almen.lib.csvsafe import neutralise
from almen.reports.models import ReportFormat, ReportKind
from almen.reports.packs import Pack, ascii_filename, number

FONT_DIR = (
    Path(settings.BASE_DIR)
    / "almen"
    / "web"
    / "static"
    / "vendor"
    / "dkfds"
    / "fonts"
    / "IBMPlexSans"
    / "complete"
    / "woff"
)
TEMPLATES = {
    ReportKind.BOARD: "reports/print/board.html",
    ReportKind.HANDOUT: "reports/print/handout.html",
    ReportKind.MUNICIPALITY: "reports/print/municipality.html",
}
CONTENT_TYPES = {
    ReportFormat.PDF: "application/pdf",
    ReportFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Rendered:
    content: bytes
    content_type: str
    filename: str

    @property
    def content_disposition(self) -> str:
        return attachment_header(self.filename)


def attachment_header(filename: str) -> str:
    """``attachment`` with the Danish name (RFC 6266: ``filename*`` in UTF-8) and an
    ASCII fallback (æ → ae, ø → oe, å → aa) for clients that do not read it."""
    fallback = ascii_filename(filename)
    if fallback == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


class ChartToolMissing(RuntimeError):
    """Word packs need ``pdftoppm`` (Debian/Ubuntu: poppler-utils) for their charts."""


CHART_PAGE = "@page {{ size: {w}mm {h}mm; margin: 0; }} body {{ margin: 0; }}"
CHART_MM = (160, 70)  # lib.charts draws 640 × 280: the same proportions
CHART_DPI = 150


def chart_pngs(svgs: list[str]) -> list[bytes]:
    """The pack's SVG charts (lib/charts.py, as in the PDF) as PNG images for Word: one
    WeasyPrint PDF with a page per chart, rasterised by one ``pdftoppm`` run."""
    if not svgs:
        return []
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise ChartToolMissing(
            "pdftoppm was not found: install poppler-utils (apt-get install poppler-utils) "
            "to put charts in Word packs"
        )
    from weasyprint import HTML

    w, h = CHART_MM
    pages = "".join(f'<div class="chart">{svg}</div>' for svg in svgs)
    html = (
        f"<!doctype html><html><head><meta charset='utf-8'><style>"
        f"{_font_faces()}{CHART_PAGE.format(w=w, h=h)}"
        f".chart {{ width: {w}mm; height: {h}mm; break-after: page; }}"
        f".chart svg {{ width: {w}mm; height: {h}mm; font-family: 'IBM Plex Sans'; }}"
        f"</style></head><body>{pages}</body></html>"
    )
    pdf = HTML(string=html, base_url=FONT_DIR.as_uri() + "/").write_pdf()
    with tempfile.TemporaryDirectory(prefix="almen-charts-") as tmp:
        source = Path(tmp) / "charts.pdf"
        source.write_bytes(pdf)
        subprocess.run(  # noqa: S603 - a fixed tool and arguments, no shell
            [tool, "-png", "-r", str(CHART_DPI), str(source), str(Path(tmp) / "chart")],
            check=True,
            capture_output=True,
            timeout=120,
        )
        # pdftoppm numbers pages with as many digits as the last one needs.
        files = sorted(Path(tmp).glob("chart-*.png"), key=lambda f: int(f.stem.split("-")[-1]))
        images = [f.read_bytes() for f in files]
    if len(images) != len(svgs):
        raise RuntimeError(f"pdftoppm made {len(images)} images for {len(svgs)} charts")
    return images


def _font_faces() -> str:
    faces = [("Regular", 400), ("SemiBold", 600)]
    return "".join(
        f'@font-face {{ font-family: "IBM Plex Sans"; font-weight: {weight}; '
        f'src: url("{FONT_DIR.as_uri()}/IBMPlexSans-{name}.woff") format("woff"); }}'
        for name, weight in faces
    )


def pack_html(pack: Pack) -> str:
    """The pack as print HTML. (The handout's readability, LIX, is the project's check
    in the tests, not a number printed for residents.)"""
    template = TEMPLATES[ReportKind(pack.kind)]
    return render_to_string(template, {"pack": pack, "font_dir": FONT_DIR.as_uri()})


def render_pdf(pack: Pack) -> bytes:
    from weasyprint import HTML

    html = pack_html(pack)
    # base_url only resolves the file: font URLs; nothing is fetched over a network.
    return HTML(string=html, base_url=FONT_DIR.as_uri() + "/").write_pdf()


def render(pack: Pack, fmt: str) -> Rendered:
    writers = {
        ReportFormat.PDF: render_pdf,
        ReportFormat.DOCX: render_docx,
        ReportFormat.XLSX: render_xlsx,
    }
    content = writers[ReportFormat(fmt)](pack)
    return Rendered(content, CONTENT_TYPES[ReportFormat(fmt)], f"{pack.filename}.{fmt}")


# --- DOCX ------------------------------------------------------------------------------


def _num(value: Decimal | None, places: int = 2) -> str:
    return number(value, places)


def _date(value: Any) -> str:
    return value.strftime("%d-%m-%Y") if value else "–"


def _table(document: Any, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text


def _contents(pack: Pack) -> list[tuple[int, str]]:
    """The sections, as the PDF's table of contents lists them (level, heading)."""
    extra = [(1, section.title) for section in pack.sections]
    if pack.kind == ReportKind.HANDOUT:
        return [(1, row.goal.title) for row in pack.goals] + extra + [(1, _("Det kan du gøre"))]
    items = [(1, str(_("Indstilling")))]
    if pack.kind == ReportKind.MUNICIPALITY:
        items += [
            (1, str(_("Nøgletal"))),
            (1, _("Aftaler fra styringsdialogen %(year)s") % {"year": pack.year}),
            (1, str(_("Mål delt med kommunen"))),
        ]
    else:
        items.append((1, str(_("Overblik"))))
    return items + [(2, row.goal.title) for row in pack.goals] + extra


def render_docx(pack: Pack) -> bytes:
    from docx import Document
    from docx.enum.text import WD_BREAK

    document = Document()
    document.core_properties.title = pack.title
    document.core_properties.author = pack.organisation.name
    # The cover: what, whose, when, and the contents.
    document.add_paragraph(pack.level, style="Subtitle")
    document.add_heading(pack.title, level=0)
    facts = [(_("Boligorganisation"), pack.organisation.name)]
    if pack.estate:
        facts.append((_("Afdeling"), f"{pack.estate.number} {pack.estate.name}"))
    if pack.municipality:
        facts.append((_("Kommune"), pack.municipality.name))
    facts += [(_("Periode"), pack.period), (_("Dato"), _date(pack.today))]
    for label, value in facts:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    document.add_heading(_("Indhold"), level=1)
    for level, heading in _contents(pack):
        document.add_paragraph(heading, style="List Number" if level == 1 else "List Bullet 2")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    if pack.kind == ReportKind.HANDOUT:
        _docx_handout(document, pack)
    else:
        _docx_full(document, pack)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_sections(document: Any, pack: Pack) -> None:
    """What other modules registered (``lib.report_sections``): heading, sentences, tables."""
    for section in pack.sections:
        document.add_heading(section.title, level=1)
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph)
        for table in section.tables:
            document.add_paragraph(table.caption).runs[0].bold = True
            _table(document, table.header, table.rows)


def _docx_recommendation(document: Any, pack: Pack) -> None:
    document.add_heading(_("Indstilling"), level=1)
    recommendation = pack.recommendation
    if recommendation is None:
        document.add_paragraph(
            _("Administrationen har ikke skrevet en indstilling til denne rapport.")
        )
        return
    for part in recommendation.text.split("\n\n"):
        document.add_paragraph(part.strip())
    author = recommendation.author
    written = _date(recommendation.updated_at)
    if author is not None:
        document.add_paragraph(
            _("Skrevet af %(name)s, %(date)s.")
            % {"name": author.name or author.email, "date": written}
        )


def _docx_full(document: Any, pack: Pack) -> None:
    from docx.shared import Cm

    _docx_recommendation(document, pack)
    if pack.kind == ReportKind.MUNICIPALITY:
        document.add_heading(_("Nøgletal"), level=1)
        _table(
            document,
            [_("Nøgletal"), _("Antal")],
            [[f.label, _num(f.value, 0)] for f in pack.figures],
        )
        document.add_heading(
            _("Aftaler fra styringsdialogen %(year)s") % {"year": pack.year}, level=1
        )
        if pack.agreements:
            _table(
                document,
                [_("Aftale"), _("Ansvarlig"), _("Frist"), _("Opfølgning"), _("Mål")],
                [
                    [
                        a.title,
                        a.get_responsible_party_display(),
                        _date(a.due) + (f" ({_('Forsinket')})" if overdue else ""),
                        a.get_follow_up_status_display(),
                        goal_title or "–",
                    ]
                    for a, overdue, goal_title in pack.agreements
                ],
            )
        else:
            document.add_paragraph(_("Der er ikke registreret aftaler for året i Almen."))
        document.add_heading(_("Mål delt med kommunen"), level=1)
    else:
        document.add_heading(_("Overblik"), level=1)
    if pack.goals:
        document.add_paragraph(pack.status_summary)
    _table(
        document,
        [_("Mål"), _("Niveau"), _("Almene mål"), _("Status"), _("Næste status")],
        [
            [
                row.goal.title,
                row.goal.estate.name if row.goal.estate else _("Hele organisationen"),
                ", ".join(c.code for c in row.commitments) or "–",
                str(row.status.label),
                _date(row.review.due) + (f" ({_('forsinket')})" if row.review.overdue else ""),
            ]
            for row in pack.goals
        ],
    )
    charts = iter(
        chart_pngs([str(i.chart) for row in pack.goals for i in row.indicators if i.chart])
    )
    for row in pack.goals:
        document.add_heading(row.goal.title, level=2)
        document.add_paragraph(
            f"{row.goal.estate.name if row.goal.estate else _('Hele organisationen')} · "
            f"{row.goal.get_status_display()} · {_('Status')}: {row.status.label}"
        )
        for c in row.commitments:
            document.add_paragraph(
                f"{c.code} {_('Derfor vil vi')} {c.tr('text')}", style="List Bullet"
            )
        if row.goal.local_context:
            document.add_paragraph(row.goal.local_context)
        for item in row.indicators:
            i, calc = item.indicator, item.calc
            document.add_heading(f"{i.title} – {calc.status.label}", level=3)
            document.add_paragraph(" ".join(filter(None, [item.summary, item.way])))
            for line in (item.pace, item.tolerance):
                if line:
                    document.add_paragraph(line)
            if item.chart:
                document.add_picture(io.BytesIO(next(charts)), width=Cm(16))
                document.add_paragraph(
                    _(
                        "Blå: målinger. Grøn stiplet linje: vejen fra udgangspunkt til mål. "
                        "Grøn firkant: målet."
                    ),
                    style="Caption",
                )
            value = _("Værdi") + (f" ({item.unit_label})" if item.unit_label else "")
            _table(
                document,
                [_("Dato"), value, _("Note")],
                [[_date(i.baseline_date), _num(i.baseline_value), _("Udgangspunkt")]]
                + [[_date(m.date), _num(m.value), m.note] for m in item.measurements]
                + [[_date(i.target_date), _num(i.target_value), _("Mål")]],
            )
        document.add_heading(_("Indsatser"), level=3)
        if row.actions:
            _table(
                document,
                [_("Indsats"), _("Ansvarlig"), _("Frist"), _("Status")],
                [
                    [
                        a.title,
                        a.responsible_label or "–",
                        _date(a.due) + (f" ({_('Forsinket')})" if overdue else ""),
                        a.get_status_display(),
                    ]
                    for a, overdue in row.actions
                ],
            )
        else:
            document.add_paragraph(_("Ingen indsatser endnu."))
        document.add_heading(_("Status og selvevaluering"), level=3)
        document.add_paragraph(f"{_('Næste status')}: {_date(row.review.due)}")
        for review in row.reviews:
            document.add_paragraph(f"{_date(review.date)}: {review.get_assessment_display()}")
            for label, text in (
                (_("Hvad virkede"), review.worked),
                (_("Hvad virkede ikke"), review.did_not_work),
                (_("Hvad ændrer vi"), review.change),
            ):
                if text:
                    document.add_paragraph(f"{label}: {text}", style="List Bullet")
    _docx_sections(document, pack)


def _docx_handout(document: Any, pack: Pack) -> None:
    import segno
    from docx.shared import Cm

    if pack.recommendation is not None:
        _docx_recommendation(document, pack)
    for row in pack.goals:
        document.add_heading(row.goal.title, level=1)
        if row.goal.local_context:
            document.add_paragraph(f"{_('Hvorfor?')} {row.goal.local_context}")
        document.add_paragraph(row.plain_status)
        _table(
            document,
            [_("Indikator"), _("Da vi gik i gang"), _("Nu"), _("Målet")],
            [
                [
                    item.indicator.title,
                    item.baseline_amount,
                    item.latest_amount,
                    f"{item.target_amount} ({item.calc.target_date.year})",
                ]
                for item in row.indicators
            ],
        )
        for action, _overdue in row.actions:
            document.add_paragraph(action.title, style="List Bullet")
    _docx_sections(document, pack)
    document.add_heading(_("Det kan du gøre"), level=1)
    for title, ideas in pack.resident_actions:
        document.add_heading(title, level=2)
        for idea in ideas:
            document.add_paragraph(idea, style="List Bullet")
    document.add_heading(_("Vil du vide mere?"), level=2)
    document.add_paragraph(
        _("Spørg %(name)s, %(role)s.") % {"name": pack.contact, "role": pack.contact_role}
    )
    document.add_paragraph(_("Du kan se alle vores mål på nettet:") + " " + pack.url)
    if pack.url:
        qr = io.BytesIO()
        segno.make(pack.url, error="m").save(qr, kind="png", scale=8, border=2)
        document.add_picture(io.BytesIO(qr.getvalue()), width=Cm(3.5))
        document.add_paragraph(_("Du kan også scanne koden med din telefon."))


# --- XLSX ------------------------------------------------------------------------------


def _row(values: list[Any]) -> list[Any]:
    return [neutralise(v) if isinstance(v, str) else v for v in values]


def render_xlsx(pack: Pack) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Indikatorer")[:31]
    header = [
        _("Mål"),
        _("Niveau"),
        _("Indikator"),
        _("Enhed"),
        _("Retning"),
        _("Udgangspunkt"),
        _("Udgangspunkt, dato"),
        _("Mål (værdi)"),
        _("Måldato"),
        _("Seneste"),
        _("Seneste, dato"),
        _("Status"),
        _("Fremgang pr. år i % af den nødvendige"),
    ]
    sheet.append(_row(header))
    for row in pack.goals:
        level = row.goal.estate.name if row.goal.estate else _("Hele organisationen")
        for item in row.indicators:
            i, calc = item.indicator, item.calc
            sheet.append(
                _row(
                    [
                        row.goal.title,
                        level,
                        i.title,
                        i.unit,
                        i.get_direction_display(),
                        calc.baseline,
                        calc.baseline_date,
                        calc.target,
                        calc.target_date,
                        calc.latest,
                        calc.latest_date,
                        str(calc.status.label),
                        round(calc.ratio * 100) if calc.ratio is not None else None,
                    ]
                )
            )
    measurements = workbook.create_sheet(_("Målinger")[:31])
    measurements.append(
        _row([_("Mål"), _("Indikator"), _("Enhed"), _("Dato"), _("Værdi"), _("Note")])
    )
    for row in pack.goals:
        for item in row.indicators:
            for m in item.measurements:
                measurements.append(
                    _row(
                        [
                            row.goal.title,
                            item.indicator.title,
                            item.indicator.unit,
                            m.date,
                            m.value,
                            m.note,
                        ]
                    )
                )
    widths = {
        sheet: [40, 22, 40, 10, 16, 14, 14, 14, 14, 14, 14, 24, 18],
        measurements: [40, 40, 10, 14, 14, 30],
    }
    if pack.kind == ReportKind.MUNICIPALITY:
        widths.update(_xlsx_municipality(workbook, pack))
    widths.update(_xlsx_sections(workbook, pack))
    for ws, columns in widths.items():
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for column in ws.iter_cols(min_row=2):
            for cell in column:
                if cell.is_date:
                    cell.number_format = "DD-MM-YYYY"
        for n, width in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(n)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_municipality(workbook: Any, pack: Pack) -> dict[Any, list[int]]:
    """The styringsdialog's agreements and the key figures, a sheet each (with the
    estates of the municipality below the totals), values typed for computing."""
    agreements = workbook.create_sheet(_("Aftaler")[:31])
    agreements.append(
        _row(
            [
                _("Aftale"),
                _("Ansvarlig"),
                _("Ansvarlig person"),
                _("Frist"),
                _("Forsinket"),
                _("Opfølgning"),
                _("Note om opfølgning"),
                _("Mål"),
            ]
        )
    )
    for agreement, overdue, goal_title in pack.agreements:
        agreements.append(
            _row(
                [
                    agreement.title,
                    agreement.get_responsible_party_display(),
                    agreement.responsible_person,
                    agreement.due,
                    _("Ja") if overdue else _("Nej"),
                    agreement.get_follow_up_status_display(),
                    agreement.follow_up_note,
                    goal_title,
                ]
            )
        )
    figures = workbook.create_sheet(_("Nøgletal")[:31])
    figures.append(_row([_("Nøgletal"), _("Afdeling"), _("Boliger"), _("Husstande")]))
    rows: list[list[Any]] = [
        [label, "", _int(homes), _int(households)] for label, homes, households in pack.totals
    ]
    for estate, homes, households in pack.estate_figures:
        rows.append(
            [_("Afdeling"), f"{estate.number} {estate.name}", _int(homes), _int(households)]
        )
    for values in rows:
        figures.append(_row(values))
    return {agreements: [50, 24, 24, 14, 12, 18, 40, 40], figures: [28, 32, 12, 12]}


def _xlsx_sections(workbook: Any, pack: Pack) -> dict[Any, list[int]]:
    """A sheet per registered section with tables (``lib.report_sections``), its
    values typed and each table under its caption's name."""
    widths: dict[Any, list[int]] = {}
    for section in pack.sections:
        if not section.tables:
            continue
        # Excel allows 31 characters and none of []:*?/\ in a sheet's name.
        sheet = workbook.create_sheet(re.sub(r"[\[\]:*?/\\]", "", section.title).strip()[:31])
        for table in section.tables:
            header = [
                f"{name} ({unit})" if unit else name
                for name, unit in zip(
                    table.header, table.units or [""] * len(table.header), strict=True
                )
            ]
            sheet.append(_row(header))
            for values in table.values or table.rows:
                sheet.append(_row(list(values)))
        widths[sheet] = [max(14, min(40, len(h) + 4)) for h in section.tables[0].header]
    return widths


def _int(value: Decimal | None) -> int | None:
    return int(value) if value is not None else None
