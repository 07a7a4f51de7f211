"""Objects for the proposals part's tests: meetings at chosen distances, extra residents
of estate A, a household that moved out, and a petition with a small threshold."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.test import Client
from django.utils import timezone

from almen.accounts.models import User
from almen.accounts.tests.helpers import login_with_mfa
from almen.democracy import services
from almen.democracy.models import Meeting, MeetingKind, Petition
from almen.democracy.testing import matrix_estate
from almen.register.models import Estate, Household, Resident, Unit, UnitKind


def meeting(
    *,
    kind: str = MeetingKind.ORDINARY,
    days: int = 60,
    notice: bool = True,
    estate: Estate | None = None,
) -> Meeting:
    """A meeting of estate A (default) ``days`` from now, noticed unless told not to
    (with a reason when the notice is late)."""
    estate = estate or matrix_estate()
    starts = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=days)
    made = services.meeting_create(
        actor=None,
        organisation=estate.organisation,
        estate=estate,
        kind=kind,
        title=f"Møde om {days} dage",
        starts_at=starts,
        place="Fælleshuset",
    )
    if notice:
        made = services.notice_publish(actor=None, meeting=made, reason="Testens grund")
    return made


def resident_user(estate: Estate | None = None, *, name: str = "") -> User:
    """A new person with a login in a household of ``estate`` (a new unit and household
    of its own, so each has a household that signs for itself)."""
    estate = estate or matrix_estate()
    tag = uuid.uuid4().hex[:8]
    unit = Unit.objects.create(
        estate=estate,
        number=f"T-{tag}",
        address=f"Testvej {tag}",
        kind=UnitKind.FAMILY,
        rooms=2,
        area_m2=Decimal("60.00"),
    )
    household = Household.objects.create(unit=unit, moved_in=dt.date(2020, 1, 1))
    user = User.objects.create_user(email=f"beboer-{tag}@test.dk", name=name or f"Beboer {tag}")
    Resident.objects.create(household=household, name=user.name, email=user.email, user=user)
    return user


def moved_out_user(estate: Estate | None = None) -> User:
    """A person whose household in ``estate`` moved out last year."""
    user = resident_user(estate, name="Flyttet Beboer")
    Household.objects.filter(residents__user=user).update(moved_out=dt.date(2025, 6, 30))
    return user


def petition(*, threshold: int = 2, households: int = 8, estate: Estate | None = None) -> Petition:
    estate = estate or matrix_estate()
    return Petition.objects.create(
        estate=estate,
        topic="Ekstraordinært møde om legepladsen",
        text="Vi ønsker et møde om legepladsen.",
        households_at_start=households,
        threshold=threshold,
    )


def client(user: Any) -> Client:
    browser = Client()
    login_with_mfa(browser, user)
    return browser
