"""Benchmark: Almene mål at national scale (issue 3). Not a test: prints numbers,
never fails on a timing.

    .venv/bin/python bench/goals.py --db sqlite      # var/bench.sqlite3
    .venv/bin/python bench/goals.py --db postgres    # database almen_bench on 127.0.0.1

1. Ensures the bench database has the national register (bench/run.py's ensure_data)
   and national goals (``manage.py seed_goals_national``: 30,000 goals, 100,000
   indicators, 3.6 million measurements), then runs the plan check (bench/plans.py,
   unless ``--skip-plans``): exits 1 when a hot page reads a national table end to end.
2. Starts gunicorn (2 workers, config.settings_bench) with ``REDIS_URL`` pointing at
   Redis database 9 (flushed first; ``BENCH_REDIS_URL`` names another), which this
   process uses too: the cache the national picture lives in is then shared, so
   "cold" can be made cold from here. Each page is also timed in-process (CPU time,
   queries) before the server starts.
3. Measures with wrk, beside the hello and one-query ceilings of the same run: the
   framework page, a commitment page, an inspiration search, the national picture
   warm, an organisation's goal page (as sector staff). The national picture cold:
   single requests, each after ``picture_invalidate()``.
4. Times the board report PDF of a national organisation with about 100 goals
   in-process, beside the ceiling of a trivial one-page PDF.

Targets: pages p95 ≤ 100 ms; national picture warm ≤ 100 ms, cold ≤ 2 s; PDF ≤ 10 s.
``--only NAME`` measures the pages whose name contains NAME (the cold picture and the
PDF only when NAME is part of "national picture cold" / "board PDF").
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import run  # noqa: E402  (bench/run.py)

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
PAGE_TARGET_MS = 100.0
COLD_TARGET_MS = 2000.0
PDF_TARGET_S = 10.0


def log(message: str) -> None:
    run.log(message)


def ensure_goals(db: str) -> None:
    log("seed_goals_national")
    start = time.perf_counter()
    result = run.manage(db, "seed_goals_national", check=False, stderr=subprocess.PIPE)
    if result.returncode != 0:
        if "allerede nationale mål" not in result.stderr:
            sys.exit(result.stderr)
        log("national goals already loaded")
    else:
        log(f"seed_goals_national: {time.perf_counter() - start:.1f} s wall clock")


def plan_check(db: str) -> None:
    """bench/plans.py first: a full scan of a national table on a hot page stops the
    run (exit 1) before any timing is taken."""
    log("plan check (bench/plans.py)")
    result = subprocess.run(
        [run.PY, str(ROOT / "bench" / "plans.py"), "--db", db], cwd=ROOT, env=run.bench_env(db)
    )
    if result.returncode != 0:
        sys.exit("bench/plans.py failed: a hot page reads a national table end to end")


def django_setup(db: str) -> None:
    """This process talks to the same database and the same Redis as the server."""
    os.environ.update(
        DATABASE_URL=run.URLS[db],
        DJANGO_SETTINGS_MODULE="config.settings_bench",
        REDIS_URL=REDIS_URL,
    )
    os.environ.pop("DEBUG", None)
    import django

    django.setup()


def choose() -> dict[str, Any]:
    """A goal with several indicators that sector staff may read, and the national
    organisation whose goal count is closest to 100."""
    from django.db.models import Count

    from almen.goals.models import Goal, GoalStatus
    from almen.goals.national import GOAL_ID_RANGE
    from almen.lib.visibility import Visibility

    low, high = GOAL_ID_RANGE
    national = Goal.objects.filter(public_id__gte=low, public_id__lt=high)
    goal = (
        national.filter(
            visibility__in=[Visibility.PUBLIC, Visibility.SECTOR], status=GoalStatus.ADOPTED
        )
        .annotate(n=Count("indicators"))
        .filter(n__gte=4)
        .order_by("id")
        .first()
    )
    assert goal is not None
    counts = list(
        Goal.objects.filter(organisation__cvr__startswith="9")
        .values("organisation_id")
        .annotate(n=Count("id"))
        .values_list("organisation_id", "n")
    )
    org_id, n = min(counts, key=lambda row: (abs(row[1] - 100), row[0]))
    return {
        "goal": str(goal.public_id),
        "goal_indicators": goal.n,
        "goal_visibility": goal.visibility,
        "board_org_id": org_id,
        "board_org_goals": n,
    }


def in_process(targets: list[tuple[str, str, str | None]], repeats: int) -> dict[str, Any]:
    """Each page through Django's test client in this process, after one warm-up
    request: median CPU time of this process (with SQLite that includes the SQL; a
    figure the other load on a shared machine disturbs far less than wall clock),
    median wall time, queries and their time. Sessions as in the wrk runs."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out: dict[str, Any] = {}
    for name, path, session in targets:
        client = Client(HTTP_HOST="127.0.0.1")
        if session:
            client.cookies["sessionid"] = session
        client.get(path)
        cpu, wall = [], []
        for _ in range(repeats):
            start, start_cpu = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            cpu.append((time.process_time() - start_cpu) * 1000)
            wall.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        out[name] = {
            "cpu_ms": statistics.median(cpu),
            "wall_ms": statistics.median(wall),
            "queries": len(queries.captured_queries),
            "sql_ms": sum(float(q["time"]) for q in queries.captured_queries) * 1000,
        }
        r = out[name]
        log(
            f"in-process {name:26} CPU {r['cpu_ms']:6.1f} ms  wall {r['wall_ms']:6.1f} ms  "
            f"{r['queries']} queries ({r['sql_ms']:.1f} ms)"
        )
    return out


