"""`manage.py notify_worker`: sends the notification outbox (see almen/notify/worker.py).

Run one or more beside the web server; they share the work through row locks on
PostgreSQL. Once a day, after ``--digest-hour`` (local time), the worker also writes the
daily digests (once per person per day, whichever worker gets there first). When idle
it blanks, at most once an hour, what ephemeral messages left behind
(``worker.ephemeral_purge``).
"""

from __future__ import annotations

import datetime as dt
import signal
import time
import uuid
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from almen.notify import worker

# How often an idle worker blanks what ephemeral messages left behind (seconds).
PURGE_EVERY = 3600.0


class Command(BaseCommand):
    help = "Sends queued notifications (e-mail) in batches; with --once, one pass and out."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Send what is due, then stop.")
        parser.add_argument("--batch", type=int, default=100, help="Rows claimed at a time.")
        parser.add_argument("--lease", type=float, default=300, help="Seconds a claim lasts.")
        parser.add_argument("--sleep", type=float, default=5, help="Seconds to wait when idle.")
        parser.add_argument(
            "--digest", action="store_true", help="Write today's daily digests first."
        )
        parser.add_argument("--digest-hour", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        name = f"{uuid.uuid4().hex[:12]}"
        lease = dt.timedelta(seconds=options["lease"])
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        worker.warm_up()
        # One connection per channel while there is work, closed when idle.
        senders = worker.Senders()
        try:
            total = self._loop(options, name, lease, senders, lambda: stopping)
        finally:
            senders.close()
        self.stdout.write(f"notify: {total} sent")

    def _loop(
        self,
        options: dict[str, Any],
        name: str,
        lease: dt.timedelta,
        senders: worker.Senders,
        stopping: Any,
    ) -> int:
        digested: dt.date | None = None
        purged: float | None = None
        total = 0
        while not stopping():
            now = timezone.localtime()
            if options["digest"] or (now.hour >= options["digest_hour"] and digested != now.date()):
                written = worker.digests_build(today=now.date())
                if written:
                    self.stdout.write(f"notify: {written} daily digests written")
                digested = now.date()
                options["digest"] = False
            result = worker.send_batch(
                batch=options["batch"], lease=lease, worker=name, senders=senders
            )
            total += result.sent
            if result.claimed:
                self.stdout.write(
                    f"notify: sent {result.sent}, retry {result.retried}, failed "
                    f"{result.failed}, suppressed {result.suppressed}"
                )
                continue
            senders.close()  # idle: hold no connection
            if purged is None or time.monotonic() - purged >= PURGE_EVERY:
                worker.ephemeral_purge()
                purged = time.monotonic()
            if options["once"]:
                break
            close_old_connections()
            time.sleep(options["sleep"])
        return total
