"""What a board signs off (issue 7, item 9; decision 0028): a cover with a table of
contents, the administration's "indstilling", plain language, no orphan pages, the
PDF's charts in Word, Danish file names, the residents' handout with a contact, a URL
and a QR code, and the municipality pack's sheets for agreements and key figures.

PDF text is read with ``pdftotext`` (poppler-utils, the same package whose
``pdftoppm`` puts the charts in Word)."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from almen.access.policy import principal_for
from almen.audit.models import AuditEntry
from almen.goals import services as goal_services
from almen.goals.models import Goal
from almen.goals.progress import Direction
from almen.lib.bounds import LONG_TEXT
from almen.register.models import Estate, Municipality, Organisation
from almen.reports import formats, packs
from almen.reports.models import Recommendation, ReportKind
from almen.reports.tests.test_reports import CVR, ESTATE, SHARED, _docx_text, _goal

ORG_NAME = "Boligselskabet Fællesbo"
RECOMMENDATION = "Administrationen indstiller, at bestyrelsen godkender rapporten."
BOARD_PDF = reverse("reports:board", args=[CVR, "pdf"])
HANDOUT_PDF = reverse("reports:handout", args=[CVR, 1, "pdf"])
MUNICIPALITY_XLSX = reverse("reports:municipality", args=[CVR, "0101", 2026, "xlsx"])
RECOMMEND = reverse("reports:recommendation", args=[CVR, "bestyrelse"])

# Jargon a board or a resident should not meet (issue 7: "forhold 0,37", "2 antal"),
# and raw values of the models' choices.
FORBIDDEN = [
    re.compile(r"\bforhold\b", re.I),
    re.compile(r"\d\s+antal\b", re.I),
    re.compile(r"\(antal\)", re.I),
    re.compile(r"\b(target_achieved|substantial_progress|moderate_progress|limited_progress)\b"),
    re.compile(r"\b(deterioration|no_data|not_started|in_progress|on_track|off_track)\b"),
    re.compile(r"\b(compound|linear|maintain|increase|decrease)\b"),
    re.compile(r"\bLIX\b"),
]
# A page holds at least this many lines of text besides its footer: never "a line or
# two" (the municipality pack's page 3 held one line, two goal pages six).
MIN_LINES = 8


def pdf_pages(content: bytes) -> list[list[str]]:
    """The text lines of each page, footer ("Side n af m") left out."""
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: apt-get install poppler-utils")
    text = subprocess.run(  # noqa: S603 - a fixed tool, no shell
        [tool, "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    pages = text.split("\f")[:-1]
    return [[ln for ln in p.splitlines() if ln.strip() and "Side " not in ln] for p in pages]


def pdf_text(content: bytes) -> str:
    return "\n".join("\n".join(page) for page in pdf_pages(content)).replace("\u00a0", " ")


def _staff(cast):
    return principal_for(cast["org_staff"].user)


def _three_packs(cast):
    p = _staff(cast)
    organisation = Organisation.objects.get(cvr=CVR)
    estate = Estate.objects.get(organisation=organisation, number=1)
    municipality = Municipality.objects.get(code="0101")
    return {
        "board": packs.board_pack(p, organisation),
        "handout": packs.handout_pack(p, estate),
        "municipality": packs.municipality_pack(p, organisation, municipality, 2026),
    }


def _percent_goal() -> Goal:
    """A percentage indicator: from 40 % to 52 %, target 60 %."""
    goal = _goal(title="Flere med i fællesskabet", visibility="organisation")
    indicator = goal_services.indicator_create(
        actor=None,
        goal=goal,
        title="Andel der deltager",
        unit="%",
        direction=Direction.INCREASE,
        baseline_value=Decimal(40),
        baseline_date=dt.date(2024, 1, 1),
        target_value=Decimal(60),
        target_date=dt.date(2028, 12, 31),
    )
    goal_services.measurement_record(
        actor=None, indicator=indicator, date=dt.date(2025, 10, 1), value=Decimal(52)
    )
    counted = goal_services.indicator_create(
        actor=None,
        goal=goal,
        title="Aktiviteter",
        unit="antal",
        direction=Direction.INCREASE,
        baseline_value=Decimal(2),
        baseline_date=dt.date(2024, 1, 1),
        target_value=Decimal(12),
        target_date=dt.date(2028, 12, 31),
    )
    goal_services.measurement_record(
        actor=None, indicator=counted, date=dt.date(2025, 10, 1), value=Decimal(3)
    )
    return goal


# --- cover and contents ----------------------------------------------------------------


def test_pdf_cover_has_organisation_date_period_and_contents(goals, cast):
    pack = _three_packs(cast)["board"]
    pages = pdf_pages(formats.render_pdf(pack))
    cover = "\n".join(pages[0]).replace("\u00a0", " ")
    assert ORG_NAME in cover
    assert timezone.localdate().strftime("%Y") in cover
    assert "Periode" in cover and pack.period in cover
    assert "Indhold" in cover
    # Every goal is listed with the page it starts on (target-counter).
    for row in pack.goals:
        entry = next(line for line in pages[0] if row.goal.title in line)
        page = int(entry.split()[-1])
        assert any(row.goal.title in line for line in pages[page - 1])
    indstilling = next(line for line in pages[0] if line.strip().startswith("Indstilling"))
    assert int(indstilling.split()[-1]) == 2


def test_docx_has_cover_facts_contents_and_headings(goals, cast):
    pack = _three_packs(cast)["municipality"]
    document = Document(io.BytesIO(formats.render_docx(pack)))
    texts = [p.text for p in document.paragraphs]
    assert f"Boligorganisation: {ORG_NAME}" in texts
    assert "Kommune: København" in texts
    assert "Indhold" in texts
    headings = [
        p.text for p in document.paragraphs if p.style and p.style.name.startswith("Heading")
    ]
    assert {"Indstilling", "Nøgletal", "Mål delt med kommunen"} <= set(headings)
    assert SHARED in headings


# --- indstilling -----------------------------------------------------------------------


def test_staff_write_the_recommendation_and_the_pack_prints_it(goals, cast, client_for):
    client = client_for("org_staff")
    page = client.get(RECOMMEND)
    assert page.status_code == 200
    assert 'name="text"' in page.content.decode()
    entries = AuditEntry.objects.count()
    response = client.post(RECOMMEND, {"text": RECOMMENDATION})
    assert response.status_code == 302
    saved = Recommendation.objects.get()
    assert (saved.kind, saved.text, saved.author) == (
        ReportKind.BOARD,
        RECOMMENDATION,
        cast["org_staff"].user,
    )
    assert AuditEntry.objects.count() == entries + 1
    pdf = client.post(BOARD_PDF)
    text = pdf_text(pdf.content)
    assert RECOMMENDATION in text.replace("\n", " ")
    assert "Skrevet af Mette Schmidt" in text
    docx = client.post(BOARD_PDF.removesuffix("pdf") + "docx")
    assert RECOMMENDATION in _docx_text(docx.content)
    # The municipality pack has its own (none yet): its empty state.
    municipality = client.post(MUNICIPALITY_XLSX.removesuffix("xlsx") + "pdf")
    assert "ikke skrevet en indstilling" in pdf_text(municipality.content)
    # Changing it is audited with the old text; an empty text removes it.
    client.post(RECOMMEND, {"text": "Ny indstilling."})
    change = AuditEntry.objects.order_by("-pk").first()
    assert change is not None and change.before == {"text": RECOMMENDATION}
    client.post(RECOMMEND, {"text": "  "})
    assert not Recommendation.objects.exists()
    removal = AuditEntry.objects.order_by("-pk").first()
    assert removal is not None and removal.action == "delete"


def test_board_pack_without_recommendation_says_so(goals, cast):
    text = pdf_text(formats.render_pdf(_three_packs(cast)["board"]))
    assert "Administrationen har ikke skrevet en indstilling til denne rapport." in text.replace(
        "\n", " "
    )


def test_too_long_recommendation_is_refused_with_a_message(goals, client_for):
    response = client_for("org_staff").post(RECOMMEND, {"text": "x" * (LONG_TEXT + 1)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "form-error-message" in html
    assert "Indstillingen må højst være 10.000 tegn (den er 10.001)." in html
    assert not Recommendation.objects.exists()


def test_unknown_pack_has_no_recommendation_page(client_for):
    with pytest.raises(Exception):  # noqa: B017 - the URL does not resolve
        reverse("reports:recommendation", args=[CVR, "beboere"])
    response = client_for("org_staff").get(f"/rapporter/organisationer/{CVR}/indstilling/x/")
    assert response.status_code == 404


# --- plain language ----------------------------------------------------------------------


def test_percentage_progress_is_explained_in_words(goals, cast):
    _percent_goal()
    pack = _three_packs(cast)["board"]
    row = next(r for r in pack.goals if r.goal.title == "Flere med i fællesskabet")
    by_title = {i.indicator.title: i for i in row.indicators}
    share, count = by_title["Andel der deltager"], by_title["Aktiviteter"]
    assert share.summary.replace("\u00a0", " ") == (
        "Fra 40 % (01-01-2024) til 52 % (01-10-2025). Målet er 60 % (31-12-2028)."
    )
    assert share.way.replace("\u00a0", " ") == (
        "Det er 12 af de 20 procentpoint, der skal til: 60 % af vejen fra udgangspunktet til målet."
    )
    assert re.fullmatch(
        r"Fremgangen pr\. år er indtil nu \d+ % af den fremgang pr\. år, der skal til for at "
        r"nå målet til tiden\.",
        share.pace.replace("\u00a0", " "),
    )
    # A count has no unit word: "fra 2 til 3", not "2 antal".
    assert count.summary.startswith("Fra 2 (01-01-2024) til 3 (01-10-2025).")
    assert count.way.replace("\u00a0", " ") == (
        "Det er 10 % af vejen fra udgangspunktet til målet."
    )


def test_no_jargon_in_any_pack(goals, cast):
    """The rendered text of all three packs (PDF and Word) has no ratio, no "antal"
    unit, no raw choice value and no readability score."""
    _percent_goal()
    found = []
    for name, pack in _three_packs(cast).items():
        texts = {
            "pdf": pdf_text(formats.render_pdf(pack)),
            "docx": _docx_text(formats.render_docx(pack)),
        }
        for fmt, text in texts.items():
            for pattern in FORBIDDEN:
                found += [f"{name}.{fmt}: {m.group(0)!r}" for m in pattern.finditer(text)]
        if name != "handout":
            assert "af vejen" in texts["pdf"] and "af vejen" in texts["docx"]
    assert not found, found


def test_xlsx_pace_column_is_a_percentage(goals, client_for):
    response = client_for("org_staff").post(BOARD_PDF.removesuffix("pdf") + "xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert "Forhold" not in header
    column = header.index("Fremgang pr. år i % af den nødvendige")
    values = [r[column] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert any(values) and all(isinstance(v, int) for v in values if v is not None)


# --- no orphan pages -------------------------------------------------------------------


def _demo_data() -> None:
    """The demo's goals and styringsdialoger (what `make run` shows), instead of the
    test database's matrix goal."""
    from almen.dialogue.models import Dialogue
    from almen.lib import demo

    Dialogue.objects.all().delete()
    Goal.objects.all().delete()
    for entry in demo.demos():
        entry.create()


