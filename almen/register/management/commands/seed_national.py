from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from almen.register.national import NATIONAL_CVR_PREFIX, NationalDataExists, national_seed


class Command(BaseCommand):
    help = (
        "Genererer registerdata i national skala (500 organisationer, 7.000 afdelinger, "
        "600.000 husstande, 1.000.000 beboere) til målinger. Organisationerne får "
        f"CVR-numre der begynder med {NATIONAL_CVR_PREFIX}; kommandoen nægter at køre to "
        "gange i samme database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisations", type=int, default=500)
        parser.add_argument("--estates", type=int, default=7000)
        parser.add_argument("--households", type=int, default=600_000)
        parser.add_argument("--residents", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = national_seed(
                organisations=options["organisations"],
                estates=options["estates"],
                households=options["households"],
                residents=options["residents"],
                seed=options["seed"],
            )
        except NationalDataExists as exc:
            raise CommandError(
                "Databasen indeholder allerede nationale data (organisationer med CVR "
                f"{NATIONAL_CVR_PREFIX}xxxxxxx). Brug en ny database, fx "
                "DATABASE_URL=sqlite:///var/bench.sqlite3."
            ) from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        rows = ", ".join(f"{table}: {n:,}" for table, n in result["rows"].items())
        self.stdout.write(
            f"Nationale data: {result['total']:,} rækker på {result['seconds']:.1f} s "
            f"({result['total'] / result['seconds']:,.0f} rækker/s). {rows}"
        )
