"""Django admin edits are audited, and reading residents in the admin is too."""

from __future__ import annotations

import pytest
from django.test import Client

from almen.accounts.tests.helpers import login_with_mfa
from almen.audit.models import AuditEntry
from almen.register.models import Building, Resident
from almen.register.testing import RESIDENT_ID

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    from allauth.mfa.totp.internal.auth import TOTP

    from almen.accounts.models import User

    user = User.objects.create_superuser(email="drift@almen.test", password="x" * 20)
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return user


@pytest.fixture
def admin_client_for(operator) -> Client:
    client = Client()
    login_with_mfa(client, operator)
    return client


def test_an_admin_change_is_audited_with_before_and_after(cast, admin_client_for, operator) -> None:
    resident = Resident.objects.select_related("household__unit__estate").get(public_id=RESIDENT_ID)
    response = admin_client_for.post(
        f"/admin/register/resident/{resident.pk}/change/",
        {
            "household": resident.household_id,
            "name": "Fatima Hansen",
            "email": "fatima@example.dk",
            "phone": "",
            "birth_year": "1980",
            "user": resident.user_id,
        },
    )
    assert response.status_code == 302, response.content
    entry = AuditEntry.objects.get(action="admin.change", object_id=str(resident.pk))
    assert entry.actor_id == operator.pk
    assert entry.object_type == "register.resident"
    assert entry.organisation_id == resident.household.unit.estate.organisation_id
    assert entry.changes == [("email", "beboer.a@almen.demo", "fatima@example.dk")]


def test_an_admin_delete_is_audited(cast, admin_client_for) -> None:
    building = Building.objects.select_related("estate").first()
    assert building is not None
    pk = building.pk
    response = admin_client_for.post(f"/admin/register/building/{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Building.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(action="admin.delete", object_id=str(pk))
    assert (entry.before or {})["address"] == building.address
    assert entry.organisation_id == building.estate.organisation_id


def test_reading_residents_in_the_admin_is_audited(cast, admin_client_for) -> None:
    resident = Resident.objects.get(public_id=RESIDENT_ID)
    before = AuditEntry.objects.filter(action="read").count()
    assert admin_client_for.get("/admin/register/resident/").status_code == 200
    change = f"/admin/register/resident/{resident.pk}/change/"
    assert admin_client_for.get(change).status_code == 200
    reads = AuditEntry.objects.filter(action="read").order_by("id")[before:]
    assert [(e.object_type, e.object_id) for e in reads] == [
        ("register.resident", ""),
        ("register.resident", str(resident.pk)),
    ]


def test_an_admin_password_change_is_audited_without_the_password(
    cast, admin_client_for, operator
) -> None:
    user = cast["org_board"].user
    response = admin_client_for.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": "Et-nyt-langt-kodeord-2026", "password2": "Et-nyt-langt-kodeord-2026"},
    )
    assert response.status_code == 302, response.content
    entry = AuditEntry.objects.get(action="admin.password", object_id=str(user.pk))
    assert entry.actor_id == operator.pk
    assert entry.before is None and entry.after is None
