"""python manage.py ballot_verify BALLOT [--file bulletin.json]

Checks a closed ballot's box (decision 0030, docs/voting.md): the hash chain from the
genesis to the chain head, the box against the votes the households were recorded as
having cast, and (once counted) the stored tally against the box and the hand counts.
The same check as ``bulletin_verify.py``, which needs no database: here the bulletin is
built from the rows as they are now. ``--file`` checks a downloaded bulletin instead.

Exit status: 0 intact; 1 with the first broken link ("BROKEN: entry 17: hash does not
match"); 2 when there is nothing to check (unknown ballot, still open, unreadable file).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from almen.democracy.ballots_bulletin import bulletin_data
from almen.democracy.bulletin_verify import verify
from almen.democracy.models import Ballot, BallotState

CHECKABLE = {BallotState.CLOSED, BallotState.COUNTED, BallotState.PUBLISHED}


def database_bulletin(public_id: uuid.UUID) -> dict[str, Any]:
    """The bulletin of the ballot as the database holds it now, read in one snapshot
    (on PostgreSQL: repeatable read, so the ballot row and its entries agree)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        try:
            ballot = Ballot.objects.select_related("estate__organisation").get(public_id=public_id)
        except Ballot.DoesNotExist:
            raise CommandError(f"Ingen afstemning med id {public_id}.", returncode=2) from None
        if ballot.state not in CHECKABLE:
            raise CommandError(
                f"Afstemningen er {ballot.get_state_display().lower()}: urnen kontrolleres, "
                "når afstemningen er lukket.",
                returncode=2,
            )
        return bulletin_data(ballot)


def file_bulletin(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(f"Filen kan ikke læses: {path} ({exc})", returncode=2) from None
    if not isinstance(data, dict):
        raise CommandError(f"Filen er ikke et opslag: {path}", returncode=2)
    return data


class Command(BaseCommand):
    help = "Kontrollér en lukket afstemnings urne: hashkæden og stemmetallene."
    # A read-only check an auditor runs: Django's system checks (they resolve every URL
    # and build the API, about 10 s on a loaded machine) are the deployment's business
    # (``manage.py check`` in CI), not this command's.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ballot", nargs="?", help="afstemningens id (UUID)")
        parser.add_argument("--file", type=Path, help="kontrollér en hentet opslagsfil (JSON)")

    def handle(self, *args: Any, **options: Any) -> None:
        ballot, path = options["ballot"], options["file"]
        if path is None and not ballot:
            raise CommandError("Angiv afstemningens id eller --file.", returncode=2)
        if path is not None:
            data = file_bulletin(path)
            named = str(data.get("ballot", {}).get("id", "")) if isinstance(data, dict) else ""
            if ballot and named != str(ballot):
                raise CommandError(f"Filen er opslaget for afstemning {named}.", returncode=2)
        else:
            try:
                public_id = uuid.UUID(str(ballot))
            except ValueError:
                raise CommandError(f"Ikke et afstemnings-id: {ballot}", returncode=2) from None
            data = database_bulletin(public_id)
        report = verify(data)
        if not report.ok:
            raise CommandError(f"BROKEN: {report.problem}", returncode=1)
        self.stdout.write(
            f"OK: {report.entries} entries, {report.digital_votes} digital votes\n"
            f"chain head {report.chain_head}"
        )
