"""Benchmark: the resident democracy at national scale (issue 8). Not a test: prints
numbers, never fails on a timing.

    .venv/bin/python bench/democracy.py --db postgres    # database almen_bench (BENCH_PG_DB)
    .venv/bin/python bench/democracy.py --db sqlite      # var/bench.sqlite3 (BENCH_SQLITE)

1. Ensures the bench database has the national register (bench/run.py's ensure_data)
   and the national democracy (``manage.py seed_democracy_national``: for each of the
   7,000 estates 3 years of held afdelingsmøder, ordinary and some extraordinary, with
   agendas, proposals, attendance, minutes and decisions, and an upcoming meeting; the
   first estate's upcoming meeting has 20 agenda items and 30 proposals).
2. Makes the demo's resident persona (beboer.a@almen.demo) also a resident of that
   estate and the demo's organisation staff also staff of the national organisation
   whose estate count is closest to 200 and of the bench meeting's organisation
   (idempotent).
3. Resolves each page's URL name at run time: the pages are built by the parts of the
   democracy app; a name that does not resolve (yet) is reported "not available" and
   skipped, never guessed.
4. Times each page in-process (CPU, queries), then with wrk beside the hello and
   one-query ceilings of the same run: a resident's meetings page
   (``democracy:estate_meetings``), the meeting page with 20 items and 30 proposals
   (``democracy:meeting_detail``), the organisation's deadline overview for 200
   estates (``democracy:organisation_meetings``), the live attendance count
   (``democracy:hall_count``), and the participation statistics of the estate and
   of the 200-estate organisation (``democracy:estate_participation``,
   ``democracy:organisation_participation``).

Target: pages p95 ≤ 100 ms. Measure only when ``uptime`` shows a load below about 3:
the script prints the load before and after. ``--in-process-only``: no server, no wrk.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import goals  # noqa: E402  (bench/goals.py: django_setup, in_process, table, flush_redis)
import run  # noqa: E402  (bench/run.py)

STAFF_EMAIL = "administration@almen.demo"
RESIDENT_EMAIL = "beboer.a@almen.demo"
TARGET_ESTATES = 200
NOT_AVAILABLE = "not available"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def ensure_democracy(db: str) -> None:
    run.log("seed_democracy_national")
    start = time.perf_counter()
    result = run.manage(db, "seed_democracy_national", check=False, stderr=subprocess.PIPE)
    if result.returncode != 0:
        if "allerede nationale møder" not in result.stderr:
            sys.exit(result.stderr)
        run.log("national democracy already loaded")
    else:
        run.log(f"seed_democracy_national: {time.perf_counter() - start:.1f} s wall clock")


def choose() -> dict[str, Any]:
    """The bench meeting (most proposals), a held meeting with the most households
    checked in (the hall count), and the organisation with about 200 estates; the
    personas are given what they need to read them."""
    from django.db.models import Count

    from almen.accounts.models import User
    from almen.democracy.models import Meeting, MeetingStatus
    from almen.democracy.national import MEETING_ID_RANGE
    from almen.register.models import Household, Membership, Organisation, Resident, Role

    low, high = MEETING_ID_RANGE
    national = Meeting.objects.filter(public_id__gte=low, public_id__lt=high)
    meeting = (
        national.filter(status=MeetingStatus.NOTICED)
        .annotate(n=Count("proposals", distinct=True), items_n=Count("items", distinct=True))
        .order_by("-n", "id")
        .select_related("estate", "organisation")
        .first()
    )
    if meeting is None or meeting.estate is None:
        sys.exit("no national meetings: run seed_democracy_national")
    hall = (
        national.filter(status=MeetingStatus.HELD)
        .annotate(n=Count("attendances"))
        .order_by("-n", "id")
        .select_related("organisation")
        .first()
    )
    counts = list(
        Organisation.objects.filter(cvr__startswith="9")
        .annotate(n=Count("estates"))
        .values_list("pk", "cvr", "n")
    )
    org_id, org_cvr, org_estates = min(counts, key=lambda r: (abs(r[2] - TARGET_ESTATES), r[0]))
    staff = User.objects.get(email=STAFF_EMAIL)
    for organisation_id in {org_id, meeting.organisation_id, hall.organisation_id if hall else 0}:
        if organisation_id:
            Membership.objects.get_or_create(
                user=staff,
                role=Role.ORG_STAFF,
                organisation_id=organisation_id,
                defaults={"starts": dt.date(2025, 1, 1)},
            )
    resident = User.objects.get(email=RESIDENT_EMAIL)
    if not Resident.objects.filter(user=resident, household__unit__estate=meeting.estate).exists():
        household = Household.objects.active().filter(unit__estate=meeting.estate).first()
        if household is not None:
            Resident.objects.create(household=household, name=resident.name, user=resident)
    return {
        "meeting": str(meeting.public_id),
        "meeting_items": meeting.items_n,  # type: ignore[attr-defined]
        "meeting_proposals": meeting.n,  # type: ignore[attr-defined]
        "meeting_estate": (meeting.organisation.cvr, meeting.estate.number),
        "hall_meeting": str(hall.public_id) if hall else "",
        "hall_attendance": hall.n if hall else 0,  # type: ignore[attr-defined]
        "org_cvr": org_cvr,
        "org_estates": org_estates,
    }


def url(name: str, *candidates: tuple[Any, ...]) -> str | None:
    """The path of ``name`` with the first of ``candidates`` (positional args) that
    resolves, or None: the page is not (yet) in this build."""
    from django.urls import NoReverseMatch, reverse

    for args in candidates:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return None


def targets_for(info: dict[str, Any], s: dict[str, str]) -> tuple[list[Any], list[str]]:
    cvr, number = info["meeting_estate"]
    wanted = [
        (
            "resident's meetings page",
            url("democracy:estate_meetings", (cvr, number)),
            s.get("resident_a"),
        ),
        (
            f"meeting page ({info['meeting_items']} items, {info['meeting_proposals']} proposals)",
            url("democracy:meeting_detail", (info["meeting"],)),
            s.get("resident_a"),
        ),
        (
            f"deadline overview ({info['org_estates']} estates)",
            url("democracy:organisation_meetings", (info["org_cvr"],)),
            s.get("org_staff"),
        ),
        (
            f"live attendance count ({info['hall_attendance']} households)",
            url("democracy:hall_count", (info["hall_meeting"],)),
            s.get("org_staff"),
        ),
        (
            "estate participation",
            url("democracy:estate_participation", (cvr, number)),
            s.get("resident_a"),
        ),
        (
            f"organisation participation ({info['org_estates']} estates)",
            url("democracy:organisation_participation", (info["org_cvr"],)),
            s.get("org_staff"),
        ),
    ]
    targets: list[Any] = [("hello", "/bench/hello", None), ("one-query", "/bench/one-query", None)]
    missing = []
    for name, path, session in wanted:
        if path is None:
            missing.append(name)
            run.log(f"{name}: {NOT_AVAILABLE} (its URL name does not resolve in this build)")
        else:
            targets.append((name, path, session))
    return targets, missing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=sorted(run.URLS), default="postgres")
    parser.add_argument("--seconds", type=int, default=10, help="per figure")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--skip-seed", action="store_true", help="data is already there")
    parser.add_argument("--in-process-repeats", type=int, default=20)
    parser.add_argument(
        "--in-process-only", action="store_true", help="no server, no wrk: CPU and queries"
    )
    args = parser.parse_args()

    run.EXTRA_ENV["REDIS_URL"] = goals.REDIS_URL
    load_before = load()
    run.log(f"load before: {load_before}")
    if not args.skip_seed:
        run.ensure_data(args.db)
        ensure_democracy(args.db)
    goals.django_setup(args.db)
    info = choose()
    info.update(run.setup(args.db))
    goals.flush_redis()
    targets, missing = targets_for(info, info["sessions"])
    local = goals.in_process(targets, args.in_process_repeats)
    header = (
        f"# {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} · {args.db} · "
        f"{os.cpu_count()} cores · {platform.python_version()} · gunicorn 2 workers · "
        f"{args.connections} connections × {args.seconds} s · Redis cache"
    )
    if args.in_process_only:
        print(f"{header} · in-process only · load before {load_before}, after {load()}")
    else:
        proc, base = run.start_server(args.db)
        try:
            results = run.measure(base, targets, args.seconds, args.connections)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        print(f"{header} · load before {load_before}, after {load()}")
        print(goals.table(results, {}, None))
    for name in missing:
        print(f"{name:46} {NOT_AVAILABLE}")
    for name, r in local.items():
        print(
            f"{'in-process ' + name:46} CPU {r['cpu_ms']:6.1f} ms, wall {r['wall_ms']:6.1f} ms, "
            f"{r['queries']} queries ({r['sql_ms']:.1f} ms)"
        )


if __name__ == "__main__":
    main()
