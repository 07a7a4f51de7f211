"""python manage.py import_register FILE --organisation CVR [--dry-run] [--confirm-move-outs N]

A file that would end more than IMPORT_MOVE_OUT_CONFIRM_SHARE of an estate's households
(or all of them) is committed only with --confirm-move-outs naming the number of
households that move out; without it the command stops after the check and says so.
"""

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
        parser.add_argument(
            "--confirm-move-outs",
            type=int,
            default=None,
            metavar="N",
            help="Bekræft, at N husstande flytter ud (kræves, når importen flytter mere "
            "end den fastsatte andel af en afdelings husstande ud)",
        )

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
        unconfirmed = ""
        try:
            run = services.import_run_validate(run=run, in_worker=True)
            if run.status == ImportStatus.VALIDATED and not run.dry_run:
                phase["label"] = "Indlæser"
                try:
                    run = services.import_run_commit(
                        actor=None,
                        run=run,
                        confirm_move_outs=options["confirm_move_outs"],
                        in_worker=True,
                    )
                except services.MoveOutsNotConfirmed as exc:
                    unconfirmed = " ".join(exc.messages)
        finally:
            services.progress_listener.reset(token)
            self.stderr.write("")
        for estate in run.scope:
            self.stderr.write(services.scope_text(estate))
        if run.findings:
            self.stderr.write(services.findings_text(run.findings))
        if run.findings_omitted:
            self.stderr.write(f"… og {run.findings_omitted} fund mere.")
        self.stdout.write(json.dumps(run.summary, indent=2, ensure_ascii=False))
        if unconfirmed:
            raise CommandError(
                f"Importen er kontrolleret, men ikke indlæst. {unconfirmed} "
                f"Kør igen med --confirm-move-outs {run.move_outs}."
            )
        if run.status == ImportStatus.VALIDATED and not run.dry_run:
            # Validated again at commit with other numbers (the register changed).
            raise CommandError(
                "Importen er ikke indlæst: antallet af fraflytninger er ændret siden "
                f"kontrollen. {services.move_out_warning(run)}"
            )
        if run.status not in {ImportStatus.VALIDATED, ImportStatus.COMMITTED}:
            raise CommandError(
                f"Importen blev ikke gennemført ({run.get_status_display()}): "
                f"{run.error_count} fejl."
            )
        self.stdout.write(f"{run.get_status_display()}: {run.total_rows} rækker.")
