"""Benchmarks at national scale. Not a test: prints numbers, never fails on a timing.

    .venv/bin/python bench/run.py --db sqlite      # var/bench.sqlite3
    .venv/bin/python bench/run.py --db postgres    # database almen_bench on 127.0.0.1

``BENCH_PG_DB`` names another PostgreSQL database and ``BENCH_SQLITE`` another SQLite
file (e.g. ``BENCH_PG_DB=perf_almen_bench``), so parallel runs do not share data.

1. Ensures the bench database has migrations, the demo cast and national data
   (seed_national: 500 organisations, 7,000 estates, 600,000 households, 1,000,000
   residents).
2. Starts gunicorn (2 workers) with config.settings_bench on a free port.
3. Measures p50/p95 latency and requests/s with wrk (or a threaded Python client
   when wrk is missing) for the ceiling views, each persona's home page, a large
   organisation's page and its largest estate's page. Logged-in personas use
   sessions created directly in the bench database.
4. Imports a generated 600,000-row register with ``manage.py import_register`` and
   compares its rows/s with a raw bulk insert of the same rows into a scratch table.

Prints a table: figure, value, ceiling, ratio.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PG_ADMIN = "host=127.0.0.1 user=postgres dbname=postgres"
PG_DB = os.environ.get("BENCH_PG_DB", "almen_bench")
SQLITE_FILE = os.environ.get("BENCH_SQLITE", "var/bench.sqlite3")
URLS = {
    "sqlite": f"sqlite:///{SQLITE_FILE}",
    "postgres": f"postgres://postgres@127.0.0.1:5432/{PG_DB}",
}
PERSONA_KEYS = [
    "anonymous",
    "resident_a",
    "estate_board_a",
    "org_board",
    "org_staff",
    "municipality_officer",
    "sector_staff",
]
# A new organisation per run, so the import measured is a first import (600,000 rows
# written), not a re-import of unchanged rows (a no-op diff).
IMPORT_CVR = f"89{int(time.time()) % 1_000_000:06d}"
CONN_MAX_AGE: int | None = None  # --conn-max-age
# Added to the environment of every subprocess (manage.py, gunicorn); bench/goals.py
# uses it to give the server and itself one shared Redis cache.
EXTRA_ENV: dict[str, str] = {}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def bench_env(db: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DEBUG"}}
    if CONN_MAX_AGE is not None:
        env["BENCH_CONN_MAX_AGE"] = str(CONN_MAX_AGE)
    env.update(DATABASE_URL=URLS[db], DJANGO_SETTINGS_MODULE="config.settings_bench")
    env.update(EXTRA_ENV)
    return env


def manage(db: str, *args: str, check: bool = True, **kw: Any) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=bench_env(db), check=check, text=True, **kw
    )


# --- (a) the bench database -----------------------------------------------------------


def ensure_data(db: str) -> None:
    if db == "postgres":
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DB])
            if exists.fetchone() is None:
                log(f"creating database {PG_DB}")
                conn.execute(f'CREATE DATABASE "{PG_DB}"')
    else:
        (ROOT / "var").mkdir(exist_ok=True)
    log("migrate")
    manage(db, "migrate", "--noinput", "-v0")
    log("seed_demo (personas)")
    manage(db, "seed_demo", stdout=subprocess.DEVNULL)
    log("seed_national")
    start = time.perf_counter()
    result = manage(db, "seed_national", check=False, stderr=subprocess.PIPE)
    if result.returncode != 0:
        if "allerede nationale data" not in result.stderr:
            sys.exit(result.stderr)
        log("national data already loaded")
    else:
        log(f"seed_national: {time.perf_counter() - start:.1f} s wall clock")


SETUP_SCRIPT = r"""
import json
import time
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.mfa.models import Authenticator
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Count
from almen.register.demo import personas
from almen.register.models import Estate, Municipality, Organisation
from almen.register.national import NATIONAL_CVR_PREFIX

