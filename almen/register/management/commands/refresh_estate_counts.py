from typing import Any

from django.core.management.base import BaseCommand

from almen.register.services import estate_counts_refresh


class Command(BaseCommand):
    help = (
        "Recounts units, households and area on every estate. Imports keep them current; "
        "run nightly so that move-ins and move-outs dated in the future are counted."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        updated = estate_counts_refresh()
        self.stdout.write(f"{updated} afdelinger opdateret.")
