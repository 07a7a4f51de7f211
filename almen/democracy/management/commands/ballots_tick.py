"""`manage.py ballots_tick`: close the secret ballots whose closing time has passed and
queue the reminder 24 hours before a ballot closes (``ballots_services.ballots_tick``).
Idempotent: run it as often as you like. With ``--loop N`` it runs every N seconds until
stopped (``scripts/serve.sh`` runs it so, beside the task and notification workers);
without, once (for cron or a systemd timer, every minute)."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from almen.democracy.ballots_services import ballots_tick


class Command(BaseCommand):
    help = "Closes ballots past their closing time and queues the 24-hour reminders."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--loop", type=float, default=0, help="Run every N seconds until stopped."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        every = options["loop"]
        if every < 0:
            raise CommandError("--loop skal være et antal sekunder (0 eller mere).")
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        if every:
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
        while True:
            done = ballots_tick()
            if done["closed"] or done["reminded"] or not every:
                self.stdout.write(f"ballots: {done['closed']} closed, {done['reminded']} reminded")
            if not every or stopping:
                return
            close_old_connections()
            slept = 0.0
            while slept < every and not stopping:
                time.sleep(min(1.0, every - slept))
                slept += 1.0
