from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from almen.democracy.national import NationalDemocracyExists, democracy_national_seed
from almen.register.national import NATIONAL_CVR_PREFIX


class Command(BaseCommand):
    help = (
        "Genererer beboerdemokrati i national skala oven på seed_national: 3 års "
        "afdelingsmøder (ordinære og nogle ekstraordinære) i hver afdeling med dagsorden, "
        "forslag, fremmøde, referater og beslutninger, og et kommende møde pr. afdeling. "
        "Kommandoen nægter at køre to gange i samme database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--estates", type=int, help="kun de første N nationale afdelinger (standard: alle)"
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = democracy_national_seed(
                estates=options["estates"],
                seed=options["seed"],
                # The raw stream: OutputWrapper would end every "\r" update with a newline.
                out=cast(TextIO, self.stderr._out),
            )
        except NationalDemocracyExists as exc:
            raise CommandError(
                "Databasen indeholder allerede nationale møder fra seed_democracy_national. "
                "Brug en ny database, og kør seed_national (organisationer med CVR "
                f"{NATIONAL_CVR_PREFIX}xxxxxxx) først."
            ) from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        rows = ", ".join(f"{table}: {n:,}" for table, n in result["rows"].items())
        self.stdout.write(
            f"Nationalt beboerdemokrati: {result['total']:,} rækker på "
            f"{result['seconds']:.1f} s "
            f"({result['total'] / max(result['seconds'], 1e-9):,.0f} rækker/s). {rows}"
        )
