"""Benchmark: secret ballots at national scale (issue 9). Not a test: prints numbers,
never fails on a timing.

    BENCH_PG_DB=almen_bench_ballots .venv/bin/python bench/ballots.py     # the default database
    .venv/bin/python bench/ballots.py --only box                          # no HTTP run

PostgreSQL only (the issue's figures are PostgreSQL's; ``BENCH_PG_DB`` names the
database, created and migrated when missing; ``BENCH_REDIS_URL`` the Redis database the
server and this process share, flushed first).

1. Seeds once (idempotent; ``COPY`` through ``lib.bulk.copy_rows``, no per-row ORM):
   an organisation (CVR 99990500) whose one estate holds all its 50,000 households (a
   ballot belongs to one estate, ``Ballot.estate``, so the urafstemning's roll is the
   whole organisation's 50,000), one resident per household, and a login (a user
   without a password) for the first 20,000 residents: the voters.
2. The HTTP run: gunicorn with 2 workers (config.settings_bench), a new open
   urafstemning (Ja, Nej, Blank) on the 50,000-household roll, 64 concurrent voters,
   each its own session (written straight into the session table, not through the
   e-mail code login) and its own connection. Each voter does the real flow of
   ``democracy:ballot_vote`` (``/afstemninger/<uuid>/stem/``): GET the form, POST the
   choice, POST the confirmation, following the page's own forms (hidden inputs and
   the CSRF token as served, the first option of each radio group, the submit button
   that is not "back") until a page shows a tracker code: that is one vote. Some
   households (``--twins``) vote from two sessions at the same moment. Beside it, from
   the same run, the same client with the same 64 concurrent connections on the
   ceilings ``/bench/hello`` and ``/bench/one-query`` (before and after the votes):
   the client shares the 2 cores with the server in both, so the ratio compares like
   with like. Afterwards the database is checked: every receipt's tracker is in the
   box or the pool exactly once and nothing else is there (0 lost, 0 invented), the
   participation rows' digital votes equal the weight in box and pool, one
   participation per household that got a receipt, no household above 2 votes.
   A URL name that does not resolve in this build is reported "not available", never
   guessed.
3. The box of 100,000 ballots (built once: 50,000 households × 2 votes, each entry
   chained with ``bulletin_verify.entry_hash``, written with ``COPY``), closed: times
   ``ballots_box.tally``, the bulletin's data (``ballots_bulletin.bulletin_data``) with
   its JSON, and ``manage.py ballot_verify``, each beside a floor from the same run
   (the same rows read with plain psycopg; for the verification also hashed with
   hashlib in a plain loop).

Targets: votes/s ≥ 50 % of the one-query ceiling; tally ≤ 1 s; bulletin ≤ 1 s;
ballot_verify ≤ 2 s. Measure only when ``uptime`` shows a load below about 3: the
script prints the load before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import http.client
import json
import os
import platform
import random
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("BENCH_PG_DB", "almen_bench_ballots")

import goals  # noqa: E402  (bench/goals.py: django_setup, flush_redis, REDIS_URL)
import run  # noqa: E402  (bench/run.py: manage, start_server, URLS)

DB = "postgres"
CVR = "99990500"
HOUSEHOLDS = 50_000
VOTERS = 20_000
ENTRIES = 100_000
EMAIL_DOMAIN = "stemmer.almen.demo"
SESSION_PREFIX = "ballotbench"
HTTP_TITLE = "Bench: urafstemning over HTTP"
BOX_TITLE = "Bench: 100.000 stemmer i urnen"
NOT_AVAILABLE = "not available"
TRACKER_RE = re.compile(r"\b[2-9A-HJ-NP-Z]{3}-[2-9A-HJ-NP-Z]{3}-[2-9A-HJ-NP-Z]{3}\b")
TWIN_EVERY = 16
TARGET_RATIO = 0.5
TALLY_TARGET_S = 1.0
BULLETIN_TARGET_S = 1.0
VERIFY_TARGET_S = 2.0


def log(message: str) -> None:
    run.log(message)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


# --- (1) the data --------------------------------------------------------------------


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(run.PG_ADMIN, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [run.PG_DB])
        if exists.fetchone() is None:
            log(f"creating database {run.PG_DB}")
            conn.execute(f'CREATE DATABASE "{run.PG_DB}"')
    log("migrate")
    run.manage(DB, "migrate", "--noinput", "-v0")


def seed() -> dict[str, Any]:
    """The organisation, its 50,000-household estate and the voters' logins (once)."""
    from django.db import connection, models, transaction
    from django.utils import timezone

    from almen.accounts.models import User
    from almen.lib.bulk import copy_rows
    from almen.register.models import (
        Building,
        Estate,
        Household,
        Municipality,
        Organisation,
        Resident,
        Unit,
    )
    from almen.register.national import analyze
    from almen.register.services import estate_counts_refresh

    organisation = Organisation.objects.filter(cvr=CVR).first()
    if organisation is not None:
        estate = Estate.objects.get(organisation=organisation, number=1)
        n = Household.objects.filter(unit__estate=estate).count()
        if n != HOUSEHOLDS:
            sys.exit(f"estate {estate.pk} has {n} households, not {HOUSEHOLDS}: drop the database")
        log(f"the {HOUSEHOLDS:,}-household organisation is there")
        return {"organisation": organisation.pk, "estate": estate.pk}
    start = time.perf_counter()
    rng = random.Random(2026)
    models_ = [Organisation, Estate, Building, Unit, Household, Resident, User]
    with transaction.atomic():
        first = {
            m: (m._default_manager.aggregate(x=models.Max("id"))["x"] or 0) + 1 for m in models_
        }
        municipality = Municipality.objects.get(code="0101")
        now = timezone.now()
        org_id, estate_id = first[Organisation], first[Estate]
        copy_rows(
            Organisation._meta.db_table,
            ["id", "public_id", "cvr", "name", "municipality_id", "address", "created_at"],
            [
                (
                    org_id,
                    uuid.uuid4().hex,
                    CVR,
                    "Boligselskabet Stemmeurnen",
                    municipality.pk,
                    "Urnevej 1, 2400 København NV",
                    now,
                )
            ],
        )
        copy_rows(
            Estate._meta.db_table,
            [
                "id",
                "public_id",
                "organisation_id",
                "number",
                "name",
                "municipality_id",
                "address",
                "postal_code",
                "city",
                "fiscal_year_start_month",
            ],
            [
                (
                    estate_id,
                    uuid.uuid4().hex,
                    org_id,
                    1,
                    "Store Urne",
                    municipality.pk,
                    "Urnevej 1",
                    "2400",
                    "København NV",
                    1,
                )
            ],
        )
        per_building = 24
        buildings = -(-HOUSEHOLDS // per_building)
        copy_rows(
            Building._meta.db_table,
            ["id", "estate_id", "address"],
            ((first[Building] + b, estate_id, f"Urnevej {b + 1}") for b in range(buildings)),
        )
        copy_rows(
            Unit._meta.db_table,
            ["id", "estate_id", "building_id", "number", "address", "kind", "area_m2", "rooms"],
            (
                (
                    first[Unit] + i,
                    estate_id,
                    first[Building] + i // per_building,
                    f"001-{i + 1:05d}",
                    f"Urnevej {i // per_building + 1}, {1 + (i % per_building) // 4}. "
                    f"{['tv', 'th', 'mf'][i % 3]}",
                    "family",
                    "78.00",
                    3,
                )
                for i in range(HOUSEHOLDS)
            ),
        )
        copy_rows(
            Household._meta.db_table,
            ["id", "public_id", "unit_id", "moved_in", "moved_out"],
            (
                (
                    first[Household] + i,
                    uuid.uuid4().hex,
                    first[Unit] + i,
                    dt.date(1990 + i % 30, 1 + i % 12, 1).isoformat(),
                    None,
                )
                for i in range(HOUSEHOLDS)
            ),
        )
        user_fields = [f.attname for f in User._meta.concrete_fields]
        defaults = {
            "password": "!",  # unusable: the voters log in through sessions made here
            "last_login": None,
            "is_superuser": False,
            "is_staff": False,
            "is_active": True,
            "date_joined": now,
            "mfa_reset_at": None,
            "language": "",
        }

        def user_row(i: int) -> list[Any]:
            values = {
                **defaults,
                "id": first[User] + i,
                "public_id": uuid.uuid4().hex,
                "email": f"stemmer{i + 1}@{EMAIL_DOMAIN}",
                "name": f"Stemmer {i + 1}",
            }
            return [values[name] for name in user_fields]

        copy_rows(User._meta.db_table, user_fields, (user_row(i) for i in range(VOTERS)))
        copy_rows(
            Resident._meta.db_table,
            ["id", "public_id", "household_id", "name", "email", "phone", "birth_year", "user_id"],
            (
                (
                    first[Resident] + i,
                    uuid.uuid4().hex,
                    first[Household] + i,
                    f"Stemmer {i + 1}",
                    f"stemmer{i + 1}@{EMAIL_DOMAIN}" if i < VOTERS else "",
                    "",
                    rng.randint(1940, 2006),
                    first[User] + i if i < VOTERS else None,
                )
                for i in range(HOUSEHOLDS)
            ),
        )
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models_):
                cursor.execute(sql)
        analyze(m._meta.db_table for m in models_)
        estate_counts_refresh(estate_ids=[estate_id])
    log(
        f"seeded {HOUSEHOLDS:,} households, {VOTERS:,} voters "
        f"in {time.perf_counter() - start:.1f} s"
    )
    return {"organisation": org_id, "estate": estate_id}


