"""Benchmark: the notification outbox at national scale (issue 7). Not a test: prints
numbers, never fails on a timing. PostgreSQL only (the workers' SKIP LOCKED is the point).

    .venv/bin/python bench/notify.py                   # database almen_bench_notify
    .venv/bin/python bench/notify.py --send 20000 --kill-send 5000

1. The data: a copy of the national bench database (``BENCH_PG_TEMPLATE``, default
   ``perf_almen_bench``: the national register and 30,000 goals) as
   ``almen_bench_notify``, migrated, topped up once to 100,000 open actions, two staff
   per organisation and 20,000 responsible people (half the actions have one; the
   others remind the organisation's staff). The bench day is set so that every open
   action and every adopted goal is due or overdue: the worst day.
2. Queueing: ``reminders_queue_all`` in this process for that day (the producer of
   goals, preferences, bulk insert that skips existing keys), then again (idempotent:
   nothing new), beside its ceilings in the same run: the producer alone (reminders
   built, nothing written) and a ``COPY`` of the same rows, ready-made.
3. Delivery: ``--send`` of the queued rows are made immediate and due; 2
   ``manage.py notify_worker`` processes (started and idle first, so start-up is not
   timed) send them over SMTP to an aiosmtpd sink in its own process on 127.0.0.1;
   messages/s from the moment they are due to the last one recorded sent. Beside it,
   the sink's own ceiling in the same run: 2 processes sending the same number of
   messages, rendered and built exactly as the workers build them, ready-made, with
   smtplib over one persistent connection each (as each worker keeps one).
4. Kill: ``--kill-send`` more rows; one of the 2 workers is SIGKILLed mid-batch, a
   fresh one takes its place; when all are sent the sink's Message-IDs are counted:
   duplicates must be 0.

``--channel-cpu N`` measures only one worker's CPU per message in this process, the
channel's own MIME bytes against Django's ``EmailMessage`` (N messages each; needs
queued rows from an earlier run).

Target: queued ≤ 30 s; delivered ≥ 1,000 messages/s with 2 workers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import signal
import smtplib
import subprocess
import sys
import tempfile
import time
from collections import Counter
from multiprocessing import Process, Queue
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PY = str(ROOT / ".venv" / "bin" / "python")
PG_ADMIN = "host=127.0.0.1 user=postgres dbname=postgres"
DB = os.environ.get("BENCH_PG_DB", "almen_bench_notify")
TEMPLATE = os.environ.get("BENCH_PG_TEMPLATE", "perf_almen_bench")
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
BENCH_DAY = dt.date(2029, 6, 1)  # after every deadline of the national goals
ACTIONS = 100_000
PEOPLE = 20_000
QUEUE_TARGET_S = 30.0
SEND_TARGET = 1000.0


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def env() -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DEBUG"}}
    out.update(DATABASE_URL=URL, DJANGO_SETTINGS_MODULE="config.settings_bench")
    return out


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone():
            return
        log(f"creating {DB} from {TEMPLATE}")
        conn.execute(f'CREATE DATABASE "{DB}" TEMPLATE "{TEMPLATE}"')


def django_setup() -> None:
    os.environ.update(env())
    os.environ.pop("DEBUG", None)
    import django

    django.setup()


def top_up() -> dict[str, int]:
    """100,000 open actions, staff for every organisation, 20,000 responsible people."""
    from django.db import connection, transaction

    from almen.access.roles import Role
    from almen.accounts.models import User
    from almen.goals.models import Action, ActionStatus, Goal
    from almen.register.models import Membership, Organisation

    with transaction.atomic():
        orgs = list(Organisation.objects.values_list("pk", flat=True))
        if not User.objects.filter(email__startswith="bench.staff.").exists():
            log("top-up: staff and responsible people")
            staff = User.objects.bulk_create(
                [
                    User(email=f"bench.staff.{o}.{i}@bench.test", name="Staff")
                    for o in orgs
                    for i in (1, 2)
                ],
                batch_size=5000,
            )
            Membership.objects.bulk_create(
                [
                    Membership(
                        user=u,
                        role=Role.ORG_STAFF,
                        organisation_id=orgs[n // 2],
                        starts=dt.date(2025, 1, 1),
                    )
                    for n, u in enumerate(staff)
                ],
                batch_size=5000,
            )
            User.objects.bulk_create(
                [
                    User(email=f"bench.person.{n}@bench.test", name=f"Person {n}")
                    for n in range(PEOPLE)
                ],
                batch_size=5000,
            )
        missing = ACTIONS - Action.objects.count()
        if missing > 0:
            log(f"top-up: {missing} actions")
            goals = list(Goal.objects.values_list("pk", "organisation_id", "estate_id"))
            new = [
                Action(
                    organisation_id=goals[n % len(goals)][1],
                    estate_id=goals[n % len(goals)][2],
                    title=f"Indsats {n}",
                    due=dt.date(2027, 1, 1) + dt.timedelta(days=n % 700),
                )
                for n in range(missing)
            ]
            made = Action.objects.bulk_create(new, batch_size=5000)
            Action.goals.through.objects.bulk_create(
                [
                    Action.goals.through(action_id=a.pk, goal_id=goals[n % len(goals)][0])
                    for n, a in enumerate(made)
                ],
                batch_size=5000,
            )
        if not Action.objects.filter(responsible_user__isnull=False).exists():
            log("top-up: responsible people on half the actions, every action open")
            Action.objects.update(status=ActionStatus.PLANNED)
            Action.objects.filter(due__isnull=True).update(due=dt.date(2028, 1, 1))
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE goals_action "
                    "SET responsible_user_id = p.ids[1 + (goals_action.id % p.n)] "
                    "FROM (SELECT array_agg(id) AS ids, count(*) AS n FROM accounts_user "
                    "WHERE email LIKE 'bench.person.%') AS p WHERE goals_action.id % 2 = 0"
                )
    return {
        "actions": Action.objects.count(),
        "goals": Goal.objects.count(),
        "users": User.objects.count(),
    }


def queueing() -> dict[str, Any]:
    from django.db import connection, transaction

    from almen.goals.reminders import goal_reminders
    from almen.lib import bulk
    from almen.notify import services
    from almen.notify.models import Notification, NotificationPreference

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE notify_notification, notify_notificationpreference RESTART IDENTITY"
        )
    NotificationPreference.objects.exists()
    start = time.perf_counter()
    reminders = list(goal_reminders(BENCH_DAY))
    producer_s = time.perf_counter() - start
    log(f"producer alone: {len(reminders)} reminders in {producer_s:.1f} s")

    start = time.perf_counter()
    queued = services.reminders_queue_all(today=BENCH_DAY)
    queue_s = time.perf_counter() - start
    rows = Notification.objects.count()
    log(f"queue_reminders: {rows} rows in {queue_s:.1f} s ({queued})")

    start = time.perf_counter()
    services.reminders_queue_all(today=BENCH_DAY)
    again_s = time.perf_counter() - start
    again_rows = Notification.objects.count()
    log(f"again the same day: {again_rows - rows} new rows in {again_s:.1f} s")

    # Ceiling: COPY of the same number of ready rows into a scratch table of the same
    # shape (indexes included): the fastest write the database offers.
    import json

    sample = list(Notification.objects.values_list(*services.COLUMNS).order_by("pk"))
    ctx = services.COLUMNS.index("context")
    key = services.COLUMNS.index("key")
    ready = [
        tuple(json.dumps(v) if i == ctx else (v + "x" if i == key else v) for i, v in enumerate(r))
        for r in sample
    ]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE scratch (LIKE notify_notification INCLUDING ALL)")
    start = time.perf_counter()
    with transaction.atomic():
        bulk.copy_rows("scratch", services.COLUMNS, ready)
    insert_s = time.perf_counter() - start
    log(f"ceiling, COPY of {len(sample)} ready rows: {insert_s:.1f} s")
    return {
        "reminders": len(reminders),
        "rows": rows,
        "queue_s": queue_s,
        "producer_s": producer_s,
        "again_s": again_s,
        "again_new": again_rows - rows,
        "insert_s": insert_s,
    }


# --- the sink and its ceiling --------------------------------------------------------


def start_sink(port: int, path: str) -> subprocess.Popen[str]:
    sink = subprocess.Popen(
        [PY, "-m", "almen.notify.testing", str(port), path],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sink.stdout is not None
    assert sink.stdout.readline().strip() == "ready"
    return sink


def ceiling_messages(count: int) -> list[tuple[str, bytes]]:
    """``count`` messages exactly as the workers send them (the queued rows rendered
    and built by the e-mail channel), with Message-IDs of their own so the duplicate
    count of the real ones is not disturbed."""
    from almen.notify import worker as outbox
    from almen.notify.channels import mime_bytes
    from almen.notify.models import Notification

    rows = Notification.objects.order_by("pk").select_related("recipient")[:count]
    memo = outbox.Memo()
    out = []
    for row in rows:
        data = mime_bytes(outbox.render(row, memo))
        assert data is not None
        out.append((row.address, data.replace(b"@almen.notify>", b"@ceiling>")))
    return out


def _blast(port: int, messages: list[tuple[str, bytes]], out: Queue) -> None:  # type: ignore[type-arg]
    """One persistent connection, one message after another: the way a worker sends."""
    conn = smtplib.SMTP("127.0.0.1", port)
    start = time.perf_counter()
    for to, data in messages:
        conn.sendmail("noreply@almen.localhost", [to], data)
    conn.quit()
    out.put(time.perf_counter() - start)


def sink_ceiling(port: int, messages: list[tuple[str, bytes]]) -> float:
    """The sink's own rate with 2 senders that do nothing but send ready messages."""
    out: Queue = Queue()  # type: ignore[type-arg]
    halves = [messages[0::2], messages[1::2]]
    procs = [Process(target=_blast, args=(port, half, out)) for half in halves]
    start = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return len(messages) / (time.perf_counter() - start)


