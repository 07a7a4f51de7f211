"""python manage.py import_readings FILE --organisation CVR [--dry-run] [--meter NUMBER]

Checks a file of meter readings (dato;aflæsning or fra;til;forbrug, with or without a
målernummer column) and, unless --dry-run, writes it whole. A rejected file writes
nothing: the findings go to stderr ("række 7: …") and the command exits non-zero.
The command is its own worker: big files are not queued.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from almen.green import imports_services as services
from almen.green.models import Meter
from almen.imports import services as import_services
from almen.imports.models import ImportStatus
from almen.register.models import Organisation


class Command(BaseCommand):
    help = "Importér måleraflæsninger (CSV eller XLSX) for en boligorganisation."
    # A data command, like ballot_verify: Django's system checks (every URL pattern
    # imported, ~2 s here) belong to deploys and ``manage.py check``, not to each import.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--organisation", required=True, help="CVR-nummer")
        parser.add_argument("--dry-run", action="store_true", help="Kontrollér kun")
        parser.add_argument(
            "--meter", default=None, help="Målernummeret, når filen ikke har en målerkolonne"
        )
        parser.add_argument(
            "--estate",
            type=int,
            default=None,
            help="Afdelingsnummeret, hvis målernummeret ikke er entydigt",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            organisation = Organisation.objects.get(cvr=options["organisation"])
        except Organisation.DoesNotExist:
            raise CommandError(f"Ukendt organisation: {options['organisation']}") from None
        if not path.is_file():
            raise CommandError(f"Filen findes ikke: {path}")
        meter_options: dict[str, Any] = {}
        if options["meter"]:
            meters = Meter.objects.filter(
                estate__organisation=organisation, number=options["meter"]
            )
            if options["estate"] is not None:
                meters = meters.filter(estate__number=options["estate"])
            found = list(meters[:2])
            if len(found) != 1:
                raise CommandError(
                    f"Måleren {options['meter']} findes ikke hos organisationen"
                    if not found
                    else f"Måleren {options['meter']} findes i flere afdelinger: brug --estate"
                )
            meter_options["meter"] = found[0].pk
        with path.open("rb") as handle:
            try:
                run = services.green_run_create(
                    actor=None,
                    organisation=organisation,
                    uploaded_file=File(handle, name=path.name),
                    kind=services.READINGS,
                    options=meter_options,
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
        total = max(run.total_rows, 1)

        def bar(processed: int) -> None:
            share = min(processed / total, 1.0)
            self.stderr.write(
                f"\r{share:4.0%} {processed:,}/{total:,} rækker".replace(",", "."), ending=""
            )

        token = import_services.progress_listener.set(bar if options["verbosity"] > 1 else None)
        try:
            if options["dry_run"]:
                run, _check = services.green_run_validate(run=run, in_worker=True)
            else:
                run = services.green_run_check_and_commit(actor=None, run=run, in_worker=True)
        finally:
            import_services.progress_listener.reset(token)
        summary = run.summary
        lines = [
            f"Import {run.public_id}: {run.get_status_display()}",
            f"Rækker læst: {summary.get('rows_read', 0)}",
            f"Nye aflæsninger: {summary.get('readings_new', 0)}",
            f"Overskrevne aflæsninger: {summary.get('readings_overwritten', 0)}",
            f"Uændrede (allerede gemt): {summary.get('readings_unchanged', 0)}",
            f"Målere: {summary.get('meters', 0)}",
            f"Fejl: {run.error_count}, advarsler: {run.warning_count}",
        ]
        self.stdout.write("\n".join(lines))
        if run.findings:
            text = import_services.findings_text(run.findings)
            if run.findings_omitted:
                text += f"\n… og {run.findings_omitted} fund mere"
            self.stderr.write(text)
        if run.status in (ImportStatus.REJECTED, ImportStatus.FAILED):
            raise CommandError(f"Filen blev afvist ({run.error_count} fejl); intet er gemt.")
        if options["dry_run"]:
            self.stdout.write("Prøvekørsel: intet er gemt.")
