"""Objects for the write matrix (almen/access/tests/test_writes.py): each function
makes what one route acts on in organisation A and returns the route's path."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from almen.access.roles import Role
from almen.accounts.models import User
from almen.people import services
from almen.register.models import (
    BodyKind,
    BodyMembership,
    Estate,
    Membership,
    Organisation,
    Resident,
)

CVR_A = "29190909"
BASE = f"/organisationer/{CVR_A}/personer/"


def _org() -> Organisation:
    return Organisation.objects.get(cvr=CVR_A)


def _org_board_user(email: str, *, active: bool = True) -> User:
    user = User.objects.create(email=email, name="Skrivetest Person", is_active=active)
    Membership.objects.create(
        user=user, role=Role.ORG_BOARD, organisation=_org(), starts=dt.date(2025, 1, 1)
    )
    return user


def role_end_path() -> str:
    user = _org_board_user("rolle.afslut@skrivetest.dk")
    membership = Membership.objects.get(user=user)
    return f"{BASE}roller/{membership.pk}/afslut/"


def seat_end_path() -> str:
    seat = BodyMembership.objects.get(
        body__kind=BodyKind.ESTATE_BOARD,
        body__estate__organisation__cvr=CVR_A,
        body__estate__number=1,
        user__email="bestyrelse.a@almen.demo",
    )
    return f"{BASE}medlemmer/{seat.pk}/afslut/"


def invitation_revoke_path() -> str:
    invitation = services.invitation_create(
        actor=None, organisation=_org(), email="tilbagekald@skrivetest.dk", name="Tilbagekald"
    )
    return f"{BASE}invitationer/{invitation.pk}/tilbagekald/"


def account_deactivate_path() -> str:
    return f"{BASE}konti/{_org_board_user('deaktiver@skrivetest.dk').public_id}/deaktiver/"


def account_reactivate_path() -> str:
    user = _org_board_user("genaktiver@skrivetest.dk", active=False)
    return f"{BASE}konti/{user.public_id}/genaktiver/"


def accept_path() -> str:
    invitation = services.invitation_create(
        actor=None, organisation=_org(), email="inviteret@skrivetest.dk", name="Inviteret"
    )
    return f"/invitation/{invitation.token}/"  # type: ignore[attr-defined]


_activation: dict[str, str] = {}


def activate_path() -> str:
    estate = Estate.objects.get(organisation__cvr=CVR_A, number=1)
    letters = services.activation_letters_create(actor=None, estate=estate)
    letter = letters[0]
    resident: Resident = letter.residents[0]
    _activation.update(code=letter.code, resident=str(resident.pk))
    return "/aktiver/"


def activate_data() -> dict[str, str]:
    return {
        "step": "person",
        "code": _activation["code"],
        "resident": _activation["resident"],
        "email": "aktiveret@skrivetest.dk",
        "email2": "aktiveret@skrivetest.dk",
    }


def today() -> str:
    return timezone.localdate().isoformat()
