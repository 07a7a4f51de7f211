from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from almen.goals.national import NationalGoalsExist, goals_national_seed
from almen.register.national import NATIONAL_CVR_PREFIX


class Command(BaseCommand):
    help = (
        "Genererer Almene mål i national skala oven på seed_national (30.000 mål, "
        "100.000 indikatorer, 3,6 mio. målinger, indsatser og statusser) til målinger. "
        "Kommandoen nægter at køre to gange i samme database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--goals", type=int, default=30_000)
        parser.add_argument("--indicators", type=int, default=100_000)
        parser.add_argument("--measurements", type=int, default=3_600_000)
        parser.add_argument("--actions", type=int, help="standard: én pr. mål")
        parser.add_argument("--reviews", type=int, help="standard: én pr. andet mål")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = goals_national_seed(
                goals=options["goals"],
                indicators=options["indicators"],
                measurements=options["measurements"],
                actions=options["actions"],
                reviews=options["reviews"],
                seed=options["seed"],
                # The raw stream: OutputWrapper would end every "\r" update with a newline.
                out=cast(TextIO, self.stderr._out),
            )
        except NationalGoalsExist as exc:
            raise CommandError(
                "Databasen indeholder allerede nationale mål fra seed_goals_national. "
                "Brug en ny database, fx DATABASE_URL=sqlite:///var/bench.sqlite3, og kør "
                f"seed_national (organisationer med CVR {NATIONAL_CVR_PREFIX}xxxxxxx) først."
            ) from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        rows = ", ".join(f"{table}: {n:,}" for table, n in result["rows"].items())
        self.stdout.write(
            f"Nationale mål: {result['total']:,} rækker på {result['seconds']:.1f} s "
            f"({result['total'] / max(result['seconds'], 1e-9):,.0f} rækker/s). {rows}"
        )
