"""Plan check for the hot pages at national scale. Unlike the timings, this one FAILS:
exit status 1 and a message naming the query, when a hot page reads a national table
from end to end.

    .venv/bin/python bench/plans.py --db sqlite      # var/bench.sqlite3
    .venv/bin/python bench/plans.py --db postgres    # database almen_bench (BENCH_PG_DB)

Needs the national data (``bench/run.py`` / ``bench/goals.py`` load it; this script
only reads). Each page is requested in-process twice as its persona (cold, then warm
caches); every SELECT it runs is explained (``EXPLAIN QUERY PLAN`` on SQLite,
``EXPLAIN (FORMAT JSON)`` on PostgreSQL) and fails the check when it

- scans a national table (one with at least ``--min-rows`` rows, 10,000 by default:
  units, households, residents, buildings, goals, indicators, measurements, …):
  SQLite ``SCAN <table>``, with or without an index (walking an index over every
  row is the same work; that was the goal page's mistake), PostgreSQL ``Seq Scan``
  or an index scan without an index condition;
- unless the page and table are in ``ALLOWED`` with the reason.

The national picture's first request computes the picture over every goal on purpose
(cached afterwards, measured as "cold" by bench/goals.py): only its warm request is
checked.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import run  # noqa: E402  (bench/run.py)

# (part of a page name, table): why a full read is accepted there. Keep this short;
# each entry is a known cost, listed in docs/performance.md.
ALLOWED: dict[tuple[str, str], str] = {
    ("commitment page", "goals_goal_commitments"): "KNOWN, not fixed (library.py): "
    "PostgreSQL reads all 38,000 goal-commitment links to find one code's goals",
    ("library search", "goals_goal_commitments"): "KNOWN, not fixed (library.py): as above",
}


def allowed(page: str, table: str) -> bool:
    return any(part in page and table == t for part, t in ALLOWED)


@dataclass
class Page:
    name: str
    path: str
    persona: str | None
    check_cold: bool = True


@dataclass
class Finding:
    page: str
    table: str
    access: str
    sql: str
    plan: list[str] = field(default_factory=list)


def django_setup(db: str) -> None:
    os.environ.update(DATABASE_URL=run.URLS[db], DJANGO_SETTINGS_MODULE="config.settings_bench")
    for key in ("DEBUG", "REDIS_URL"):  # in-process local-memory cache
        os.environ.pop(key, None)
    os.chdir(ROOT)
    import django

    django.setup()


def national_tables(min_rows: int) -> dict[str, int]:
    from django.apps import apps
    from django.db import connection

    sizes: dict[str, int] = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in sizes or model._meta.proxy or not model._meta.managed:
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            sizes[table] = int(cursor.fetchone()[0])
    return {t: n for t, n in sizes.items() if n >= min_rows}


def pages() -> list[Page]:
    """The pages bench/run.py and bench/goals.py measure, with the same choices."""
    import goals as goals_bench  # bench/goals.py
    from django.db.models import Count

    from almen.register.models import Estate, Organisation
    from almen.register.national import NATIONAL_CVR_PREFIX

    goal = goals_bench.choose()["goal"]
    org = (
        Organisation.objects.filter(cvr__startswith=NATIONAL_CVR_PREFIX)
        .annotate(n=Count("estates"))
        .order_by("-n")
        .first()
    )
    assert org is not None, "no national data: run bench/run.py or bench/goals.py first"
    estate = Estate.objects.filter(organisation=org).order_by("-unit_count").first()
    assert estate is not None
    result = [Page(f"home: {key}", "/", key) for key in run.PERSONA_KEYS]
    result += [
        Page("organisation page", f"/organisationer/{org.cvr}/", "sector_staff"),
        Page(
            "estate page",
            f"/organisationer/{org.cvr}/afdelinger/{estate.number}/",
            "sector_staff",
        ),
        Page("organisation list", "/organisationer/", None),
        Page("framework page", "/almene-maal/", None),
        Page("commitment page 2.4", "/almene-maal/2026-2028/2.4/", None),
        Page(
            "library search 2.4 + Hovedstaden",
            "/inspiration/?commitment=2.4&region=Region+Hovedstaden",
            None,
        ),
        Page("national picture (public)", "/almene-maal/overblik/", None, check_cold=False),
        Page("national picture (sector)", "/almene-maal/overblik/", "sector_staff", False),
        Page("goal page (sector staff)", f"/maal/{goal}/", "sector_staff"),
    ]
    return result


_ALIAS = re.compile(r'"(\w+)"\s+([A-Z]\d+)\b')


def sqlite_scans(sql: str, national: dict[str, int]) -> tuple[list[tuple[str, str]], list[str]]:
    from django.db import connection

    aliases = {alias: table for table, alias in _ALIAS.findall(sql)}
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        plan = [str(row[-1]) for row in cursor.fetchall()]
    scans = []
    for line in plan:
        m = re.match(r"SCAN (\w+)(?: AS \w+)?(.*)", line)
        if m:
            table = aliases.get(m.group(1), m.group(1))
            if table in national:
                scans.append((table, line))
    return scans, plan


def postgres_scans(sql: str, national: dict[str, int]) -> tuple[list[tuple[str, str]], list[str]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        raw = cursor.fetchone()[0]
    tree = raw if isinstance(raw, list) else json.loads(raw)
    scans: list[tuple[str, str]] = []
    plan: list[str] = []

    def walk(node: dict[str, Any], depth: int) -> None:
        kind = node["Node Type"]
        table = node.get("Relation Name", "")
        detail = f"{'  ' * depth}{kind}" + (f" on {table}" if table else "")
        if node.get("Index Name"):
            detail += f" using {node['Index Name']}"
        cond = node.get("Index Cond") or node.get("Recheck Cond")
        if cond:
            detail += f" ({cond})"
        plan.append(detail)
        if table in national and (
            kind in {"Seq Scan", "Parallel Seq Scan"}
            or (kind in {"Index Scan", "Index Only Scan"} and not node.get("Index Cond"))
        ):
            scans.append((table, detail.strip()))
        for child in node.get("Plans", []):
            walk(child, depth + 1)

    walk(tree[0]["Plan"], 0)
    return scans, plan


def check_page(
    page: Page, national: dict[str, int], vendor: str
) -> tuple[int, list[Finding], set[str]]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from almen.accounts.tests.helpers import login_with_mfa
    from almen.register.demo import personas

    client = Client(HTTP_HOST="127.0.0.1")
    if page.persona and page.persona != "anonymous":
        user = personas()[page.persona].user
        assert user is not None
        login_with_mfa(client, user)  # staff pages need the TOTP step in the session
    cache.clear()  # this process's local memory: the first request is really cold
    explain = sqlite_scans if vendor == "sqlite" else postgres_scans
    findings: list[Finding] = []
    accepted: set[str] = set()
    seen: set[str] = set()
    queries = 0
    for attempt in ("cold", "warm"):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.path)
        if response.status_code != 200:
            sys.exit(f"PLAN CHECK: {page.name} ({page.path}) answered {response.status_code}")
        queries = len(captured.captured_queries)
        if attempt == "cold" and not page.check_cold:
            continue
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or sql in seen:
                continue
            seen.add(sql)
            scans, plan = explain(sql, national)
            for table, access in scans:
                if allowed(page.name, table):
                    accepted.add(table)
                else:
                    findings.append(Finding(page.name, table, access, sql, plan))
    return queries, findings, accepted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=sorted(run.URLS), default="sqlite")
    parser.add_argument(
        "--min-rows",
        type=int,
        default=10_000,
        help="a national table (smaller ones, like the 7,000 estates, fit in ~100 pages: "
        "planners rightly read them whole for a hash join)",
    )
    parser.add_argument("--only", help="check only pages whose name contains this")
    parser.add_argument("--show", help="print every plan of pages whose name contains this")
    args = parser.parse_args()
    django_setup(args.db)
    from django.db import connection

    national = national_tables(args.min_rows)
    run.log("national tables: " + ", ".join(f"{t} ({n:,})" for t, n in sorted(national.items())))
    failed: list[Finding] = []
    for page in pages():
        if args.only and args.only not in page.name:
            continue
        queries, findings, accepted = check_page(page, national, connection.vendor)
        state = "ok" if not findings else f"{len(findings)} FULL SCAN(S)"
        if accepted:
            state += f" (accepted: full read of {', '.join(sorted(accepted))}, see ALLOWED)"
        run.log(f"{page.name:36} {queries:3} queries (warm)  {state}")
        failed += findings
        if args.show and args.show in page.name:
            show(page, national, connection.vendor)
    if failed:
        print("\nPLAN CHECK FAILED: hot pages read national tables end to end\n", file=sys.stderr)
        for f in failed:
            print(
                f"- {f.page}: {f.table} ({national[f.table]:,} rows): {f.access}", file=sys.stderr
            )
            print(f"  SQL: {f.sql[:600]}", file=sys.stderr)
            print("  plan:\n    " + "\n    ".join(f.plan), file=sys.stderr)
        sys.exit(1)
    print(f"plan check ({connection.vendor}): no full scan of a national table on hot pages")


def _short(sql: str) -> str:
    """The query without its column list: SELECT … FROM … WHERE … ORDER BY …"""
    start = sql.find(" FROM ")
    return (sql[:7] + "…" + sql[start:] if start > 0 else sql)[:800]


def show(page: Page, national: dict[str, int], vendor: str) -> None:
    """Print the plan of every query of the page's warm request (for the docs)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from almen.accounts.tests.helpers import login_with_mfa
    from almen.register.demo import personas

    client = Client(HTTP_HOST="127.0.0.1")
    if page.persona and page.persona != "anonymous":
        user = personas()[page.persona].user
        assert user is not None
        login_with_mfa(client, user)  # staff pages need the TOTP step in the session
    client.get(page.path)
    with CaptureQueriesContext(connection) as captured:
        client.get(page.path)
    explain = sqlite_scans if vendor == "sqlite" else postgres_scans
    for query in captured.captured_queries:
        if query["sql"].lstrip().upper().startswith("SELECT"):
            _, plan = explain(query["sql"], national)
            print(f"-- {query['time']} s: {_short(query['sql'])}")
            print("   " + "\n   ".join(plan))


if __name__ == "__main__":
    main()