def flush_redis() -> None:
    from django.core.cache import cache

    cache.clear()  # FLUSHDB on database 9: nothing else uses it


def cold_picture(base: str, cookie: str | None, repeats: int) -> dict[str, Any]:
    """Single requests, each after invalidating the cached picture."""
    from almen.goals.picture import picture_invalidate

    times: list[float] = []
    warm: list[float] = []
    for _ in range(repeats):
        picture_invalidate()
        times.append(_one_request(base + "/almene-maal/overblik/", cookie))
        warm.append(_one_request(base + "/almene-maal/overblik/", cookie))
    return {
        "runs_ms": [round(t, 1) for t in times],
        "median": statistics.median(times),
        "max": max(times),
        "next_request_ms": [round(t, 1) for t in warm],
    }


def _one_request(url: str, cookie: str | None) -> float:
    req = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    start = time.perf_counter()
    with urllib.request.urlopen(req, timeout=120) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}")
    return (time.perf_counter() - start) * 1000


def board_pdf(org_id: int, repeats: int) -> dict[str, Any]:
    from weasyprint import HTML

    from almen.access.policy import Principal
    from almen.register.models import Organisation
    from almen.reports import formats, packs

    organisation = Organisation.objects.get(pk=org_id)
    staff = Principal(user_id=0, staff_organisations=frozenset({organisation.pk}))
    trivial = (
        f"<html><head><style>@font-face {{ font-family: 'IBM Plex Sans'; src: "
        f"url('{formats.FONT_DIR.as_uri()}/IBMPlexSans-Regular.woff'); }} "
        "@page { size: A4; } html { font-family: 'IBM Plex Sans'; }</style></head>"
        "<body><h1>Almen</h1><p>En side.</p></body></html>"
    )
    HTML(string=trivial).write_pdf()  # warm up fonts and imports
    start = time.perf_counter()
    HTML(string=trivial).write_pdf()
    ceiling = time.perf_counter() - start
    runs, pack_runs = [], []
    size = 0
    goals = 0
    for _ in range(repeats):
        start = time.perf_counter()
        pack = packs.board_pack(staff, organisation)
        pack_runs.append(time.perf_counter() - start)
        rendered = formats.render(pack, "pdf")
        runs.append(time.perf_counter() - start)
        size, goals = len(rendered.content), len(pack.goals)
    log(f"board PDF: {goals} goals, {size / 1e6:.1f} MB, runs {[round(r, 2) for r in runs]} s")
    return {
        "seconds": statistics.median(runs),
        "runs": runs,
        "pack_seconds": statistics.median(pack_runs),
        "ceiling": ceiling,
        "goals": goals,
        "bytes": size,
        "organisation": organisation.cvr,
    }


