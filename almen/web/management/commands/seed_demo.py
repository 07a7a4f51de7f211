from typing import Any

from django.core.management.base import BaseCommand

from almen.dialogue.demo import dialogue_demo_create
from almen.goals.demo import goals_demo_create
from almen.register.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_create


class Command(BaseCommand):
    help = (
        "Loads the demo (3 organisations, 12 estates, ~2,500 households, goals with "
        "indicators, measurements, actions and reviews). Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_create()
        goals = goals_demo_create()
        dialogues = dialogue_demo_create()
        self.stdout.write(
            f"Demo: {result['households']} husstande, {goals} nye mål, "
            f"{dialogues} nye styringsdialoger.\n"
        )
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