@pytest.mark.parametrize("data", ["tests", "demo"])
def test_no_page_holds_only_a_line_or_two(goals, cast, data):
    if data == "demo":
        _demo_data()
    short = []
    for name, pack in _three_packs(cast).items():
        assert pack.goals
        pages = pdf_pages(formats.render_pdf(pack))
        short += [
            f"{name} page {n} has {len(lines)} lines: {lines}"
            for n, lines in enumerate(pages, start=1)
            if len(lines) < MIN_LINES
        ]
    assert not short, "\n".join(short)


# --- Word gets the same charts ---------------------------------------------------------


def test_docx_has_the_pdf_charts_as_images(goals, cast):
    pack = _three_packs(cast)["board"]
    charted = [i for row in pack.goals for i in row.indicators if i.chart]
    assert charted
    document = Document(io.BytesIO(formats.render_docx(pack)))
    # One picture per chart (identical charts share one image part in the file).
    assert len(document.inline_shapes) == len(charted)
    images = [rel.target_part.blob for rel in document.part.rels.values() if "image" in rel.reltype]
    assert all(blob.startswith(b"\x89PNG\r\n\x1a\n") for blob in images)


def test_chart_images_need_pdftoppm_and_say_so(monkeypatch):
    monkeypatch.setattr(formats.shutil, "which", lambda name: None)
    with pytest.raises(formats.ChartToolMissing, match="poppler-utils"):
        formats.chart_pngs(["<svg xmlns='http://www.w3.org/2000/svg'></svg>"])


