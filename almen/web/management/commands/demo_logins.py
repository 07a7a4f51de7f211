"""`manage.py demo_logins`: the demo's logins, one per persona, and how to get the codes.

``make run`` prints this last, once the server answers (scripts/serve.sh), so it is
the first thing a newcomer sees rather than scrolled away by the server's start-up.
"""

from typing import Any

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand, CommandParser

from almen.register.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, personas

RULER = "═" * 78


class Command(BaseCommand):
    help = "Prints the demo's logins (one per persona) and how to get login and TOTP codes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Where Almen runs.")

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["url"].rstrip("/")
        cast = personas()
        with_totp = set(
            Authenticator.objects.filter(
                type=Authenticator.Type.TOTP,
                user__in=[p.user for p in cast.values() if p.user is not None],
            ).values_list("user__email", flat=True)
        )
        lines = [
            "",
            RULER,
            f"Almen kører på {url}  (Ctrl-C stopper)",
            f"Log ind på {url}/konto/login/",
            "",
            "Demo-logins (én pr. persona):",
        ]
        for persona in cast.values():
            if not persona.email:
                lines.append(f"  {persona.label:40} åbn siden uden at logge ind")
            elif not persona.password_login:
                lines.append(f"  {persona.label:40} {persona.email}")
                lines.append(f"  {'':40} ingen adgangskode: »Send mig en engangskode«")
            else:
                extra = "  + TOTP-kode" if persona.email in with_totp else ""
                lines.append(f"  {persona.label:40} {persona.email}")
                lines.append(f"  {'':40} adgangskode: {DEMO_PASSWORD}{extra}")
        lines += [
            "",
            "Beboernes engangskode: står i denne terminal, i e-mailen »Din engangskode til",
            "  at logge ind« (på sin egen linje, fx K7Q2-MDXF). Koden virker i 15 minutter.",
            "TOTP-kode (personale): kør `make totp` i en anden terminal, eller læg nøglen",
            f"  {DEMO_TOTP_SECRET} i en godkendelses-app.",
            RULER,
            "",
        ]
        self.stdout.write("\n".join(lines))
