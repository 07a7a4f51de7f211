"""Benchmark: every persona's home page, now a dashboard (issue 7), against national-scale
data. Not a test: prints numbers, never fails on a timing.

    .venv/bin/python bench/home.py --db postgres    # database almen_bench (BENCH_PG_DB)
    .venv/bin/python bench/home.py --db sqlite      # var/bench.sqlite3 (BENCH_SQLITE)

1. Ensures the bench database has the national register and the national goals
   (bench/run.py's ensure_data, bench/goals.py's ensure_goals; ``--skip-seed`` when
   they are there).
2. Makes the demo's organisation staff also staff of the national organisation whose
   goal count is closest to 100 (idempotent), so that one dashboard computes the
   statuses, reviews and actions of a large organisation: "home: organisation staff
   (+100 goals)". The demo's own personas are measured as they are.
3. Times each home page in-process (CPU, queries), then with wrk beside the hello and
   one-query ceilings of the same run, cache warm (the dashboards' figures are cached
   until a goal changes, as in production), and each persona's home once with the
   cache cold (single requests after flushing Redis).

Target: every home page p95 ≤ 100 ms. Measure only when ``uptime`` shows a load below
about 3: the script prints the load before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import goals  # noqa: E402  (bench/goals.py)
import run  # noqa: E402  (bench/run.py)

STAFF_EMAIL = "administration@almen.demo"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def grant_large_organisation(org_id: int) -> str:
    """The demo's staff persona becomes staff of a national organisation too."""
    from almen.accounts.models import User
    from almen.register.models import Membership, Organisation, Role

    organisation = Organisation.objects.get(pk=org_id)
    user = User.objects.get(email=STAFF_EMAIL)
    Membership.objects.get_or_create(
        user=user,
        role=Role.ORG_STAFF,
        organisation=organisation,
        defaults={"starts": dt.date(2025, 1, 1)},
    )
    return organisation.cvr


def cold_homes(base: str, targets: list[tuple[str, str, str | None]]) -> dict[str, float]:
    out = {}
    for name, path, session in targets:
        if not name.startswith("home"):
            continue
        goals.flush_redis()
        out[name] = goals._one_request(base + path, f"sessionid={session}" if session else None)
        run.log(f"cold {name}: {out[name]:.1f} ms")
    return out


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
        goals.ensure_goals(args.db)
    goals.django_setup(args.db)
    chosen = goals.choose()
    cvr = grant_large_organisation(chosen["board_org_id"])
    info = run.setup(args.db)
    goals.flush_redis()
    s = info["sessions"]
    targets: list[tuple[str, str, str | None]] = [
        ("hello", "/bench/hello", None),
        ("one-query", "/bench/one-query", None),
        *[(f"home: {k}", "/", s.get(k)) for k in run.PERSONA_KEYS],
    ]
    names = {"org_staff": f"home: org_staff (+{chosen['board_org_goals']} goals, {cvr})"}
    targets = [(names.get(t[0][6:], t[0]), t[1], t[2]) for t in targets]
    local = goals.in_process(targets, args.in_process_repeats)
    if args.in_process_only:
        print(f"# in-process only · {args.db} · load before {load_before}, after {load()}")
        for name, r in local.items():
            print(
                f"{name:58} CPU {r['cpu_ms']:6.1f} ms, wall {r['wall_ms']:6.1f} ms, "
                f"{r['queries']} queries ({r['sql_ms']:.1f} ms)"
            )
        return
    proc, base = run.start_server(args.db)
    try:
        results = run.measure(base, targets, args.seconds, args.connections)
        cold = cold_homes(base, targets)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    load_after = load()
    print(
        f"# {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} · {args.db} · "
        f"{os.cpu_count()} cores · {platform.python_version()} · gunicorn 2 workers · "
        f"{args.connections} connections × {args.seconds} s · Redis cache · "
        f"load before {load_before}, after {load_after}"
    )
    one = results.get("one-query", {}).get("rps")
    print(f"{'figure':58} {'req/s':>7} {'p50':>7} {'p95':>7} {'cold':>7} {'ratio':>6}  met")
    for name, r in results.items():
        ratio = f"{r['rps'] / one:5.0%}" if one and name != "one-query" else ""
        met = "" if name in {"hello", "one-query"} else ("yes" if r["p95"] <= 100 else "NO")
        c = f"{cold[name]:7.1f}" if name in cold else ""
        print(f"{name:58} {r['rps']:7.0f} {r['p50']:7.1f} {r['p95']:7.1f} {c:>7} {ratio:>6}  {met}")
    for name, r in local.items():
        q: Any = r["queries"]
        print(
            f"{'in-process ' + name:58} CPU {r['cpu_ms']:6.1f} ms, wall "
            f"{r['wall_ms']:6.1f} ms, {q} queries ({r['sql_ms']:.1f} ms)"
        )


if __name__ == "__main__":
    main()