# --- Danish file names -----------------------------------------------------------------


def test_file_names_are_danish_with_an_ascii_fallback(goals, client_for):
    today = timezone.localdate().isoformat()
    client = client_for("org_staff")
    board = client.post(BOARD_PDF)["Content-Disposition"]
    name = f"bestyrelsesrapport-boligselskabet-fællesbo-{today}.pdf"
    assert board == (
        f'attachment; filename="bestyrelsesrapport-boligselskabet-faellesbo-{today}.pdf"; '
        f"filename*=UTF-8''{quote(name)}"
    )
    handout = client.post(HANDOUT_PDF)["Content-Disposition"]
    assert (
        f"filename*=UTF-8''{quote(f'beboermoede-boligselskabet-fællesbo-afd-1-{today}.pdf')}"
        in (handout)
    )
    municipality = client.post(MUNICIPALITY_XLSX)["Content-Disposition"]
    assert f'filename="kommunerapport-boligselskabet-faellesbo-koebenhavn-2026-{today}.xlsx"' in (
        municipality
    )


def test_background_job_download_has_the_danish_name(
    goals, client_for, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_BACKGROUND_GOALS = 0
    client = client_for("org_staff")
    with django_capture_on_commit_callbacks(execute=True):
        job_page = client.post(BOARD_PDF)
    download = client.get(job_page["Location"] + "hent/")
    assert download.status_code == 200
    today = timezone.localdate().isoformat()
    assert (
        f'filename="bestyrelsesrapport-boligselskabet-faellesbo-{today}.pdf"'
        in (download["Content-Disposition"])
    )


# --- residents' handout ----------------------------------------------------------------


def test_handout_has_contact_url_and_qr_code_and_no_lix(goals, cast, client_for):
    response = client_for("resident_a").post(HANDOUT_PDF)
    text = pdf_text(response.content)
    assert "Spørg Karen Lund, formand for afdelingsbestyrelsen." in text.replace("\n", " ")
    estate = Estate.objects.get(organisation__cvr=CVR, number=1)
    url = packs.estate_url(estate)
    assert url.endswith(f"/organisationer/{CVR}/afdelinger/1/")
    assert url in text
    assert "LIX" not in text
    html = formats.pack_html(packs.handout_pack(principal_for(cast["resident_a"].user), estate))
    assert html.count("<svg") >= 1  # the QR code, inline
    # The QR code encodes the URL: segno makes the same matrix from it.
    import segno

    assert segno.make(url, error="m").svg_inline(scale=3, border=2, dark="#1a1a1a") in html
    assert ESTATE in text


def test_handout_without_a_chair_names_the_organisation(goals, cast):
    from almen.register.models import BodyMembership

    estate = Estate.objects.get(organisation__cvr=CVR, number=1)
    BodyMembership.objects.filter(body__estate=estate).delete()
    pack = packs.handout_pack(principal_for(cast["resident_a"].user), estate)
    assert (pack.contact, pack.contact_role) == (ORG_NAME, "boligorganisationen")


# --- municipality pack's XLSX ----------------------------------------------------------


def test_municipality_xlsx_has_agreements_and_key_figures(goals, client_for):
    from almen.dialogue.testing import matrix_dialogue_create

    agreement = matrix_dialogue_create().agreements.get()
    response = client_for("municipality_officer").post(MUNICIPALITY_XLSX)
    workbook = load_workbook(io.BytesIO(response.content))
    # Sections other modules register (lib.report_sections) add their sheets after these.
    assert workbook.sheetnames[:4] == ["Indikatorer", "Målinger", "Aftaler", "Nøgletal"]
    agreements = workbook["Aftaler"]
    assert [c.value for c in agreements[1]][:4] == [
        "Aftale",
        "Ansvarlig",
        "Ansvarlig person",
        "Frist",
    ]
    rows = list(agreements.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [agreement.title]
    due = rows[0][3]
    assert due is None or isinstance(due, dt.datetime | dt.date)
    assert agreements.freeze_panes == "A2" and agreements.column_dimensions["A"].width == 50
    figures = workbook["Nøgletal"]
    assert [c.value for c in figures[1]] == ["Nøgletal", "Afdeling", "Boliger", "Husstande"]
    values = list(figures.iter_rows(min_row=2, values_only=True))
    assert values[0][0] == "Hele organisationen"
    assert all(isinstance(v, int) for r in values for v in r[2:])
    estates = [r[1] for r in values if r[0] == "Afdeling"]
    assert estates and all(re.match(r"\d+ ", e) for e in estates)


def test_the_estate_board_writes_the_handouts_recommendation_and_residents_read_it(
    goals, cast, client_for
):
    """The handout to the residents' meeting prints what the estate board (or the staff)
    recommends the meeting to decide; without one it prints no empty section."""
    url = reverse("reports:estate_recommendation", args=[CVR, 1])
    resident = client_for("resident_a")
    assert "Indstilling" not in pdf_text(resident.post(HANDOUT_PDF).content)
    board = client_for("estate_board_a")
    assert board.get(url).status_code == 200
    text = "Bestyrelsen indstiller, at afdelingsmødet vedtager målene for 2026–2028."
    assert board.post(url, {"text": text}).status_code == 302
    saved = Recommendation.objects.get()
    assert (saved.kind, saved.estate_id, saved.author) == (
        ReportKind.HANDOUT,
        Estate.objects.get(organisation__cvr=CVR, number=1).pk,
        cast["estate_board_a"].user,
    )
    assert text in pdf_text(resident.post(HANDOUT_PDF).content).replace("\n", " ")
    docx = resident.post(HANDOUT_PDF.removesuffix("pdf") + "docx")
    assert text in _docx_text(docx.content)
    # Estate 2's handout is another estate's: estate 1's board may not write it.
    other = reverse("reports:estate_recommendation", args=[CVR, 2])
    assert board.post(other, {"text": "x"}).status_code == 403
    assert Recommendation.objects.count() == 1
    # The reports page links to it for those who may write it.
    page = client_for("org_staff").get(reverse("reports:organisation", args=[CVR])).content
    assert url in page.decode()
    assert url not in resident.get(reverse("reports:organisation", args=[CVR])).content.decode()