def voters(estate_id: int) -> list[tuple[int, int, str]]:
    """(user id, household id, password hash) of every voter, in household order."""
    from almen.register.models import Resident

    return list(
        Resident.objects.filter(household__unit__estate_id=estate_id, user__isnull=False)
        .order_by("household_id")
        .values_list("user_id", "household_id", "user__password")
    )


def make_sessions(users: list[tuple[int, str]]) -> list[str]:
    """One fresh logged-in session per (user id, password hash), written straight into
    the session table (the session engine is cached_db: a miss in Redis reads it)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import transaction
    from django.utils import timezone
    from django.utils.crypto import salted_hmac

    from almen.lib.bulk import copy_rows

    store = SessionStore()
    expires = timezone.now() + dt.timedelta(days=1)
    salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
    keys: list[str] = []
    rows = []
    for user_id, password in users:
        key = f"{SESSION_PREFIX}{secrets.token_hex(14)}"
        data = {
            SESSION_KEY: str(user_id),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: salted_hmac(salt, password, algorithm="sha256").hexdigest(),
        }
        rows.append((key, store.encode(data), expires))
        keys.append(key)
    with transaction.atomic():
        Session.objects.filter(session_key__startswith=SESSION_PREFIX).delete()
        copy_rows(Session._meta.db_table, ["session_key", "session_data", "expire_date"], rows)
    return keys


def new_ballot(info: dict[str, Any], title: str, *, closed: bool = False) -> Any:
    """A yes/no/blank urafstemning on the estate's roll: open for a day, or closed."""
    from django.utils import timezone

    from almen.democracy.ballots_testing import YES_NO
    from almen.democracy.models import (
        Ballot,
        BallotKind,
        BallotOption,
        BallotPurpose,
        BallotState,
    )

    now = timezone.now()
    ballot = Ballot.objects.create(
        organisation_id=info["organisation"],
        estate_id=info["estate"],
        kind=BallotKind.YES_NO,
        purpose=BallotPurpose.REFERENDUM,
        title=title,
        question="Skal afdelingen have nye altaner mod en huslejestigning på 3 procent?",
        roll_on=timezone.localdate() - dt.timedelta(days=2),
        opens_at=now - dt.timedelta(days=8 if closed else 1),
        closes_at=now - dt.timedelta(days=1) if closed else now + dt.timedelta(days=1),
        state=BallotState.CLOSED if closed else BallotState.OPEN,
    )
    BallotOption.objects.bulk_create(
        BallotOption(ballot=ballot, position=n, kind=k, label=label)
        for n, (k, label) in enumerate(YES_NO, start=1)
    )
    return ballot


