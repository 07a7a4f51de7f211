"""`manage.py queue_reminders`: the day's reminders (reviews and actions due or overdue,
and whatever other modules register) into the outbox. Idempotent: run it again the same
day and nothing more is queued. Schedule it daily (cron, systemd timer)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from almen.notify.services import reminders_queue_all


class Command(BaseCommand):
    help = "Queues today's reminders from every registered producer (idempotent per day)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="The day to remind for (YYYY-MM-DD); today if empty.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = (
                dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
            )
        except ValueError as error:
            raise CommandError("--date skal være en dato som 2026-12-01.") from error
        for key, count in reminders_queue_all(today=today).items():
            self.stdout.write(f"{key}: {count}")
