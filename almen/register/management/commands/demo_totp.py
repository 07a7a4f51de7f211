from typing import Any

from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from almen.register.demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Prints the current TOTP code for the demo's staff logins (DEBUG only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Only for the demo (DEBUG=true).")
        counters = list(yield_hotp_counters_from_time())
        self.stdout.write(
            format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counters[len(counters) // 2]))
        )