# --- (2) the HTTP client ---------------------------------------------------------------


class Forms(HTMLParser):
    """The forms of a page: action, method, fields and submit buttons."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._button: dict[str, str] | None = None
        self._select: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.forms.append(
                {
                    "action": a.get("action", ""),
                    "method": a.get("method", "get").lower(),
                    "fields": [],
                    "buttons": [],
                }
            )
            return
        if not self.forms:
            return
        form = self.forms[-1]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"submit", "image"}:
                form["buttons"].append({"name": a.get("name", ""), "value": a.get("value", "")})
                form["buttons"][-1]["text"] = a.get("value", "")
            else:
                form["fields"].append(
                    {
                        "type": kind,
                        "name": a.get("name", ""),
                        "value": a.get("value", "on" if kind in {"radio", "checkbox"} else ""),
                        "checked": "checked" in a,
                        "required": "required" in a,
                    }
                )
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            self._button = {"name": a.get("name", ""), "value": a.get("value", ""), "text": ""}
            form["buttons"].append(self._button)
        elif tag == "textarea":
            form["fields"].append({"type": "textarea", "name": a.get("name", ""), "value": ""})
        elif tag == "select":
            self._select = {"type": "select", "name": a.get("name", ""), "value": None}
            form["fields"].append(self._select)
        elif (
            tag == "option"
            and self._select is not None
            and (self._select["value"] is None or "selected" in a)
        ):
            self._select["value"] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "button":
            self._button = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._button["text"] += data


FORM_RE = re.compile(r"<form\b.*?</form>", re.S | re.I)
BACK_RE = re.compile(r"tilbage|ret |rediger|fortryd|annuller|back|cancel|edit", re.I)


def page_forms(body: str) -> list[dict[str, Any]]:
    parser = Forms()
    for chunk in FORM_RE.findall(body):
        parser.feed(chunk)
    return parser.forms


def vote_form(body: str, page: str, prefix: str) -> dict[str, Any] | None:
    """The page's form that posts to the ballot (its own address or under
    ``/afstemninger/<uuid>/``, not the e-mail receipt), as (url, fields)."""
    for form in page_forms(body):
        if form["method"] != "post":
            continue
        target = urlsplit(urljoin(page, html.unescape(form["action"]) or page)).path
        if not target.startswith(prefix) or target.rstrip("/").endswith("kvittering"):
            continue
        data: list[tuple[str, str]] = []
        radios: dict[str, str] = {}
        for f in form["fields"]:
            name = f["name"]
            if not name:
                continue
            if f["type"] == "radio":
                if name not in radios or f["checked"]:
                    radios[name] = f["value"]
            elif f["type"] == "checkbox":
                if f["checked"] or f.get("required"):
                    data.append((name, f["value"]))
            elif f["type"] not in {"file", "reset", "button"}:
                data.append((name, f["value"] or ""))
        data += list(radios.items())
        buttons = [b for b in form["buttons"] if not BACK_RE.search(b["text"] + " " + b["value"])]
        if buttons and buttons[0]["name"]:
            data.append((buttons[0]["name"], buttons[0]["value"]))
        return {"url": target, "data": data}
    return None


class Session:
    """One voter's browser: its cookies and its connection (gunicorn's sync workers
    close it after each response, so in practice one connection per request)."""

    def __init__(self, host: str, port: int, session_key: str | None) -> None:
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {"sessionid": session_key} if session_key else {}
        self.conn = http.client.HTTPConnection(host, port, timeout=60)

    def request(
        self, method: str, path: str, data: list[tuple[str, str]] | None = None
    ) -> tuple[int, str, str, float]:
        headers = {"Host": f"{self.host}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
            headers["Origin"] = f"http://{self.host}:{self.port}"
        start = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self.conn.close()
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
        text = resp.read().decode("utf-8", "replace")
        elapsed = time.perf_counter() - start
        for header, value in resp.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if resp.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return resp.status, resp.getheader("Location") or "", text, elapsed

    def follow(
        self, method: str, path: str, data: list[tuple[str, str]] | None = None
    ) -> tuple[int, str, str, float]:
        """The request and its redirects (as GETs); the time of all of them."""
        status, location, text, elapsed = self.request(method, path, data)
        hops = 0
        while status in (301, 302, 303, 307) and location and hops < 5:
            path = urlsplit(urljoin(path, location)).path or "/"
            status, location, text, more = self.request("GET", path)
            elapsed += more
            hops += 1
        return status, path, text, elapsed

    def close(self) -> None:
        self.conn.close()


class InProcess:
    """The same browser through Django's test client in this process: each request's
    CPU time and queries, undisturbed by the server and client sharing the cores."""

    def __init__(self, session_key: str | None) -> None:
        from django.test import Client

        self.client = Client(HTTP_HOST="127.0.0.1")
        if session_key:
            self.client.cookies["sessionid"] = session_key
        self.cpu: list[float] = []
        self.queries: list[int] = []

    def follow(
        self, method: str, path: str, data: list[tuple[str, str]] | None = None
    ) -> tuple[int, str, str, float]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        form: dict[str, list[str]] = {}
        for name, value in data or []:
            form.setdefault(name, []).append(value)
        start, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as q:
            if method == "POST":
                resp = self.client.post(path, form, follow=True)
            else:
                resp = self.client.get(path, follow=True)
        self.cpu.append(time.process_time() - cpu)
        self.queries.append(len(q.captured_queries))
        final = resp.request.get("PATH_INFO", path)
        return resp.status_code, final, resp.content.decode(), time.perf_counter() - start


def in_process_votes(vote_url: str, prefix: str, keys: list[tuple[int, str]]) -> dict[str, Any]:
    """The flow of each of ``keys`` in-process (after one warm-up voter): median CPU
    and queries per request."""
    import logging

    logging.disable(logging.WARNING)  # the 409 of a refused vote is expected here
    try:
        receipts: list[tuple[int, str]] = []
        cpu: dict[int, list[float]] = {}
        queries: dict[int, list[int]] = {}
        for n, (household, key) in enumerate(keys):
            browser = InProcess(key)
            r = vote_flow(browser, vote_url, prefix)  # type: ignore[arg-type]
            if r["ok"]:
                receipts.append((household, r["tracker"]))
            if n == 0:
                continue  # the warm-up
            for i, (c, n) in enumerate(zip(browser.cpu, browser.queries, strict=True)):
                cpu.setdefault(i, []).append(c * 1000)
                queries.setdefault(i, []).append(n)
        # The ceiling in the same way: the one-query view's CPU per request, without a
        # session, as the HTTP client asks for it.
        ceiling = InProcess(None)
        for _ in range(21):
            ceiling.follow("GET", "/bench/one-query")
        one_query_ms = statistics.median(ceiling.cpu[1:]) * 1000
    finally:
        logging.disable(logging.NOTSET)
    return {
        "one_query_cpu_ms": one_query_ms,
        "voters": len(keys) - 1,
        "votes": len(receipts),
        "receipts": receipts,
        "cpu_ms": {i: statistics.median(v) for i, v in cpu.items()},
        "queries": {i: max(v) for i, v in queries.items()},
    }


def vote_flow(session: Session, vote_url: str, prefix: str) -> dict[str, Any]:
    """GET the voting page, then submit its forms until one shows a tracker code (the
    receipt). Returns the steps' times and the tracker, or why it stopped."""
    steps: list[float] = []
    status, page, body, elapsed = session.follow("GET", vote_url)
    steps.append(elapsed)
    for _step in range(4):
        if status != 200:
            return {"ok": False, "why": f"HTTP {status} on {page}", "steps": steps}
        if len(steps) > 1:
            found = TRACKER_RE.search(body)
            if found:
                return {"ok": True, "tracker": found.group(0), "steps": steps}
        form = vote_form(body, page, prefix)
        if form is None:
            return {"ok": False, "why": f"no form to the ballot on {page}", "steps": steps}
        status, page, body, elapsed = session.follow("POST", form["url"], form["data"])
        steps.append(elapsed)
    return {"ok": False, "why": "no receipt after 4 forms", "steps": steps}


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def load_get(base: str, path: str, seconds: float, connections: int) -> dict[str, Any]:
    """The ceiling with the same client: ``connections`` threads in a closed loop of
    GETs, each through its own ``Session`` (the requests the vote flow sends)."""
    parts = urlsplit(base)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        s = Session(parts.hostname or "127.0.0.1", parts.port or 80, None)
        mine = []
        bad = 0
        while time.perf_counter() < deadline:
            status, _loc, _text, elapsed = s.request("GET", path)
            mine.append(elapsed)
            bad += status != 200
        s.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    cpu = time.process_time()
    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - start
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": pct(latencies, 50),
        "p95": pct(latencies, 95),
        "errors": errors[0],
        "client_cpu": (time.process_time() - cpu) / elapsed,
    }


