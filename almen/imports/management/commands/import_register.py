"""python manage.py import_register FILE --organisation CVR [--dry-run]"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from almen.imports import services
from almen.imports.models import ImportStatus
from almen.register.models import Organisation


class Command(BaseCommand):
    help = "Importér et lejemålsregister (CSV eller XLSX) for en boligorganisation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--organisation", required=True, help="CVR-nummer")
        parser.add_argument("--dry-run", action="store_true", help="Kontrollér kun")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            organisation = Organisation.objects.select_related("municipality").get(
                cvr=options["organisation"]
            )
        except Organisation.DoesNotExist:
            raise CommandError(f"Ukendt organisation: {options['organisation']}") from None
        if not path.is_file():
            raise CommandError(f"Filen findes ikke: {path}")
        with path.open("rb") as handle:
            upload = File(handle, name=path.name)
            try:
                run = services.import_run_create(
                    actor=None,
                    organisation=organisation,
                    uploaded_file=upload,  # type: ignore[arg-type]
                    dry_run=options["dry_run"],
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
        # The command is the worker here: no queue, whatever the size.
        total = max(run.total_rows, 1)
        phase = {"label": "Kontrollerer"}

        def bar(processed: int) -> None:
            share = min(processed / total, 1.0)
            filled = int(share * 30)
            self.stderr.write(
                f"\r{phase['label']:<12} [{'#' * filled}{'.' * (30 - filled)}] "
                f"{share:4.0%} {processed:,}/{total:,} rækker".replace(",", "."),
                ending="",
            )

        token = services.progress_listener.set(bar)
        try:
            run = services.import_run_validate(run=run)
            if run.status == ImportStatus.VALIDATED and not run.dry_run:
                phase["label"] = "Indlæser"
                run = services.import_run_commit(actor=None, run=run)
        finally:
            services.progress_listener.reset(token)
            self.stderr.write("")
        if run.findings:
            self.stderr.write(services.findings_text(run.findings))
        if run.findings_omitted:
            self.stderr.write(f"… og {run.findings_omitted} fund mere.")
        self.stdout.write(json.dumps(run.summary, indent=2, ensure_ascii=False))
        if run.status not in {ImportStatus.VALIDATED, ImportStatus.COMMITTED}:
            raise CommandError(
                f"Importen blev ikke gennemført ({run.get_status_display()}): "
                f"{run.error_count} fejl."
            )
        self.stdout.write(f"{run.get_status_display()}: {run.total_rows} rækker.")
