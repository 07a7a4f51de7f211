"""Households signing a petition at the same moment, as real requests in threads, each
with its own database connection, on PostgreSQL (SQLite serialises every write, so the
race cannot happen there; CI runs this with DATABASE_URL=postgres://…).

The threads commit (they are not inside the test's transaction), so the test creates
what it needs through a thread and removes it again afterwards, like
``almen/goals/tests/test_concurrency.py``."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from almen.accounts.models import User
from almen.accounts.tests.helpers import login_with_mfa
from almen.audit.models import AuditEntry
from almen.democracy.models import Petition, PetitionSignature, PetitionStatus
from almen.democracy.tests import proposals_helpers as h
from almen.lib.tests.threads import in_thread, parallel
from almen.notify.models import Notification
from almen.register.models import Household, Unit

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Races need a database with real concurrent transactions: run on PostgreSQL "
        "(CI does, with DATABASE_URL=postgres://…).",
    ),
]
SIGNERS = 4


def _setup() -> dict[str, Any]:
    """A petition of estate A one signature short of its threshold of 2 (the first
    signer's household has signed), and SIGNERS more residents with a login."""
    first = h.resident_user(name="Første Underskriver")
    petition = h.petition(threshold=2, households=8)
    household = Household.objects.get(residents__user=first)
    PetitionSignature.objects.create(petition=petition, household=household, user=first)
    signers = [h.resident_user(name=f"Samtidig {n}") for n in range(SIGNERS)]
    return {"petition": petition.pk, "public_id": petition.public_id, "users": [first, *signers]}


def _teardown(made: dict[str, Any]) -> None:
    user_ids = [u.pk for u in made["users"]]
    Notification.objects.filter(key__contains=f"petition:{made['petition']}:").delete()
    AuditEntry.objects.filter(
        object_type="democracy.petition", object_id=str(made["petition"])
    ).delete()
    Petition.objects.filter(pk=made["petition"]).delete()
    households = list(
        Household.objects.filter(residents__user_id__in=user_ids).values_list("pk", "unit_id")
    )
    Household.objects.filter(pk__in=[pk for pk, _unit in households]).delete()
    Unit.objects.filter(pk__in=[unit for _pk, unit in households]).delete()
    User.objects.filter(pk__in=user_ids).delete()


def test_two_households_sign_the_last_signature_at_once(cast) -> None:
    """Exactly one REACHED transition and one notification per recipient; the other
    signers are refused with a Danish 400, none with a 500."""
    made = in_thread(_setup)
    url = f"/underskrifter/{made['public_id']}/underskriv/"

    def sign(user: User) -> int:
        browser = Client(raise_request_exception=False)
        login_with_mfa(browser, user)
        return browser.post(url).status_code

    try:
        statuses = parallel([partial(sign, u) for u in made["users"][1:]])
        assert sorted(statuses) == [302] + [400] * (SIGNERS - 1), statuses

        def read() -> tuple[str, int, int, list[tuple[int]]]:
            petition = Petition.objects.get(pk=made["petition"])
            reached = AuditEntry.objects.filter(
                action="democracy.petition_reached", object_id=str(petition.pk)
            ).count()
            signatures = PetitionSignature.objects.filter(
                petition=petition, withdrawn_at__isnull=True
            ).count()
            rows = list(
                Notification.objects.filter(
                    kind="democracy.petition_reached", key__contains=f"petition:{petition.pk}:"
                )
                .values_list("recipient_id")
                .order_by("recipient_id")
            )
            return petition.status, reached, signatures, rows

        status, reached, signatures, rows = in_thread(read)
        assert status == PetitionStatus.REACHED
        assert reached == 1
        assert signatures == 2
        recipients = [r[0] for r in rows]
        assert recipients, "the board and staff are told"
        assert len(recipients) == len(set(recipients)), "one notification per recipient"
    finally:
        in_thread(lambda: _teardown(made))
