from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from almen.register.privacy import moved_out_anonymise


class Command(BaseCommand):
    help = (
        "Anonymises the residents of households that moved out, once their retention has "
        "ended: after the minutes deadline of the next ordinary meeting (or "
        "PRIVACY_MOVED_OUT_RETENTION_DAYS). Run nightly; see docs/privacy.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the residents due; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = moved_out_anonymise(dry_run=options["dry_run"])
        if options["dry_run"]:
            self.stdout.write(f"{count} fraflyttede beboere skal anonymiseres.")
        else:
            self.stdout.write(f"{count} fraflyttede beboere anonymiseret.")