def load_votes(
    base: str,
    vote_url: str,
    prefix: str,
    queue: list[tuple[int, str]],
    seconds: float,
    connections: int,
) -> dict[str, Any]:
    """``connections`` voters at a time, each the next (household, session) of
    ``queue``, until ``seconds`` have passed (the flows under way finish)."""
    parts = urlsplit(base)
    lock = threading.Lock()
    nxt = [0]
    results: list[tuple[int, dict[str, Any], float]] = []
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        mine = []
        while time.perf_counter() < deadline:
            with lock:
                if nxt[0] >= len(queue):
                    break
                household, key = queue[nxt[0]]
                nxt[0] += 1
            s = Session(parts.hostname or "127.0.0.1", parts.port or 80, key)
            start = time.perf_counter()
            try:
                r = vote_flow(s, vote_url, prefix)
            except (OSError, http.client.HTTPException) as e:
                r = {"ok": False, "why": f"{type(e).__name__}: {e}", "steps": []}
            mine.append((household, r, time.perf_counter() - start))
            s.close()
        with lock:
            results.extend(mine)

    cpu = time.process_time()
    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - start
    ok = [r for r in results if r[1]["ok"]]
    steps = [t for _h, r, _f in results for t in r["steps"]]
    by_step: dict[int, list[float]] = {}
    for _h, r, _f in ok:
        for i, t in enumerate(r["steps"]):
            by_step.setdefault(i, []).append(t)
    return {
        "flows": len(results),
        "votes": len(ok),
        "vps": len(ok) / elapsed,
        "requests": len(steps),
        "rps": len(steps) / elapsed,
        "seconds": elapsed,
        "p50": pct([f for _h, r, f in ok], 50),
        "p95": pct([f for _h, r, f in ok], 95),
        "step_p50": {i: pct(v, 50) for i, v in sorted(by_step.items())},
        "step_p95": {i: pct(v, 95) for i, v in sorted(by_step.items())},
        "refused": Counter(r[1]["why"] for r in results if not r[1]["ok"]),
        "refused_households": [h for h, r, _f in results if not r["ok"]],
        "receipts": [(h, r["tracker"]) for h, r, _f in ok],
        "client_cpu": (time.process_time() - cpu) / elapsed,
    }


