from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from almen.imports.retention import import_files_due, import_files_purge


class Command(BaseCommand):
    help = (
        "Deletes uploaded import files, the register's and grøn drift's (committed, "
        "rejected, failed and dry runs) IMPORT_FILE_RETENTION_DAYS days after their run "
        "ended; the runs stay. "
        "Run nightly; see docs/privacy.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List the files due; delete nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dry_run"]:
            runs = import_files_due()
            for run in runs:
                self.stdout.write(f"{run.public_id} {run.original_name}")
            self.stdout.write(f"{len(runs)} importfiler skal slettes.")
            return
        self.stdout.write(f"{import_files_purge()} importfiler slettet.")
