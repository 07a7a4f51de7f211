"""Benchmark: the notices of one afdelingsmøde to a 2,000-household estate (issue 8).
Not a test: prints seconds, never fails on a timing.

    .venv/bin/python bench/notices.py                       # var/bench-notices.sqlite3
    BENCH_PG_DB=almen_bench_notices .venv/bin/python bench/notices.py   # and PostgreSQL
    .venv/bin/python bench/notices.py --preview /tmp/notice.pdf         # 3 letters only

Builds (once, idempotent) an organisation with one estate of 2,000 households (1–3
residents each; 60 % of the households with an e-mail address, a third of those with a
login; 5 % exempt from digital mail), and an ordinary meeting 6 weeks ahead whose notice
is published. Then, on a clean slate each run:

1. ``notices_send`` for the whole roll (e-mail for the reachable, paper for the rest, a
   ``NoticeDelivery`` each, the outbox rows in bulk), with its number of queries; and
   again (idempotent: nothing new).
2. The paper letters' job (``notice_job_render``, what the worker runs): one PDF with a
   page per household on paper, with the progress it reported; beside a ceiling from
   the same run: one trivial page with the same fonts. For this every household is
   made exempt from digital mail first (and sent again), so the PDF has 2,000 pages.

Target: the PDF of a 2,000-household estate ≤ 60 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_bench")
if os.environ.get("BENCH_PG_DB"):
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{os.environ['BENCH_PG_DB']}"
os.environ.setdefault("DATABASE_URL", "sqlite:///var/bench-notices.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

CVR = "99990200"
HOUSEHOLDS = 2000
TARGET_S = 60.0


def build() -> None:
    with transaction.atomic():
        _build()


def _build() -> None:
    from almen.accounts.models import User
    from almen.democracy import services
    from almen.democracy.models import Meeting, MeetingKind
    from almen.register import services as register
    from almen.register.models import (
        Building,
        Estate,
        Household,
        Municipality,
        Organisation,
        Resident,
        Unit,
    )

    organisation = Organisation.objects.filter(cvr=CVR).first()
    if organisation is None:
        organisation = register.organisation_create(
            actor=None,
            cvr=CVR,
            name="Boligselskabet Bænken",
            municipality=Municipality.objects.get(code="0101"),
            address="Benchvej 2, 2400 København NV",
        )
        register.organisation_contact_update(
            actor=None,
            organisation=organisation,
            contact_email="kontakt@baenken.almen.demo",
            contact_phone="33 44 55 66",
        )
    estate = Estate.objects.filter(organisation=organisation, number=1).first()
    if estate is None:
        estate = register.estate_create(
            actor=None,
            organisation=organisation,
            number=1,
            name="Store Bænk",
            municipality=organisation.municipality,
            address="Bænkevej 1",
            postal_code="2400",
            city="København NV",
            fiscal_year_start_month=1,
        )
    if Household.objects.filter(unit__estate=estate).count() < HOUSEHOLDS:
        rng = random.Random(2026)
        buildings = Building.objects.bulk_create(
            [
                Building(estate=estate, address=f"Bænkevej {n}")
                for n in range(1, HOUSEHOLDS // 24 + 2)
            ]
        )
        Unit.objects.bulk_create(
            Unit(
                estate=estate,
                building=buildings[i // 24],
                number=f"001-{i + 1:04d}",
                address=f"Bænkevej {i // 24 + 1}, {1 + (i % 24) // 4}. {['tv', 'th', 'mf'][i % 3]}",
                rooms=3,
                area_m2=Decimal(78),
            )
            for i in range(HOUSEHOLDS)
        )
        units = list(Unit.objects.filter(estate=estate).order_by("number"))
        Household.objects.bulk_create(
            Household(unit=u, moved_in=dt.date(2015, 1, 1), paper_mail=rng.random() < 0.05)
            for u in units
        )
        households = list(Household.objects.filter(unit__estate=estate).order_by("pk"))
        users = []
        residents = []
        for n, household in enumerate(households):
            email = f"beboer{n}@baenken.almen.demo" if rng.random() < 0.6 else ""
            if email and rng.random() < 0.33:
                users.append(User(email=email, name=f"Beboer {n}", password="!"))
            for k in range(rng.choice([1, 1, 2, 2, 3])):
                residents.append(
                    Resident(
                        household=household,
                        name=f"Beboer {n}-{k + 1} Bænkesen",
                        email=email if k == 0 else "",
                        birth_year=rng.randint(1940, 2006),
                    )
                )
        User.objects.bulk_create(users, batch_size=500)
        by_email = dict(
            User.objects.filter(email__endswith="@baenken.almen.demo").values_list("email", "pk")
        )
        for r in residents:
            if r.email in by_email:
                r.user_id = by_email[r.email]
        Resident.objects.bulk_create(residents, batch_size=1000)
    if not Meeting.objects.filter(estate=estate).exists():
        starts = (timezone.now() + dt.timedelta(days=42)).replace(
            hour=17, minute=0, second=0, microsecond=0
        )
        meeting = services.meeting_create(
            actor=None,
            organisation=organisation,
            estate=estate,
            kind=MeetingKind.ORDINARY,
            title="Ordinært afdelingsmøde 2027",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2, minutes=30),
            place="Fælleshuset, Bænkevej 1, 2400 København NV",
            online_url="https://moede.baenken.almen.demo/afdelingsmoede",
        )
        services.notice_publish(actor=None, meeting=meeting)


def timed(label: str, fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    print(f"{label:<52} {seconds:7.2f} s")
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--preview", help="write a 3-letter PDF here and stop")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    timed(f"build an estate of {HOUSEHOLDS} households (once)", build)

    from weasyprint import HTML

    from almen.democracy import notices_letters, notices_services
    from almen.democracy.models import Meeting, NoticeDelivery, NoticeJob
    from almen.notify.models import Notification
    from almen.register.models import Household
    from almen.reports.formats import FONT_DIR

    meeting = Meeting.objects.select_related("organisation", "estate").get(
        organisation__cvr=CVR, estate__number=1
    )
    households = Household.objects.filter(unit__estate=meeting.estate)

    def exempt(share_every: int) -> None:
        """Every ``share_every``-th household exempt from digital mail (1: all)."""
        ids = list(households.order_by("pk").values_list("pk", flat=True))
        households.update(paper_mail=False)
        Household.objects.filter(pk__in=ids[::share_every]).update(paper_mail=True)

    exempt(20)  # 5 %
    if args.preview:
        recipients = notices_services.letter_recipients(meeting, "indkaldelse")[:3]
        if not recipients:
            notices_services.notices_send(actor=None, meeting=meeting, letters_job=False)
            recipients = notices_services.letter_recipients(meeting, "indkaldelse")[:3]
        pdf, pages = notices_letters.render_pdf(meeting, "indkaldelse", recipients)
        Path(args.preview).write_bytes(pdf)
        print(f"wrote {pages} pages to {args.preview}")
        return

    # A clean slate: nobody notified yet.
    NoticeDelivery.objects.filter(meeting=meeting).delete()
    NoticeJob.objects.filter(meeting=meeting).delete()
    Notification.objects.filter(kind__startswith="democracy.").delete()
    print(f"database: {connection.vendor}")

    with CaptureQueriesContext(connection) as queries:
        result, send_s = timed(
            "notices_send (whole roll)",
            lambda: notices_services.notices_send(actor=None, meeting=meeting, letters_job=False),
        )
    print(
        f"  households {result.households}: e-mail {result.emails}, paper {result.paper}, "
        f"messages {result.messages}, queries {len(queries)}"
    )
    with CaptureQueriesContext(connection) as queries:
        again, again_s = timed(
            "notices_send again (idempotent)",
            lambda: notices_services.notices_send(actor=None, meeting=meeting, letters_job=False),
        )
    print(f"  new: e-mail {again.emails}, paper {again.paper}, queries {len(queries)}")

    trivial = (
        f"<html><head><style>@font-face {{ font-family: 'IBM Plex Sans'; src: "
        f"url('{FONT_DIR.as_uri()}/IBMPlexSans-Regular.woff'); }} "
        "@page { size: A4; } html { font-family: 'IBM Plex Sans'; }</style></head>"
        "<body><h1>Almen</h1><p>En side.</p></body></html>"
    )
    HTML(string=trivial).write_pdf()  # warm up fonts and imports
    timed("ceiling: trivial one-page PDF", lambda: HTML(string=trivial).write_pdf())

    # The letters of every household: all on paper.
    NoticeDelivery.objects.filter(meeting=meeting).delete()
    exempt(1)
    everyone = notices_services.notices_send(actor=None, meeting=meeting, letters_job=False)
    print(f"  (every household on paper now: {everyone.paper} letters)")
    job = NoticeJob.objects.create(meeting=meeting, kind="indkaldelse")
    job, pdf_s = timed(
        f"notice PDF job ({everyone.paper} letters)",
        lambda: notices_services.notice_job_render(job_id=str(job.public_id)),
    )
    size = job.file.size / 1e6 if job.file else 0
    print(
        f"  status {job.status}, progress {job.progress}, pages {job.households}, "
        f"{size:.1f} MB, {pdf_s / max(job.households, 1) * 1000:.0f} ms/page"
    )
    verdict = "met" if pdf_s <= TARGET_S and job.households == HOUSEHOLDS else "NOT met"
    print(f"target ≤ {TARGET_S:.0f} s for {HOUSEHOLDS} pages: {verdict} ({pdf_s:.1f} s)")
    exempt(20)
    print(f"notices_send: {send_s:.2f} s; again: {again_s:.2f} s")


if __name__ == "__main__":
    main()