def check_votes(
    ballot_pk: int, receipts: list[tuple[int, str]], twins: set[int], refused: list[int]
) -> dict[str, Any]:
    """After the run: what the database holds against the receipts handed out."""
    from django.db.models import Count, F, Max, Sum

    from almen.democracy.models import BallotEntry, BallotInbox, Participation

    box = list(BallotEntry.objects.filter(ballot_id=ballot_pk).values_list("tracker", "weight"))
    pool = list(BallotInbox.objects.filter(ballot_id=ballot_pk).values_list("tracker", "weight"))
    stored = Counter(t for t, _w in box + pool)
    handed = Counter(t for _h, t in receipts)
    parts = Participation.objects.filter(ballot_id=ballot_pk)
    totals = parts.aggregate(
        digital=Sum("votes_digital"),
        households=Count("id", filter=voted_q()),
        most=Max(F("votes_digital") + F("votes_hall") + F("votes_paper")),
    )
    voted = set(parts.filter(votes_digital__gt=0).values_list("household_id", flat=True))
    receipt_households = {h for h, _t in receipts}
    twin_receipts = Counter(h for h, _t in receipts if h in twins)
    return {
        "receipts": len(receipts),
        "in_box": len(box),
        "in_pool": len(pool),
        "weight_stored": sum(w for _t, w in box + pool),
        "weights": dict(Counter(w for _t, w in box + pool)),
        "digital_votes": totals["digital"] or 0,
        "households": totals["households"],
        "most_votes": totals["most"] or 0,
        "lost": sum((handed - stored).values()),
        "invented": sum((stored - handed).values()),
        "duplicate_trackers": sum(n - 1 for n in stored.values() if n > 1),
        "households_without_receipt": len(voted - receipt_households),
        "receipts_without_participation": len(receipt_households - voted),
        "twins": len(twins),
        "twins_both": sum(1 for n in twin_receipts.values() if n >= 2),
        "twins_one": sum(1 for n in twin_receipts.values() if n == 1),
        # A refusal is expected only where the household's other session used its votes.
        "refused_others": sum(1 for h in refused if h not in twins),
    }


def voted_q() -> Any:
    from django.db.models import Q

    return Q(votes_digital__gt=0) | Q(votes_hall__gt=0) | Q(votes_paper__gt=0)