sessions = {}
for key, persona in personas().items():
    if persona.user is None:
        continue
    store = SessionStore()
    store[SESSION_KEY] = str(persona.user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = persona.user.get_session_auth_hash()
    # Staff must have passed TOTP in this session (RequireStaffMfaMiddleware): the
    # record allauth writes after the TOTP step, or every staff page measured would be
    # a redirect to the code prompt.
    totp = Authenticator.objects.filter(
        user_id=persona.user.pk, type=Authenticator.Type.TOTP
    ).first()
    if totp is not None:
        store[AUTHENTICATION_METHODS_SESSION_KEY] = [
            {"method": "mfa", "at": time.time(), "id": totp.pk, "type": totp.type}
        ]
        store[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(persona.user.pk)
    store.create()
    sessions[key] = store.session_key
org = (
    Organisation.objects.filter(cvr__startswith=NATIONAL_CVR_PREFIX)
    .annotate(n=Count("estates")).order_by("-n").first()
)
estate = (
    Estate.objects.filter(organisation=org).annotate(n=Count("units")).order_by("-n").first()
)
Organisation.objects.get_or_create(
    cvr="IMPORT_CVR",
    defaults={"name": "Benchmark-import", "municipality": Municipality.objects.get(code="0101")},
)
print("SETUP " + json.dumps({
    "sessions": sessions,
    "org": {"cvr": org.cvr, "estates": org.n},
    "estate": {"number": estate.number, "units": estate.n},
}))
""".replace("IMPORT_CVR", IMPORT_CVR)


def setup(db: str) -> dict[str, Any]:
    out = manage(db, "shell", "-c", SETUP_SCRIPT, capture_output=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("SETUP "))
    return json.loads(line[len("SETUP ") :])


# --- (b) the server ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=bench_env(db),
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            with urllib.request.urlopen(base + "/bench/hello", timeout=1) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    sys.exit("gunicorn did not start")


# --- (c) load ------------------------------------------------------------------------------


def status_of(url: str, cookie: str | None) -> int:
    req = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a: Any, **k: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=30) as r:
            return int(r.status)
    except urllib.error.HTTPError as e:
        return int(e.code)


def load_wrk(url: str, cookie: str | None, seconds: int, connections: int) -> dict[str, float]:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    cmd += ["-s", str(ROOT / "bench" / "report.lua")]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    return json.loads(line[len("BENCH ") :])


def load_python(url: str, cookie: str | None, seconds: int, connections: int) -> dict[str, float]:
    """Fallback: closed-loop threads with keep-alive connections."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        mine: list[float] = []
        while time.perf_counter() < deadline:
            t = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            resp = conn.getresponse()
            resp.read()
            mine.append(time.perf_counter() - t)
            if resp.status >= 400:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    start = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - start
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": pct(50),
        "p95": pct(95),
        "p99": pct(99),
        "errors": 0,
        "non2xx": errors[0],
    }


def measure(
    base: str, targets: list[tuple[str, str, str | None]], seconds: int, connections: int
) -> dict[str, dict[str, float]]:
    load = load_wrk if shutil_which("wrk") else load_python
    log(f"load generator: {'wrk' if load is load_wrk else 'python threads'}")
    if load is load_python:
        log("wrk is missing (apt-get install -y wrk); the Python client is slower than wrk")
    results = {}
    for name, path, session in targets:
        cookie = f"sessionid={session}" if session else None
        code = status_of(base + path, cookie)
        if code != 200:
            log(f"{name}: {path} answers {code}, not 200 – skipped")
            continue
        load(base + path, cookie, 2, connections)  # warm-up: caches, connections
        results[name] = load(base + path, cookie, seconds, connections)
        results[name]["path"] = path  # type: ignore[assignment]
        r = results[name]
        log(f"{name:28} {r['rps']:8.0f} req/s  p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f} ms")
    return results


def shutil_which(name: str) -> str | None:
    import shutil

    return shutil.which(name)


# --- (d) import -------------------------------------------------------------------------------

HEADER = [
    "afdelingsnummer",
    "afdelingsnavn",
    "lejemålsnummer",
    "adresse",
    "boligtype",
    "areal",
    "værelser",
    "indflytningsdato",
    "beboer_navn",
]


def register_rows(n: int, seed: int = 2026) -> list[list[str]]:
    """n resident rows, 1–4 per unit, about 6,000 per estate."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_bench")
    import django

    django.setup()
    from almen.register.demo import FIRST_NAMES, STREETS, SURNAMES

    rng = random.Random(seed)
    rows: list[list[str]] = []
    unit = 0
    while len(rows) < n:
        unit += 1
        estate = 1 + unit // 3600
        surname = rng.choice(SURNAMES)
        kind = rng.choices(["familie", "ældre", "ungdom"], weights=[80, 12, 8])[0]
        rooms = 1 if kind == "ungdom" else rng.randint(1, 5)
        moved_in = dt.date(rng.randint(1975, 2025), rng.randint(1, 12), rng.randint(1, 28))
        address = f"{rng.choice(STREETS)} {unit % 90 + 1}, {unit % 6}. th"
        size = rng.choices([1, 2, 3, 4], weights=[55, 30, 10, 5])[0]
        for first in rng.sample(FIRST_NAMES, size):
            rows.append(
                [
                    str(estate),
                    f"Afdeling {estate}",
                    f"{estate:03d}-{unit:06d}",
                    address,
                    kind,
                    f"{25 + rooms * 18},5",
                    str(rooms),
                    moved_in.strftime("%d-%m-%Y"),
                    f"{first} {surname}",
                ]
            )
    return rows[:n]


def raw_insert_ceiling(db: str, rows: list[list[str]]) -> float:
    """Rows/s of the fastest plain insert of the same rows into a scratch table."""
    cols = ", ".join(f"c{i} text" for i in range(len(HEADER)))
    names = ", ".join(f"c{i}" for i in range(len(HEADER)))
    if db == "postgres":
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={PG_DB}") as conn:
            conn.execute("DROP TABLE IF EXISTS bench_scratch")
            conn.execute(f"CREATE TABLE bench_scratch (id bigserial primary key, {cols})")
            conn.commit()
            start = time.perf_counter()
            with conn.cursor() as cur, cur.copy(f"COPY bench_scratch ({names}) FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(row)
            conn.commit()
            elapsed = time.perf_counter() - start
            conn.execute("DROP TABLE bench_scratch")
            conn.commit()
    else:
        import sqlite3

        conn = sqlite3.connect(ROOT / SQLITE_FILE, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("DROP TABLE IF EXISTS bench_scratch")
        conn.execute(f"CREATE TABLE bench_scratch (id integer primary key, {cols})")
        marks = ", ".join("?" * len(HEADER))
        start = time.perf_counter()
        conn.execute("BEGIN")
        for i in range(0, len(rows), 5000):
            conn.executemany(
                f"INSERT INTO bench_scratch ({names}) VALUES ({marks})", rows[i : i + 5000]
            )
        conn.execute("COMMIT")
        elapsed = time.perf_counter() - start
        conn.execute("DROP TABLE bench_scratch")
        conn.close()
    return len(rows) / elapsed


def import_bench(db: str, n: int, timeout: int) -> dict[str, Any]:
    rows = register_rows(n)
    path = ROOT / "var" / f"bench-register-{n}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(rows)
    ceiling = raw_insert_ceiling(db, rows)
    log(f"raw insert ceiling: {ceiling:,.0f} rows/s")
    has_command = (ROOT / "almen/imports/management/commands/import_register.py").exists()
    result: dict[str, Any] = {"rows": n, "ceiling": ceiling, "rps": None, "note": ""}
    if not has_command:
        result["note"] = "import_register does not exist"
        return result
    start = time.perf_counter()
    try:
        proc = manage(
            db,
            "import_register",
            str(path),
            "--organisation",
            IMPORT_CVR,
            check=False,
            capture_output=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        result["note"] = f"import did not finish within {timeout} s"
        return result
    elapsed = time.perf_counter() - start
    tail = (proc.stdout + proc.stderr).strip().splitlines()[-1:] or [""]
    if proc.returncode != 0:
        result["note"] = f"import failed: {tail[0][:200]}"
        return result
    result["rps"] = n / elapsed
    result["seconds"] = elapsed
    result["note"] = tail[0][:120]
    return result


# --- report -----------------------------------------------------------------------------------


def table(results: dict[str, dict[str, Any]], imp: dict[str, Any] | None) -> str:
    lines = [
        f"{'figure':44} {'value':>12} {'ceiling':>12} {'ratio':>7}",
        "-" * 78,
    ]
    hello = results.get("hello", {}).get("rps")
    one = results.get("one-query", {}).get("rps")
    for name, r in results.items():
        ceiling = hello if name == "one-query" else (None if name == "hello" else one)
        ratio = f"{r['rps'] / ceiling:6.0%}" if ceiling else ""
        ceil = f"{ceiling:,.0f}" if ceiling else ""
        lines.append(f"{name + ' req/s':44} {r['rps']:>12,.0f} {ceil:>12} {ratio:>7}")
        lines.append(f"{name + ' p50 / p95 ms':44} {r['p50']:>5.1f} / {r['p95']:>5.1f} {'100':>12}")
    if imp:
        value = f"{imp['rps']:,.0f}" if imp.get("rps") else "–"
        ratio = f"{imp['rps'] / imp['ceiling']:6.0%}" if imp.get("rps") else ""
        lines.append(
            f"{'import_register rows/s (' + format(imp['rows'], ',') + ' rows)':44} "
            f"{value:>12} {imp['ceiling']:>12,.0f} {ratio:>7}"
        )
        if imp.get("note"):
            lines.append(f"  import: {imp['note']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=sorted(URLS), default="sqlite")
    parser.add_argument("--seconds", type=int, default=10, help="per figure")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--import-rows", type=int, default=600_000)
    parser.add_argument("--import-timeout", type=int, default=1800)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--conn-max-age", type=int, help="override CONN_MAX_AGE (diagnostic; default: as set)"
    )
    parser.add_argument("--only", help="measure only figures whose name contains this")
    args = parser.parse_args()
    global CONN_MAX_AGE
    CONN_MAX_AGE = args.conn_max_age

    ensure_data(args.db)
    info = setup(args.db)
    log(f"large organisation {info['org']}, estate {info['estate']}")
    s = info["sessions"]
    org, estate = info["org"]["cvr"], info["estate"]["number"]
    targets: list[tuple[str, str, str | None]] = [
        ("hello", "/bench/hello", None),
        ("one-query", "/bench/one-query", None),
    ]
    targets += [(f"home: {k}", "/", s.get(k)) for k in PERSONA_KEYS]
    targets += [
        ("organisation page (sector)", f"/organisationer/{org}/", s["sector_staff"]),
        ("estate page (sector)", f"/organisationer/{org}/afdelinger/{estate}/", s["sector_staff"]),
        ("organisation list", "/organisationer/", None),
    ]
    if args.only:
        targets = [t for t in targets if args.only in t[0] or t[0] in {"hello", "one-query"}]
    proc, base = start_server(args.db)
    try:
        results = measure(base, targets, args.seconds, args.connections)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    imp = None if args.skip_import else import_bench(args.db, args.import_rows, args.import_timeout)

    header = (
        f"# {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} · {args.db} · "
        f"{os.cpu_count()} cores · {platform.python_version()} · gunicorn 2 workers · "
        f"{args.connections} connections × {args.seconds} s · CONN_MAX_AGE "
        f"{'as set' if CONN_MAX_AGE is None else CONN_MAX_AGE} · organisation {org} "
        f"({info['org']['estates']} estates), estate {estate} ({info['estate']['units']} units)"
    )
    print(header)
    print(table(results, imp))
    if args.json:
        data = {"info": info, "results": results, "import": imp}
        args.json.write_text(json.dumps(data, indent=1))


if __name__ == "__main__":
    main()