# --- delivery -------------------------------------------------------------------------


def worker(port: int, *extra: str) -> subprocess.Popen[bytes]:
    e = env()
    e.update(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
    )
    return subprocess.Popen(
        [PY, "manage.py", "notify_worker", "--sleep", "0.1", "--digest-hour", "24", *extra],
        cwd=ROOT,
        env=e,
        stdout=subprocess.DEVNULL,
    )


def make_due(count: int, *, offset: int) -> list[int]:
    from django.utils import timezone

    from almen.notify.models import Delivery, Notification, Status

    ids = list(
        Notification.objects.filter(status=Status.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)[offset : offset + count]
    )
    Notification.objects.filter(pk__in=ids).update(
        delivery=Delivery.IMMEDIATE, due_at=timezone.now()
    )
    return ids


def sent_count(ids: list[int]) -> int:
    """Sent among ``ids`` (a range of primary keys: the oldest queued rows)."""
    from almen.notify.models import Notification, Status

    return Notification.objects.filter(pk__gte=ids[0], pk__lte=ids[-1], status=Status.SENT).count()


def hold_everything() -> None:
    """Nothing is due until the timed part starts (the workers start idle)."""
    from almen.notify.models import Delivery, Notification, Status

    Notification.objects.filter(status=Status.QUEUED).update(delivery=Delivery.DAILY)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a running process so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker_backends() -> list[int]:
    """The PostgreSQL server processes of the workers' connections (all but ours)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        return [pid for (pid,) in cursor.fetchall()]


def wait_for_workers(count: int) -> list[int]:
    """Until each worker has connected to the database (polling an empty queue): their
    start-up is not timed. Returns their server processes."""
    end = time.monotonic() + 120
    while len(backends := worker_backends()) < count and time.monotonic() < end:
        time.sleep(0.5)
    time.sleep(1)
    return backends


def delivery(port: int, count: int, batch: int, sink_pid: int) -> dict[str, Any]:
    hold_everything()
    workers = [worker(port, "--batch", str(batch)) for _ in range(2)]
    backends = wait_for_workers(len(workers))  # Django start-up of both, not timed
    before = [cpu_seconds(w.pid) for w in workers], cpu_seconds(sink_pid)
    db_before = sum(cpu_seconds(b) for b in backends)
    ids = make_due(count, offset=0)
    start = time.perf_counter()
    while sent_count(ids) < len(ids):
        time.sleep(0.2)
        if time.perf_counter() - start > 900:
            break
    elapsed = time.perf_counter() - start
    worker_cpu = sum(cpu_seconds(w.pid) for w in workers) - sum(before[0])
    sink_cpu = cpu_seconds(sink_pid) - before[1]
    db_cpu = sum(cpu_seconds(b) for b in backends) - db_before
    for w in workers:
        w.send_signal(signal.SIGTERM)
    for w in workers:
        w.wait(timeout=60)
    done = sent_count(ids)
    log(f"delivered {done} of {len(ids)} in {elapsed:.1f} s: {done / elapsed:,.0f} messages/s")
    per = {
        "worker_ms": 1000 * worker_cpu / max(done, 1),
        "sink_ms": 1000 * sink_cpu / max(done, 1),
        "db_ms": 1000 * db_cpu / max(done, 1),
    }
    log(
        f"CPU per message: workers {per['worker_ms']:.2f} ms, sink {per['sink_ms']:.2f} ms, "
        f"their PostgreSQL backends {per['db_ms']:.2f} ms"
    )
    return {"count": done, "seconds": elapsed, "rate": done / elapsed, **per}


def kill_run(port: int, count: int, batch: int, offset: int) -> dict[str, Any]:
    hold_everything()
    workers = [worker(port, "--batch", str(batch), "--lease", "5") for _ in range(2)]
    wait_for_workers(len(workers))
    ids = make_due(count, offset=offset)
    while sent_count(ids) < count // 4:
        time.sleep(0.05)
    workers[0].send_signal(signal.SIGKILL)
    workers[0].wait()
    killed_at = sent_count(ids)
    log(f"killed one worker with {killed_at} of {count} sent")
    workers[0] = worker(port, "--batch", str(batch), "--lease", "5")
    start = time.perf_counter()
    while sent_count(ids) < len(ids) and time.perf_counter() - start < 900:
        time.sleep(0.2)
    for w in workers:
        w.send_signal(signal.SIGTERM)
    for w in workers:
        w.wait(timeout=60)
    return {"count": count, "killed_at": killed_at, "sent": sent_count(ids)}


def channel_cpu(port: int, count: int) -> dict[str, float]:
    """In this process, one worker's CPU per message after start-up: ``count`` queued rows
    sent to the sink with the channel's own MIME bytes, then ``count`` more with every
    message built by Django's ``EmailMessage`` (the channel's fall-back path). CPU time of
    this process only: a figure the other load on the machine disturbs far less than a
    rate."""
    from django.conf import settings

    from almen.notify import channels
    from almen.notify import worker as outbox

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 30},
        }
    }
    outbox.warm_up()
    out = {}
    own = channels.mime_bytes
    for label, builder in (("warm-up", own), ("own", own), ("django", None), ("own again", own)):
        channels.mime_bytes = builder or (lambda message, **kw: None)  # type: ignore[assignment]
        hold_everything()
        make_due(count, offset=0)
        senders = outbox.Senders()
        start = time.process_time()
        sent = 0
        while sent < count:
            result = outbox.send_batch(batch=200, worker="bench-cpu", senders=senders)
            if not result.claimed:
                break
            sent += result.sent
        out[label] = 1000 * (time.process_time() - start) / max(sent, 1)
        senders.close()
        log(f"channel CPU, {label}: {out[label]:.3f} ms per message ({sent} sent)")
    channels.mime_bytes = own
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--send", type=int, default=20_000)
    parser.add_argument("--kill-send", type=int, default=5_000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--setup-only", action="store_true", help="Data only, no timing.")
    parser.add_argument(
        "--channel-cpu",
        type=int,
        default=0,
        metavar="N",
        help="Only the in-process CPU per message, own MIME bytes against Django's builder.",
    )
    args = parser.parse_args()
    load = os.getloadavg()[0]
    log(f"load average {load:.2f}; {platform.node()}")
    ensure_database()
    log("migrate")
    subprocess.run(
        [PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env(), check=True
    )
    django_setup()
    sizes = top_up()
    log(f"data: {sizes}")
    if args.setup_only:
        return

    from almen.notify.testing import free_port

    port = free_port()
    if args.channel_cpu:
        with tempfile.TemporaryDirectory() as tmp:
            sink = start_sink(port, str(Path(tmp) / "ids.txt"))
            try:
                cpu = channel_cpu(port, args.channel_cpu)
            finally:
                sink.send_signal(signal.SIGTERM)
                sink.wait(timeout=30)
        print(
            f"worker CPU per message (load at start {load:.2f}): own MIME bytes "
            f"{cpu['own']:.3f} / {cpu['own again']:.3f} ms, Django's EmailMessage "
            f"{cpu['django']:.3f} ms"
        )
        return
    q = queueing()
    with tempfile.TemporaryDirectory() as tmp:
        ids_file = str(Path(tmp) / "ids.txt")
        sink = start_sink(port, ids_file)
        try:
            ceiling = sink_ceiling(port, ceiling_messages(args.send))
            log(f"sink ceiling (2 smtplib senders, one connection each): {ceiling:,.0f} msg/s")
            d = delivery(port, args.send, args.batch, sink.pid)
            k = kill_run(port, args.kill_send, args.batch, offset=0)
        finally:
            sink.send_signal(signal.SIGTERM)
            sink.wait(timeout=30)
        ids = Counter(
            line.strip()
            for line in Path(ids_file).read_text().splitlines()
            if "@almen.notify" in line
        )
    duplicates = sum(n - 1 for n in ids.values() if n > 1)
    print()
    print(
        f"Notifications bench, PostgreSQL, {time.strftime('%Y-%m-%d %H:%M')} "
        f"(load at start {load:.2f})"
    )
    print(f"data: {sizes['goals']:,} goals, {sizes['actions']:,} actions, {sizes['users']:,} users")
    print("| what | figure | ceiling, same run | target |")
    print("|---|---:|---:|---|")
    print(
        f"| a day's reminders queued ({q['rows']:,} rows) | {q['queue_s']:.1f} s | producer alone "
        f"{q['producer_s']:.1f} s · COPY of the rows {q['insert_s']:.1f} s | "
        f"≤ {QUEUE_TARGET_S:.0f} s "
        f"{'✓' if q['queue_s'] <= QUEUE_TARGET_S else '✗'} |"
    )
    print(f"| queued again the same day | {q['again_s']:.1f} s, {q['again_new']} new | | 0 new |")
    print(
        f"| delivered, 2 workers, batch {args.batch} ({d['count']:,} messages) | "
        f"{d['rate']:,.0f} msg/s "
        f"| sink with 2 smtplib senders of the same messages {ceiling:,.0f} msg/s "
        f"| ≥ {SEND_TARGET:,.0f} msg/s "
        f"{'✓' if d['rate'] >= SEND_TARGET else '✗'} |"
    )
    print(
        f"| CPU per message delivered | workers {d['worker_ms']:.2f} ms · sink "
        f"{d['sink_ms']:.2f} ms · the workers' PostgreSQL backends {d['db_ms']:.2f} ms | | |"
    )
    print(
        f"| worker SIGKILLed mid-batch ({k['count']:,} messages, killed at {k['killed_at']:,}) | "
        f"{duplicates} duplicates, {k['sent']:,} sent | at most 1 per killed worker (the "
        f"message in flight, same Message-ID) | 0 duplicates beyond it |"
    )


if __name__ == "__main__":
    main()
