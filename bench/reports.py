"""Benchmark: the board report for an organisation with 100 goals. Not a test:
prints seconds, never fails on a timing.

    .venv/bin/python bench/reports.py                 # var/bench-reports.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/almen_bench .venv/bin/python bench/reports.py

Builds (once, idempotent) an organisation with 100 goals, each with one indicator
with 12 quarterly measurements and 2 actions, through the goals services. Then times
building the pack and rendering it as PDF, DOCX and XLSX, beside a ceiling: rendering
a trivial one-page PDF with the same fonts in the same run. Target: PDF ≤ 10 s.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_bench")
os.environ.setdefault("DATABASE_URL", "sqlite:///var/bench-reports.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

CVR = "99990100"
GOALS = 100


def build() -> None:
    from almen.goals import services
    from almen.goals.models import Commitment, Framework, GoalStatus
    from almen.goals.progress import Direction
    from almen.lib.visibility import Visibility
    from almen.register import services as register
    from almen.register.models import Municipality, Organisation

    organisation = Organisation.objects.filter(cvr=CVR).first()
    if organisation and organisation.goals.count() >= GOALS:
        return
    municipality = Municipality.objects.get(code="0101")
    if organisation is None:
        organisation = register.organisation_create(
            actor=None,
            cvr=CVR,
            name="Bench Boligselskab",
            municipality=municipality,
            address="Benchvej 1, 2400 København NV",
        )
    framework = Framework.objects.current()
    assert framework is not None
    commitments = list(Commitment.objects.filter(cornerstone__framework=framework))
    quarters = [dt.date(2023 + q // 4, 1 + 3 * (q % 4), 1) for q in range(12)]
    for n in range(organisation.goals.count(), GOALS):
        goal = services.goal_create(
            actor=None,
            organisation=organisation,
            framework=framework,
            title=f"Mål nummer {n + 1}: lavere varmeforbrug i opgang {n % 7 + 1}",
            local_context="Varmeregningen er steget, og bygningerne har et stort forbrug.",
            period_start=dt.date(2023, 1, 1),
            period_end=dt.date(2028, 12, 31),
            commitments=[commitments[n % len(commitments)]],
            status=GoalStatus.ADOPTED,
            visibility=Visibility.MUNICIPALITY,
        )
        indicator = services.indicator_create(
            actor=None,
            goal=goal,
            title="Varmeforbrug pr. m²",
            unit="kWh/m²",
            direction=Direction.DECREASE,
            baseline_value=Decimal(130),
            baseline_date=dt.date(2022, 12, 1),
            target_value=Decimal(95),
            target_date=dt.date(2028, 12, 31),
        )
        for q, day in enumerate(quarters):
            services.measurement_record(
                actor=None, indicator=indicator, date=day, value=Decimal(130 - q * 1.5 - n % 5)
            )
        for a in range(2):
            services.action_create(
                actor=None,
                goals=[goal],
                title=f"Indsats {a + 1} for mål {n + 1}",
                responsible="Driften",
                due=dt.date(2025, 3 + a * 6, 1),
            )


def timed(label: str, fn, ceiling: float | None = None):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    extra = f"   ceiling {ceiling:6.2f} s   ratio {seconds / ceiling:6.1f}" if ceiling else ""
    print(f"{label:<42} {seconds:7.2f} s{extra}")
    return result, seconds


def main() -> None:
    call_command("migrate", verbosity=0)
    _, _seconds = timed(f"build organisation with {GOALS} goals (once)", build)

    from weasyprint import HTML

    from almen.access.policy import Principal
    from almen.register.models import Organisation
    from almen.reports import formats, packs

    organisation = Organisation.objects.get(cvr=CVR)
    staff = Principal(user_id=0, staff_organisations=frozenset({organisation.pk}))
    trivial = (
        f"<html><head><style>@font-face {{ font-family: 'IBM Plex Sans'; src: "
        f"url('{formats.FONT_DIR.as_uri()}/IBMPlexSans-Regular.woff'); }} "
        "@page { size: A4; } html { font-family: 'IBM Plex Sans'; }</style></head>"
        "<body><h1>Almen</h1><p>En side.</p></body></html>"
    )
    HTML(string=trivial).write_pdf()  # warm up fonts and imports
    _, ceiling = timed("ceiling: trivial one-page PDF", lambda: HTML(string=trivial).write_pdf())
    pack, _s = timed("board pack: queries + charts", lambda: packs.board_pack(staff, organisation))
    _html, _s = timed("board pack: HTML", lambda: formats.pack_html(pack))
    pdf, pdf_seconds = timed(
        "board report PDF (pack + render)",
        lambda: formats.render(packs.board_pack(staff, organisation), "pdf"),
        ceiling,
    )
    timed(
        "board report DOCX", lambda: formats.render(packs.board_pack(staff, organisation), "docx")
    )
    timed(
        "board report XLSX", lambda: formats.render(packs.board_pack(staff, organisation), "xlsx")
    )
    pages = pdf.content.count(b"/Type /Page\n") or pdf.content.count(b"/Type /Page")
    print(f"goals {len(pack.goals)}, PDF {len(pdf.content) / 1e6:.1f} MB, ~{pages} pages")
    print(f"target ≤ 10 s: {'met' if pdf_seconds <= 10 else 'NOT met'} ({pdf_seconds:.1f} s)")


if __name__ == "__main__":
    main()
