from typing import Any

from django.core.management.base import BaseCommand

from almen.lib import demo
from almen.register.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_create


class Command(BaseCommand):
    help = (
        "Loads the demo (3 organisations, 12 estates, ~2,500 households, goals with "
        "indicators, measurements, actions and reviews). Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_create()
        parts = [f"{result['households']} husstande"]
        # Then each module's part (goals, styringsdialoger …), as registered.
        parts += [f"{entry.create()} {entry.made}" for entry in demo.demos()]
        self.stdout.write(f"Demo: {', '.join(parts)}.\n")
        self.stdout.write("Demo-logins (én pr. persona):")
        for persona in result["personas"].values():
            if not persona.email:
                self.stdout.write(f"  {persona.label:42} – åbn siden uden at logge ind")
            elif persona.password_login:
                self.stdout.write(f"  {persona.label:42} {persona.email}  kode: {DEMO_PASSWORD}")
            else:
                self.stdout.write(
                    f"  {persona.label:42} {persona.email}  (engangskode pr. e-mail: "
                    "se serverens log)"
                )
        self.stdout.write(
            f"Personalets to-faktor-nøgle (TOTP): {DEMO_TOTP_SECRET} – eller kør "
            "`make totp` for den aktuelle kode."
        )