def http_run(info: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    from django.urls import NoReverseMatch, reverse

    from almen.democracy.models import Ballot

    Ballot.objects.filter(estate_id=info["estate"], title=HTTP_TITLE).delete()
    ballot = new_ballot(info, HTTP_TITLE)
    try:
        vote_url = reverse("democracy:ballot_vote", args=[ballot.public_id])
    except NoReverseMatch:
        log(f"democracy:ballot_vote: {NOT_AVAILABLE} (its URL name does not resolve)")
        return {"vote_url": None}
    prefix = vote_url.rsplit("/", 2)[0] + "/"  # /afstemninger/<uuid>/
    everyone = voters(info["estate"])
    rng = random.Random(9)
    rng.shuffle(everyone)
    twins = {household for _u, household, _p in everyone[: args.twins]}
    # A twin household votes from two sessions at once: both enter the queue side by
    # side, so two of the 64 workers take them at the same moment.
    sessions = make_sessions(
        [(u, p) for u, _h, p in everyone] + [(u, p) for u, _h, p in everyone[: args.twins]]
    )
    queue: list[tuple[int, str]] = []
    twin_keys = iter(sessions[len(everyone) :])
    for (_u, household, _p), key in zip(everyone, sessions, strict=False):
        queue.append((household, key))
        if household in twins:
            queue.append((household, next(twin_keys)))
    twin_block = queue[: 2 * args.twins]
    rest = queue[2 * args.twins :]
    # A twin pair after every TWIN_EVERY other voters from the start, so that a short
    # run meets them all.
    step = TWIN_EVERY
    mixed: list[tuple[int, str]] = []
    for i in range(0, len(rest), step):
        if twin_block:
            mixed += twin_block[:2]
            twin_block = twin_block[2:]
        mixed += rest[i : i + step]
    mixed += twin_block
    goals.flush_redis()
    # In-process first, on voters the HTTP run does not reach (the end of the queue).
    local = in_process_votes(vote_url, prefix, mixed[-221:-200])
    log(f"in-process: { ({k: v for k, v in local.items() if k != 'receipts'}) }")
    proc, base = run.start_server(DB)
    out: dict[str, Any] = {
        "vote_url": vote_url,
        "ballot": str(ballot.public_id),
        "in_process": local,
    }
    try:
        c = args.connections
        probe = Session(urlsplit(base).hostname or "", urlsplit(base).port or 80, mixed[-1][1])
        status, page, _body, _t = probe.follow("GET", vote_url)
        probe.close()
        log(f"{vote_url} answers {status} ({page}) for a voter")
        for name, path in (("hello", "/bench/hello"), ("one-query", "/bench/one-query")):
            load_get(base, path, 2, c)  # warm-up
            out[name] = load_get(base, path, args.seconds, c)
            r = out[name]
            log(f"{name:10} {r['rps']:7.0f} req/s  p50 {r['p50']:6.1f}  p95 {r['p95']:6.1f} ms")
        # Warm-up voters (the first sessions loaded, templates compiled) on the same
        # ballot: they count in the checks, not in the figures.
        warm = load_votes(base, vote_url, prefix, mixed[-200:], 3, c)
        out["warm"] = warm
        log(f"warm-up: {warm['votes']} votes, refused {dict(warm['refused'])}")
        votes = load_votes(base, vote_url, prefix, mixed[:-221], args.seconds, c)
        out["votes"] = votes
        log(
            f"votes     {votes['vps']:7.1f} votes/s ({votes['rps']:.0f} req/s)  p50 "
            f"{votes['p50']:6.1f}  p95 {votes['p95']:6.1f} ms per vote; refused "
            f"{dict(votes['refused'])}"
        )
        out["one-query after"] = load_get(base, "/bench/one-query", args.seconds, c)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    out["check"] = check_votes(
        ballot.pk,
        out["votes"]["receipts"] + out["warm"]["receipts"] + local["receipts"],
        twins,
        out["votes"]["refused_households"] + out["warm"]["refused_households"],
    )
    log(f"check: {out['check']}")
    return out


# --- (3) the box of 100,000 ------------------------------------------------------------


def ensure_box(info: dict[str, Any]) -> Any:
    """A closed urafstemning whose box holds 100,000 ballots (every household 2 votes,
    each ballot of weight 1), chained; built once."""
    from django.db import transaction

    from almen.democracy import ballots_box
    from almen.democracy.bulletin_verify import entry_hash
    from almen.democracy.models import Ballot, BallotEntry, Participation
    from almen.lib.bulk import copy_rows
    from almen.register.models import Household

    ballot = Ballot.objects.filter(estate_id=info["estate"], title=BOX_TITLE).first()
    if ballot is not None and ballot.box_size == ENTRIES:
        return ballot
    if ballot is not None:
        ballot.delete()
    start = time.perf_counter()
    rng = random.Random(100_000)
    with transaction.atomic():
        ballot = new_ballot(info, BOX_TITLE, closed=True)
        households = list(
            Household.objects.filter(unit__estate_id=info["estate"])
            .order_by("id")
            .values_list("id", flat=True)
        )
        copy_rows(
            Participation._meta.db_table,
            ["ballot_id", "household_id", "votes_digital", "votes_hall", "votes_paper"],
            ((ballot.pk, h, 2, 0, 0) for h in households),
        )
        prev = ballots_box.ballot_genesis(ballot)
        ballot_id = str(ballot.public_id)
        trackers: set[str] = set()
        rows = []
        for seq in range(1, 2 * len(households) + 1):
            tracker = ballots_box.new_tracker()
            while tracker in trackers:
                tracker = ballots_box.new_tracker()
            trackers.add(tracker)
            marks = rng.choices(["1", "2", "3"], weights=[55, 40, 5])[0]
            digest = entry_hash(prev, ballot_id, seq, tracker, marks, 1)
            rows.append((ballot.pk, seq, 1 + (seq - 1) // 20, tracker, marks, 1, prev, digest))
            prev = digest
        copy_rows(
            BallotEntry._meta.db_table,
            ["ballot_id", "seq", "batch", "tracker", "marks", "weight", "prev_hash", "hash"],
            rows,
        )
        Ballot.objects.filter(pk=ballot.pk).update(box_size=len(rows), chain_head=prev)
    from almen.register.national import analyze

    analyze([BallotEntry._meta.db_table, Participation._meta.db_table])
    ballot.refresh_from_db()
    log(f"built a closed box of {ballot.box_size:,} ballots in {time.perf_counter() - start:.1f} s")
    return ballot


def timed(fn: Any, repeats: int) -> tuple[float, Any, list[float]]:
    """Median wall-clock seconds of ``repeats`` calls after one warm-up, the last result."""
    result = fn()
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), result, runs


def floors(ballot_pk: int, repeats: int) -> dict[str, float]:
    """What the code cannot beat, from the same rows in the same run: plain psycopg
    (one GROUP BY for the tally; every row for the bulletin, dumped as JSON; every row
    hashed in a plain loop for the verification)."""
    import psycopg

    conninfo = f"host=127.0.0.1 user=postgres dbname={run.PG_DB}"
    with psycopg.connect(conninfo) as conn:

        def tally_floor() -> Any:
            return conn.execute(
                "SELECT marks, SUM(weight) FROM democracy_ballotentry WHERE ballot_id = %s "
                "GROUP BY marks",
                [ballot_pk],
            ).fetchall()

        def rows() -> list[tuple[Any, ...]]:
            return conn.execute(
                "SELECT seq, tracker, marks, weight, prev_hash, hash FROM democracy_ballotentry "
                "WHERE ballot_id = %s ORDER BY seq",
                [ballot_pk],
            ).fetchall()

        def bulletin_floor() -> int:
            return len(json.dumps([list(r) for r in rows()]))

        ballot_id = conn.execute(
            "SELECT public_id FROM democracy_ballot WHERE id = %s", [ballot_pk]
        ).fetchone()[0]

        def verify_floor() -> bool:
            ok = True
            sha = hashlib.sha256
            bid = str(ballot_id)
            prev = None
            for seq, tracker, marks, weight, prev_hash, digest in rows():
                if prev is not None and prev_hash != prev:
                    ok = False
                text = f"{prev_hash}\n{bid}\n{seq}\n{tracker}\n{marks}\n{weight}"
                ok &= sha(text.encode()).hexdigest() == digest
                prev = digest
            return ok

        out = {}
        for name, fn in (
            ("tally", tally_floor),
            ("bulletin", bulletin_floor),
            ("verify", verify_floor),
        ):
            out[name], result, _runs = timed(fn, repeats)
            if name == "verify" and result is not True:
                log("verify floor: the chain does not hold?")
    return out


def box_run(info: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    import importlib

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from almen.democracy import ballots_box
    from almen.democracy.models import BallotState

    ballot = ensure_box(info)
    out: dict[str, Any] = {"ballot": str(ballot.public_id), "entries": ballot.box_size}
    out["floor"] = floors(ballot.pk, args.repeats)
    with CaptureQueriesContext(connection) as q:
        ballots_box.tally(ballot)
    out["tally_queries"] = len(q.captured_queries)
    out["tally"], result, out["tally_runs"] = timed(lambda: ballots_box.tally(ballot), args.repeats)
    log(f"tally: {out['tally']:.3f} s, {out['tally_queries']} queries; votes {result['votes']:,}")
    # The count is stored as at the real count (optaelling), so that the bulletin and
    # the verification see a counted ballot.
    type(ballot).objects.filter(pk=ballot.pk).update(state=BallotState.COUNTED, tally=result)
    ballot.refresh_from_db()
    try:
        bulletin = importlib.import_module("almen.democracy.ballots_bulletin")
        bulletin_data = bulletin.bulletin_data
    except (ImportError, AttributeError):
        log(f"ballots_bulletin.bulletin_data: {NOT_AVAILABLE} in this build")
        out["bulletin"] = None
    else:
        # The bytes the download serves (the module's own serialiser where it has one).
        serialise = getattr(bulletin, "bulletin_json", None) or (
            lambda data: json.dumps(data, default=str).encode()
        )

        def bulletin_json() -> int:
            return len(serialise(bulletin_data(ballot)))

        with CaptureQueriesContext(connection) as q:
            bulletin_json()
        out["bulletin_queries"] = len(q.captured_queries)
        out["bulletin"], out["bulletin_bytes"], out["bulletin_runs"] = timed(
            bulletin_json, args.repeats
        )
        log(f"bulletin: {out['bulletin']:.3f} s, {out['bulletin_bytes']:,} bytes")
    out["verify"] = verify_command(str(ballot.public_id), ballot.pk, args.repeats)
    return out


def verify_command(public_id: str, pk: int, repeats: int) -> dict[str, Any] | None:
    """``manage.py ballot_verify`` in a process of its own (what an operator runs), and
    in this process (without Django's start-up), beside the start-up alone."""
    from django.core.management import call_command, get_commands

    if "ballot_verify" not in get_commands():
        log(f"manage.py ballot_verify: {NOT_AVAILABLE} in this build")
        return None
    from io import StringIO

    def in_process() -> str:
        buf = StringIO()
        call_command("ballot_verify", public_id, stdout=buf, stderr=buf)
        return buf.getvalue()

    try:
        seconds, output, _runs = timed(in_process, repeats)
    except (SystemExit, Exception) as e:
        log(f"ballot_verify {public_id} in-process failed: {e!r}")
        seconds, output = float("nan"), repr(e)

    # As installed: the project's modules compiled to bytecode, as Python does on a first
    # run (pip does it for the libraries). A shell with PYTHONDONTWRITEBYTECODE would
    # otherwise compile some 300 modules on every start (1.3 s of the command's time).
    env = {k: v for k, v in run.bench_env(DB).items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([run.PY, "-m", "compileall", "-q", "almen", "config"], cwd=ROOT, env=env)

    def whole() -> subprocess.CompletedProcess:
        return subprocess.run(
            [run.PY, "manage.py", "ballot_verify", public_id],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    whole_s, proc, _runs = timed(whole, max(1, repeats // 2))
    # Django's start-up alone, as the command pays it: a process that sets Django up.
    setup = [run.PY, "-c", "import django; django.setup()"]
    startup_s, _p, _runs = timed(lambda: subprocess.run(setup, cwd=ROOT, env=env, check=True), 2)
    tail = (proc.stdout + proc.stderr).strip().splitlines()[-3:]
    log(f"ballot_verify: exit {proc.returncode}, {whole_s:.2f} s whole, {seconds:.3f} s in-process")
    return {
        "in_process": seconds,
        "whole": whole_s,
        "startup": startup_s,
        "exit": proc.returncode,
        "tail": tail,
        "output": output.strip().splitlines()[-3:],
        "ballot_pk": pk,
    }


# --- report --------------------------------------------------------------------------


def report(header: str, h: dict[str, Any] | None, b: dict[str, Any] | None) -> str:
    lines = [header, ""]
    lines.append(f"{'figure':50} {'value':>14} {'ceiling':>12} {'ratio':>7} {'target':>9}  met")
    lines.append("-" * 100)
    if h is not None and h.get("vote_url") is None:
        lines.append(f"{'votes over HTTP (democracy:ballot_vote)':50} {NOT_AVAILABLE}")
    elif h is not None:
        one = h["one-query"]["rps"]
        v = h["votes"]
        for name in ("hello", "one-query", "one-query after"):
            r = h[name]
            lines.append(
                f"{name + ' req/s (same client, ' + str(h['connections']) + ' conn.)':50} "
                f"{r['rps']:>14,.0f} {'':>12} {'':>7} {'':>9}   p50 {r['p50']:.1f} / p95 "
                f"{r['p95']:.1f} ms, client CPU {r['client_cpu']:.0%}"
            )
        ratio = v["vps"] / one
        lines.append(
            f"{'votes/s (GET form, POST choice, POST confirm)':50} {v['vps']:>14,.1f} "
            f"{one:>12,.0f} {ratio:>6.0%} {'≥50 %':>9}  {'yes' if ratio >= TARGET_RATIO else 'NO'}"
        )
        lines.append(
            f"{'  its requests/s':50} {v['rps']:>14,.0f} {one:>12,.0f} {v['rps'] / one:>6.0%}"
        )
        lines.append(
            f"{'  per vote p50 / p95 ms (all its requests)':50} {v['p50']:>6.0f} / {v['p95']:>5.0f}"
            f"   client CPU {v['client_cpu']:.0%}"
        )
        for i in v["step_p50"]:
            lines.append(
                f"{'  request ' + str(i + 1) + ' p50 / p95 ms':50} "
                f"{v['step_p50'][i]:>6.1f} / {v['step_p95'][i]:>5.1f}"
            )
        lines.append(
            f"{'  votes, voters in':50} {v['votes']:>14,} {v['flows']:>12,}   "
            f"in {v['seconds']:.1f} s"
        )
        local = h["in_process"]
        cpu = " + ".join(f"{local['cpu_ms'][i]:.1f}" for i in sorted(local["cpu_ms"]))
        queries = " + ".join(str(local["queries"][i]) for i in sorted(local["queries"]))
        lines.append(
            f"{'  in-process CPU ms per request (' + str(local['voters']) + ' voters)':50} "
            f"{cpu:>14}   queries {queries}"
        )
        per_vote = sum(local["cpu_ms"].values())
        lines.append(
            f"{'  in-process CPU per vote / per one-query request':50} "
            f"{per_vote:>11.1f} ms {local['one_query_cpu_ms']:>9.2f} ms "
            f"{local['one_query_cpu_ms'] / per_vote:>6.1%}"
        )
        for why, n in v["refused"].items():
            lines.append(f"    refused {n}: {why[:90]}")
        c = h["check"]
        ok = (
            c["lost"] == 0
            and c["invented"] == 0
            and c["duplicate_trackers"] == 0
            and c["most_votes"] <= 2
            and c["weight_stored"] == c["digital_votes"]
            and c["households_without_receipt"] == 0
            and c["receipts_without_participation"] == 0
            and c["refused_others"] == 0
        )
        lines.append(
            f"{'lost / invented / double votes':50} {c['lost']:>6} / {c['invented']} / "
            f"{c['duplicate_trackers']}   most votes of a household {c['most_votes']}  "
            f"{'0 lost, 0 double: yes' if ok else 'NO'}"
        )
        lines.append(
            f"{'  receipts; box + pool; weight; digital votes':50} {c['receipts']:>6,}; "
            f"{c['in_box']:,} + {c['in_pool']:,}; {c['weight_stored']:,} "
            f"{c['weights']}; {c['digital_votes']:,} in {c['households']:,} households"
        )
        lines.append(
            f"{'  households voting from 2 sessions at once':50} {c['twins']:>6}   both got a "
            f"receipt {c['twins_both']}, one did {c['twins_one']}; other voters refused: "
            f"{c['refused_others']}"
        )
    if b is not None:
        f = b["floor"]
        n = f"{b['entries']:,}"
        lines.append(
            f"{'tally of ' + n + ' ballots s (' + str(b['tally_queries']) + ' queries)':50} "
            f"{b['tally']:>14.3f} {f['tally']:>12.3f} {b['tally'] / f['tally']:>6.1f}x "
            f"{'≤1 s':>9}  {'yes' if b['tally'] <= TALLY_TARGET_S else 'NO'}"
        )
        if b.get("bulletin") is None:
            lines.append(f"{'bulletin data + JSON (ballots_bulletin)':50} {NOT_AVAILABLE}")
        else:
            label = (
                f"bulletin data + JSON s ({b['bulletin_queries']} q., {b['bulletin_bytes']:,} B)"
            )
            lines.append(
                f"{label:50} {b['bulletin']:>14.3f} {f['bulletin']:>12.3f} "
                f"{b['bulletin'] / f['bulletin']:>6.1f}x {'≤1 s':>9}  "
                f"{'yes' if b['bulletin'] <= BULLETIN_TARGET_S else 'NO'}"
            )
        v = b.get("verify")
        if v is None:
            lines.append(f"{'manage.py ballot_verify':50} {NOT_AVAILABLE}")
        else:
            lines.append(
                f"{'ballot_verify s, its own process (exit ' + str(v['exit']) + ')':50} "
                f"{v['whole']:>14.2f} {f['verify'] + v['startup']:>12.2f} "
                f"{v['whole'] / (f['verify'] + v['startup']):>6.1f}x {'≤2 s':>9}  "
                f"{'yes' if v['whole'] <= VERIFY_TARGET_S else 'NO'}"
            )
            lines.append(
                f"{'  in-process (no start-up) s':50} {v['in_process']:>14.3f} "
                f"{f['verify']:>12.3f} {v['in_process'] / f['verify']:>6.1f}x"
            )
            lines.append(f"{'  Django start-up alone (django.setup()) s':50} {v['startup']:>14.2f}")
            for line in v["tail"]:
                lines.append(f"    {line[:96]}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20, help="per HTTP figure")
    parser.add_argument("--connections", type=int, default=64, help="concurrent voters")
    parser.add_argument("--twins", type=int, default=50, help="households voting twice at once")
    parser.add_argument("--repeats", type=int, default=5, help="timings of the box (median)")
    parser.add_argument("--only", choices=["http", "box"], help="one part only")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    run.EXTRA_ENV["REDIS_URL"] = goals.REDIS_URL
    load_before = load()
    log(f"load before: {load_before}")
    ensure_database()
    goals.django_setup(DB)
    info = seed()
    h = None if args.only == "box" else http_run(info, args)
    if h is not None:
        h["connections"] = args.connections
    b = None if args.only == "http" else box_run(info, args)
    header = (
        f"# {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} · PostgreSQL {run.PG_DB} · "
        f"{os.cpu_count()} cores · {platform.python_version()} · gunicorn 2 workers · "
        f"{args.connections} voters × {args.seconds} s · {HOUSEHOLDS:,} households · "
        f"load before {load_before}, after {load()}"
    )
    print(report(header, h, b))
    if args.json:
        args.json.write_text(json.dumps({"http": h, "box": b}, indent=1, default=str))


if __name__ == "__main__":
    main()
