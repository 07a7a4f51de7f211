"""A notification worker killed mid-batch: every recipient still gets exactly one message.

Real processes (``manage.py notify_worker``) on PostgreSQL, real SMTP to an aiosmtpd
sink on 127.0.0.1 that counts by Message-ID. The sink stalls the first worker after some
messages; the test SIGKILLs it there, then two fresh workers (sharing the rest through
``SKIP LOCKED``) take over once the dead worker's lease has run out.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection

from almen.accounts.models import User
from almen.notify import services
from almen.notify.models import Notification, Status
from almen.notify.testing import SmtpSink

ROOT = Path(__file__).resolve().parents[3]
RECIPIENTS = 40
FIRST_WORKER_SENDS = 15

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Workers in separate processes claiming with SKIP LOCKED need PostgreSQL "
        "(run with DATABASE_URL=postgres://…, as CI does).",
    ),
]


def start_worker(port: int, *extra: str) -> subprocess.Popen[bytes]:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "true",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
    }
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "manage.py", "notify_worker", "--sleep", "0.2", *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for(condition: Callable[[], bool], what: str, limit: float = 90) -> None:
    """Polls; the limit only keeps a broken run from hanging (no timing is asserted)."""
    end = time.monotonic() + limit
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def test_a_worker_killed_mid_batch_leaves_every_recipient_exactly_one_message() -> None:
    users = [
        User.objects.create(email=f"modtager{n:02d}@example.dk", name=f"Modtager {n}")
        for n in range(RECIPIENTS)
    ]
    for user in users:
        services.notify(
            kind="goals.action_overdue",
            key="kill-test",
            user=user,
            context={"title": "Ny legeplads", "due": "01-12-2026", "path": "/mine-indsatser/"},
        )
    expected = set(Notification.objects.values_list("key", flat=True))
    assert len(expected) == RECIPIENTS
    with SmtpSink() as sink:
        sink.recorder.delay = 60
        sink.recorder.delay_after = FIRST_WORKER_SENDS
        first = start_worker(sink.port, "--batch", str(RECIPIENTS), "--lease", "4")
        try:
            wait_for(sink.recorder.stalled.is_set, "the first worker to reach the stall")
            # Mid-batch: it holds every row, has sent some and is handing over the next.
            assert Notification.objects.filter(status=Status.SENDING).exists()
            first.send_signal(signal.SIGKILL)
            first.wait()
        finally:
            if first.poll() is None:
                first.kill()
        sent_before = len(sink.message_ids())
        assert sent_before == FIRST_WORKER_SENDS
        assert Notification.objects.filter(status=Status.SENT).count() == FIRST_WORKER_SENDS
        sink.recorder.delay_after = None

        others = [start_worker(sink.port, "--batch", "5") for _ in range(2)]
        try:
            wait_for(
                lambda: Notification.objects.filter(status=Status.SENT).count() == RECIPIENTS,
                "the other workers to send the rest",
            )
        finally:
            for worker in others:
                worker.send_signal(signal.SIGTERM)
            for worker in others:
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
        ids = Counter(sink.message_ids())
        to = Counter(m["To"] for m in sink.messages)

    rows = list(Notification.objects.all())
    assert {r.message_id for r in rows} == set(ids)
    assert all(count == 1 for count in ids.values()), ids.most_common(3)
    assert to == Counter(u.email for u in users)  # every recipient exactly once
    # Rows the dead worker had claimed but not sent were tried again.
    assert sum(1 for r in rows if r.attempts > 1) == RECIPIENTS - FIRST_WORKER_SENDS