def table(
    results: dict[str, dict[str, Any]], cold: dict[str, Any], pdf: dict[str, Any] | None
) -> str:
    lines = [
        f"{'figure':46} {'value':>15} {'ceiling':>10} {'ratio':>7} {'target':>10}  met",
        "-" * 98,
    ]
    hello = results.get("hello", {}).get("rps")
    one = results.get("one-query", {}).get("rps")
    for name, r in results.items():
        ceiling = hello if name == "one-query" else (None if name == "hello" else one)
        ratio = f"{r['rps'] / ceiling:6.0%}" if ceiling else ""
        ceil = f"{ceiling:,.0f}" if ceiling else ""
        lines.append(f"{name + ' req/s':46} {r['rps']:>15,.0f} {ceil:>10} {ratio:>7}")
        met = "" if name in {"hello", "one-query"} else ("yes" if r["p95"] <= 100 else "NO")
        target = "" if not met else f"p95≤{PAGE_TARGET_MS:.0f}"
        lines.append(
            f"{name + ' p50 / p95 ms':46} {r['p50']:>6.1f} / {r['p95']:>6.1f} "
            f"{'':>10} {'':>7} {target:>10}  {met}"
        )
    for key, c in cold.items():
        met = "yes" if c["max"] <= COLD_TARGET_MS else "NO"
        lines.append(
            f"{'national picture cold (' + key + ') med / max ms':46} "
            f"{c['median']:>6.0f} / {c['max']:>6.0f} {'':>10} {'':>7} {'≤2000':>10}  {met}"
        )
    if pdf is None:
        return "\n".join(lines)
    met = "yes" if pdf["seconds"] <= PDF_TARGET_S else "NO"
    lines.append(
        f"{'board PDF s (' + str(pdf['goals']) + ' goals, ' + pdf['organisation'] + ')':46} "
        f"{pdf['seconds']:>15.2f} {pdf['ceiling']:>10.3f} {pdf['seconds'] / pdf['ceiling']:>6.0f}x "
        f"{'≤10':>10}  {met}"
    )
    lines.append(f"{'  of which pack (queries + charts) s':46} {pdf['pack_seconds']:>15.2f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=sorted(run.URLS), default="sqlite")
    parser.add_argument("--seconds", type=int, default=10, help="per figure")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--cold-repeats", type=int, default=5)
    parser.add_argument("--pdf-repeats", type=int, default=2)
    parser.add_argument("--skip-seed", action="store_true", help="data is already there")
    parser.add_argument("--in-process-repeats", type=int, default=20)
    parser.add_argument("--skip-plans", action="store_true", help="skip bench/plans.py")
    parser.add_argument("--only", help="measure only figures whose name contains this")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    run.EXTRA_ENV["REDIS_URL"] = REDIS_URL
    if not args.skip_seed:
        run.ensure_data(args.db)
        ensure_goals(args.db)
    if not args.skip_plans:
        plan_check(args.db)
    info = run.setup(args.db)
    django_setup(args.db)
    info.update(choose())
    log(f"goal {info['goal']} ({info['goal_indicators']} indicators), board org {info}")
    flush_redis()
    s = info["sessions"]
    sector = s["sector_staff"]
    targets: list[tuple[str, str, str | None]] = [
        ("hello", "/bench/hello", None),
        ("one-query", "/bench/one-query", None),
        ("framework page", "/almene-maal/", None),
        ("commitment page 2.4", "/almene-maal/2026-2028/2.4/", None),
        (
            "library search 2.4 + Hovedstaden",
            "/inspiration/?commitment=2.4&region=Region+Hovedstaden",
            None,
        ),
        ("national picture warm (public)", "/almene-maal/overblik/", None),
        ("national picture warm (sector)", "/almene-maal/overblik/", sector),
        ("goal page (sector staff)", f"/maal/{info['goal']}/", sector),
    ]
    if args.only:
        targets = [t for t in targets if args.only in t[0] or t[0] in {"hello", "one-query"}]
    local = in_process(targets, args.in_process_repeats)
    proc, base = run.start_server(args.db)
    try:
        results = run.measure(base, targets, args.seconds, args.connections)
        cold = {}
        if not args.only or args.only in "national picture cold":
            cold = {
                "public": cold_picture(base, None, args.cold_repeats),
                "sector": cold_picture(base, f"sessionid={sector}", args.cold_repeats),
            }
        for key, c in cold.items():
            log(f"national picture cold ({key}): {c['runs_ms']} ms")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    pdf = None
    if not args.only or args.only in "board PDF":
        pdf = board_pdf(info["board_org_id"], args.pdf_repeats)

    header = (
        f"# {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} · {args.db} · "
        f"{os.cpu_count()} cores · {platform.python_version()} · gunicorn 2 workers · "
        f"{args.connections} connections × {args.seconds} s · Redis cache · "
        f"goal {info['goal']} ({info['goal_indicators']} indicators)"
    )
    print(header)
    print(table(results, cold, pdf))
    for name, r in local.items():
        print(
            f"{'in-process ' + name:46} CPU {r['cpu_ms']:6.1f} ms, wall {r['wall_ms']:6.1f} ms, "
            f"{r['queries']} queries ({r['sql_ms']:.1f} ms)"
        )
    if args.json:
        data = {"info": info, "results": results, "in_process": local, "cold": cold, "pdf": pdf}
        args.json.write_text(json.dumps(data, indent=1, default=str))


if __name__ == "__main__":
    main()
