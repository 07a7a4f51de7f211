"""A pack in three formats: PDF (WeasyPrint, from the print templates), DOCX
(python-docx, for people who edit further) and XLSX (openpyxl, for people who
compute further). No format reaches the network: fonts are local files."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from almen.lib.csvsafe import neutralise
from almen.reports.models import ReportFormat, ReportKind
from almen.reports.packs import Pack, lix

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


def pack_html(pack: Pack) -> str:
    """The pack as print HTML. The handout is rendered twice: its readability (LIX)
    is measured on the generated text and then printed in its footer."""
    template = TEMPLATES[ReportKind(pack.kind)]
    context = {"pack": pack, "font_dir": FONT_DIR.as_uri()}
    html = render_to_string(template, context)
    if pack.kind == ReportKind.HANDOUT:
        pack.lix = lix(html)
        html = render_to_string(template, context)
    return html


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
    if value is None:
        return "–"
    text = f"{value:,.{places}f}".rstrip("0").rstrip(".") if places else f"{value:,.0f}"
    return text.replace(",", "\u00a0").replace(".", ",").replace("\u00a0", ".")


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


def render_docx(pack: Pack) -> bytes:
    from docx import Document

    document = Document()
    document.core_properties.title = pack.title
    document.core_properties.author = pack.organisation.name
    document.add_heading(pack.title, level=0)
    where = pack.organisation.name
    if pack.estate:
        where += f" · {pack.estate.name}"
    if pack.municipality:
        where += f" · {pack.municipality.name}"
    document.add_paragraph(f"{where} · {_('Periode')} {pack.period} · {_date(pack.today)}")
    if pack.kind == ReportKind.HANDOUT:
        _docx_handout(document, pack)
    else:
        _docx_full(document, pack)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_full(document: Any, pack: Pack) -> None:
    if pack.figures:
        document.add_heading(_("Nøgletal"), level=1)
        _table(
            document,
            [_("Nøgletal"), _("Antal")],
            [[f.label, _num(f.value, 0)] for f in pack.figures],
        )
    if pack.kind == ReportKind.MUNICIPALITY:
        document.add_heading(_("Aftaler fra styringsdialogen"), level=1)
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
    document.add_heading(_("Overblik"), level=1)
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
    for row in pack.goals:
        document.add_heading(row.goal.title, level=1)
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
            document.add_heading(f"{i.title} – {calc.status.label}", level=2)
            document.add_paragraph(
                f"{_('Udgangspunkt')} {_num(calc.baseline)} {i.unit} "
                f"({_date(calc.baseline_date)}), "
                f"{_('seneste')} {_num(calc.latest)} {i.unit} ({_date(calc.latest_date)}), "
                f"{_('mål')} {_num(calc.target)} {i.unit} ({_date(calc.target_date)})."
                + (
                    f" {_('Forhold')} {calc.ratio:.2f}.".replace(".", ",", 1)
                    if calc.ratio is not None
                    else ""
                )
            )
            _table(
                document,
                [_("Dato"), f"{_('Værdi')} ({i.unit})", _("Note")],
                [[_date(i.baseline_date), _num(i.baseline_value), _("Udgangspunkt")]]
                + [[_date(m.date), _num(m.value), m.note] for m in item.measurements]
                + [[_date(i.target_date), _num(i.target_value), _("Mål")]],
            )
        document.add_heading(_("Indsatser"), level=2)
        if row.actions:
            _table(
                document,
                [_("Indsats"), _("Ansvarlig"), _("Frist"), _("Status")],
                [
                    [
                        a.title,
                        a.responsible or "–",
                        _date(a.due) + (f" ({_('Forsinket')})" if overdue else ""),
                        a.get_status_display(),
                    ]
                    for a, overdue in row.actions
                ],
            )
        else:
            document.add_paragraph(_("Ingen indsatser endnu."))
        document.add_heading(_("Status og selvevaluering"), level=2)
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


def _docx_handout(document: Any, pack: Pack) -> None:
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
                    f"{item.indicator.title} ({item.indicator.unit})",
                    _num(item.calc.baseline, 1),
                    _num(item.calc.latest, 1),
                    f"{_num(item.calc.target, 1)} ({item.calc.target_date.year})",
                ]
                for item in row.indicators
            ],
        )
        for action, _overdue in row.actions:
            document.add_paragraph(action.title, style="List Bullet")
    document.add_heading(_("Det kan du gøre"), level=1)
    for title, ideas in pack.resident_actions:
        document.add_heading(title, level=2)
        for idea in ideas:
            document.add_paragraph(idea, style="List Bullet")


# --- XLSX ------------------------------------------------------------------------------


def _row(values: list[Any]) -> list[Any]:
    return [neutralise(v) if isinstance(v, str) else v for v in values]


def render_xlsx(pack: Pack) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

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
        _("Forhold"),
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
                        round(calc.ratio, 3) if calc.ratio is not None else None,
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
    for ws in (sheet, measurements):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for column in ws.iter_cols(min_row=2):
            for cell in column:
                if cell.is_date:
                    cell.number_format = "DD-MM-YYYY"
        for letter, width in zip(
            "ABCDEFGHIJKLM", [40, 22, 40, 10, 16, 14, 14, 14, 14, 14, 14, 24, 10], strict=False
        ):
            ws.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
