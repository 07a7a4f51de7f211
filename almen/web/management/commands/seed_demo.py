from typing import Any

from django.core.management.base import BaseCommand

from almen.lib import demo
from almen.register.demo import demo_create


class Command(BaseCommand):
    help = (
        "Loads the demo (3 organisations, 12 estates, ~2,500 households, goals with "
        "indicators, measurements, actions and reviews). Idempotent. The logins: "
        "`manage.py demo_logins` (printed by `make run` once the server answers)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_create()
        parts = [f"{result['households']} husstande"]
        # Then each module's part (goals, styringsdialoger …), as registered.
        parts += [f"{entry.create()} {entry.made}" for entry in demo.demos()]
        self.stdout.write(f"Demo: {', '.join(parts)}.")
        self.stdout.write("Demo-logins: `python manage.py demo_logins` (make run viser dem).")
