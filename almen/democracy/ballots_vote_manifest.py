"""What the voting part plugs in (called from ``manifest.register()``): the receipt
e-mail's notification kind (ephemeral: the outbox forgets the tracker code once the
message is sent) and the residents' ballot panels on the home and estate pages."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from almen.access.policy import Principal
from almen.democracy import ballots_vote_selectors as selectors
from almen.democracy.ballots_vote_services import RECEIPT_KIND
from almen.lib import notifications, panels
from almen.lib.notifications import NotificationKind, Preference
from almen.lib.panels import ESTATE, Panel
from almen.register.models import Estate

APP = "democracy"

KINDS = (
    NotificationKind(
        RECEIPT_KIND,
        _("Din kode fra en afstemning"),
        _(
            "Når du har stemt, kan du sende din kode til dig selv. Vi sender den kun, når "
            "du beder om det."
        ),
        Preference.IMMEDIATE,
        "democracy/ballots/vote/notifications/ballot_receipt.txt",
        ephemeral=True,
    ),
)


def home_ballots_panel(p: Principal) -> dict[str, Any] | None:
    """For a resident: the open ballots of their estates with "Stem nu" and what their
    household has used, and those counted lately with the bulletin. Two queries cold,
    one warm (the ballots are cached), none when there is nothing to show."""
    if not p.resident_estates:
        return None
    now = timezone.now()
    ballots = selectors.resident_ballots(p.user_id, p.resident_estates, now=now)
    if not ballots:
        return None
    return {"ballots": ballots, "now": now, "several": len(p.resident_estates) > 1}


def estate_ballots_panel(p: Principal, estate: Estate) -> dict[str, Any] | None:
    """The same on the estate page, for its residents. As many queries."""
    if not p.is_resident_of(estate.pk):
        return None
    now = timezone.now()
    ballots = selectors.resident_ballots(p.user_id, {estate.pk}, now=now)
    if not ballots:
        return None
    return {"ballots": ballots, "now": now}


def register() -> None:
    for kind in KINDS:
        notifications.register(kind, app=APP)
    # Before the next meeting (25): a vote that is open has a closing time.
    panels.register(
        Panel(
            "democracy.ballots_vote",
            24,
            "democracy/ballots/vote/panels/home.html",
            home_ballots_panel,
            2,
        ),
        app=APP,
    )
    panels.register(
        Panel(
            "democracy.estate_ballots_vote",
            35,
            "democracy/ballots/vote/panels/estate.html",
            estate_ballots_panel,
            2,
            place=ESTATE,
        ),
        app=APP,
    )
